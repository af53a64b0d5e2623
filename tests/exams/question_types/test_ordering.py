"""Ordering: every step gets a position; only the exact order is right."""

import pytest

from exams.question_types import ChoiceData, InvalidAnswer, question_errors
from tests.exams.question_types.helpers import form, grade, parse
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_it_needs_the_exact_order():
    question = QuestionFactory(type="ordering")
    ids = list(question.choices.order_by("position").values_list("id", flat=True))
    order = [ids[3], ids[1], ids[0], ids[2]]  # shown shuffled
    right = {"pos-0": "4", "pos-1": "2", "pos-2": "1", "pos-3": "3"}
    assert grade(question, order, right) == 1
    assert grade(question, order, {**right, "pos-0": "3", "pos-3": "4"}) == 0
    with pytest.raises(InvalidAnswer, match="only one step"):
        parse(question, order, {**right, "pos-0": "1"})
    with pytest.raises(InvalidAnswer, match="every step a position"):
        parse(question, order, {"pos-0": "1"})
    with pytest.raises(InvalidAnswer, match="Positions start at 1"):
        parse(question, order, {**right, "pos-0": "0"})


def test_it_counts_an_answer_given_only_once_a_step_moved():
    kind = QuestionFactory(type="ordering").kind
    assert not kind.answer_given(form(**{"pos-0": "1", "pos-1": "2"}))
    assert kind.answer_given(form(**{"pos-0": "2", "pos-1": "1", "touched": "1"}))


def test_it_draws_steps_in_the_learners_order_and_reviews_them_in_the_right_one():
    question = QuestionFactory(type="ordering")
    steps = list(question.choices.order_by("position"))
    shown = [steps[2], steps[0], steps[3], steps[1]]
    kind = question.kind
    fresh = kind.card_rows(shown, response=None, match_order=[], posted=None)
    assert [r.choice for r in fresh] == shown  # as shuffled, positions 1..4 offered in turn
    html = str(kind.render_input(rows=fresh, match_options=[]))
    assert html.count('data-position-select') == 4 and html.count(" selected>") == 4
    answered = kind.card_rows(shown, response=[steps[1].pk, steps[0].pk, steps[3].pk, steps[2].pk],
                              match_order=[], posted=None)
    assert [r.choice for r in answered] == [steps[1], steps[0], steps[3], steps[2]]
    assert [r.position for r in answered] == [1, 2, 3, 4]
    assert kind.review_order(shown) == steps
    summary = kind.summary([steps[1].pk, steps[0].pk], choice_order=[], choices_by_id={s.pk: s for s in steps})
    assert summary == [f"1. {steps[1].text}", f"2. {steps[0].text}"]


def test_its_review_numbers_steps_without_letters():
    question = QuestionFactory(type="ordering")
    html = str(question.kind.render_review(question=question, choices=list(question.choices.order_by("position")),
                                           picked_ids=set()))
    assert 'type="A"' not in html and "is-wrong" not in html
    assert all(f"Step {n}</span>" in html for n in (1, 2, 3, 4))


def test_its_content_rules_and_guessing_chance():
    steps = [ChoiceData(f"Step {n}", False, "Why.") for n in range(2)]
    assert question_errors(question_type="ordering", choose_count=1, choices=steps) == [
        "An ordering question needs 3 to 8 steps."]
    kind = QuestionFactory.build(type="ordering").kind
    assert all(c.is_correct for c in kind.normalised(steps))  # the order is the answer
    assert kind.guessing_chance(options=4, match_options=0, choose_count=1) == 1 / 24
