"""Single, multiple and true/false: answered by picking choices by their shown letter."""

import random

import pytest

from exams.models import Question
from exams.question_types import ChoiceData, InvalidAnswer, question_errors
from tests.exams.question_types.helpers import form, grade, parse
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_it_grades_a_single_choice_by_the_shown_index():
    question = QuestionFactory()
    ids = list(question.choices.values_list("id", flat=True))  # first is correct
    order = [ids[2], ids[0], ids[3], ids[1]]
    assert grade(question, order, {"choice": "1"}) == 1
    assert grade(question, order, {"choice": "0"}) == 0
    with pytest.raises(InvalidAnswer, match="Pick one answer"):
        parse(question, order, {"choice": ["0", "1"]})


def test_it_grades_multiple_choice_all_or_nothing():
    question = QuestionFactory(type="multiple", choose_count=2)
    order = list(question.choices.values_list("id", flat=True))  # first two correct
    assert grade(question, order, {"choice": ["0", "1"]}) == 1
    assert grade(question, order, {"choice": ["0", "2"]}) == 0
    with pytest.raises(InvalidAnswer, match="Pick exactly two answers \\(you picked 3\\)"):
        parse(question, order, {"choice": ["0", "1", "2"]})
    with pytest.raises(InvalidAnswer, match="Pick exactly two"):
        parse(question, order, {"choice": ["0"]})


def test_it_keeps_true_before_false_and_grades_it():
    question = QuestionFactory(type="truefalse")
    order = list(question.choices.values_list("id", flat=True))
    assert question.kind.prepare(order, random.Random(3)) == (order, [])
    assert grade(question, order, {"choice": "0"}) == 1
    assert grade(question, order, {"choice": "1"}) == 0


@pytest.mark.parametrize("bad", ["9", "-1", "x", ""])
def test_it_refuses_a_choice_outside_the_question(bad):
    question = QuestionFactory()
    order = list(question.choices.values_list("id", flat=True))
    with pytest.raises(InvalidAnswer):
        parse(question, order, {"choice": bad})


def test_it_says_the_answer_in_words_in_the_order_shown():
    question = QuestionFactory(type="multiple", choose_count=2)
    choices = list(question.choices.order_by("position"))
    by_id = {c.pk: c for c in choices}
    shown = [choices[3].pk, choices[1].pk, choices[0].pk, choices[2].pk]
    summary = question.kind.summary([choices[0].pk, choices[1].pk], choice_order=shown, choices_by_id=by_id)
    assert summary == [choices[1].text, choices[0].text]
    assert question.kind.picked_ids([choices[0].pk]) == {choices[0].pk}


def test_it_draws_radios_for_one_answer_and_checkboxes_for_several():
    single = QuestionFactory()
    rows = single.kind.card_rows(list(single.choices.all()), response=None, match_order=[], posted=None)
    html = str(single.kind.render_input(rows=rows, match_options=[]))
    assert html.count('type="radio" name="choice"') == 4 and "checked" not in html
    multiple = QuestionFactory(type="multiple", choose_count=2)
    shown = list(multiple.choices.all())
    rows = multiple.kind.card_rows(shown, response=[shown[2].pk], match_order=[], posted=None)
    html = str(multiple.kind.render_input(rows=rows, match_options=[]))
    assert html.count('type="checkbox" name="choice"') == 4
    assert 'value="2" checked>' in html and 'class="choice is-picked" data-choice-key="3"' in html
    # a refused form is drawn as the learner left it, not as saved
    rows = multiple.kind.card_rows(shown, response=[shown[2].pk], match_order=[], posted=form(choice=["0", "1"]))
    assert [r.picked for r in rows] == [True, True, False, False]


def test_it_counts_the_chance_of_a_guess():
    assert Question(type="single").kind.guessing_chance(options=4, match_options=0, choose_count=1) == 1 / 4
    assert Question(type="multiple").kind.guessing_chance(options=5, match_options=0, choose_count=2) == 1 / 10
    assert Question(type="truefalse").kind.guessing_chance(options=2, match_options=0, choose_count=1) == 1 / 2


def _choices(*rows):
    return [ChoiceData(text, correct, "Why.") for text, correct in rows]


def test_its_content_rules_name_what_is_wrong():
    assert question_errors(question_type="single", choose_count=1,
                           choices=_choices(("A", True), ("B", True), ("C", False))) == [
        "A single-choice question needs exactly one correct choice (it has 2)."]
    assert "A true/false question has exactly two choices" in question_errors(
        question_type="truefalse", choose_count=1, choices=_choices(("Yes", True), ("No", False)))[0]
    assert question_errors(question_type="truefalse", choose_count=1,
                           choices=_choices(("true", True), ("FALSE", False))) == []
    assert question_errors(question_type="multiple", choose_count=2,
                           choices=_choices(("A", True), ("B", False), ("C", False))) == [
        "This question says choose 2 but has 1 correct choices."]
    assert question_errors(question_type="single", choose_count=1,
                           choices=_choices(("A", True), ("None of the above", False), ("C", False))) == [
        '"All/none of the above" choices are not allowed.']
    assert question_errors(question_type="essay", choose_count=1, choices=[]) == ["Unknown question type 'essay'."]
