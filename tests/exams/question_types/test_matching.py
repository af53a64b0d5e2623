"""Matching: each item paired with one of the offered texts; every pair must be right."""

import random

import pytest

from exams.question_types import ChoiceData, InvalidAnswer, question_errors
from tests.exams.question_types.helpers import form, grade, parse
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_it_needs_every_pair():
    question = QuestionFactory(type="matching")
    ids = list(question.choices.values_list("id", flat=True))
    order = [ids[1], ids[2], ids[0]]
    match_order = [ids[2], ids[0], ids[1]]
    right = {"match-0": "2", "match-1": "0", "match-2": "1"}
    assert grade(question, order, right, match_order) == 1
    assert grade(question, order, {"match-0": "0", "match-1": "2", "match-2": "1"}, match_order) == 0
    with pytest.raises(InvalidAnswer, match="used only once"):
        parse(question, order, {"match-0": "0", "match-1": "0", "match-2": "1"}, match_order)
    with pytest.raises(InvalidAnswer, match="Match every item"):
        parse(question, order, {"match-0": "0"}, match_order)


def test_it_shuffles_items_and_targets_apart():
    kind = QuestionFactory.build(type="matching").kind
    choice_order, match_order = kind.prepare(list(range(1, 9)), random.Random(7))
    assert sorted(choice_order) == sorted(match_order) == list(range(1, 9))
    assert choice_order != match_order


def test_it_draws_the_saved_pairs_and_reads_them_back_in_words():
    question = QuestionFactory(type="matching")
    items = list(question.choices.order_by("position"))
    by_id = {c.pk: c for c in items}
    match_order = [items[2].pk, items[0].pk, items[1].pk]
    response = {str(items[0].pk): items[0].pk, str(items[1].pk): items[2].pk}
    rows = question.kind.card_rows(items, response=response, match_order=match_order, posted=None)
    assert [r.match for r in rows] == [1, 0, None]
    html = str(question.kind.render_input(rows=rows, match_options=[(i, by_id[pk].match_text)
                                                                     for i, pk in enumerate(match_order)]))
    assert html.count("— choose —") == 3 and html.count(" selected>") == 2
    assert question.kind.answer_given(form(**{"match-0": "1"})) and not question.kind.answer_given(form())
    summary = question.kind.summary(response, choice_order=[c.pk for c in items], choices_by_id=by_id)
    assert summary == [f"{items[0].text} → {items[0].match_text}", f"{items[1].text} → {items[2].match_text}"]


def test_its_review_escapes_the_match_text():
    question = QuestionFactory(type="matching", choices=[
        ("Port 22", True, "<script>alert(1)</script> & SSH"), ("Port 53", True, "DNS")])
    html = str(question.kind.render_review(question=question, choices=list(question.choices.order_by("position")),
                                           picked_ids=set()))
    assert "<script>" not in html
    assert "matches →</strong> &lt;script&gt;alert(1)&lt;/script&gt; &amp; SSH" in html


def test_its_content_rules_and_guessing_chance():
    pairs = [ChoiceData(f"Item {n}", False, "Why.", match_text="Same") for n in range(3)]
    assert question_errors(question_type="matching", choose_count=1, choices=pairs) == [
        "The texts items match must be distinct."]
    kind = QuestionFactory.build(type="matching").kind
    assert kind.guessing_chance(options=3, match_options=4, choose_count=1) == 1 / 24
