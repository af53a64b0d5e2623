import pytest
from django.http import QueryDict

from study.grading import InvalidAnswer, is_correct, response_from_form
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def qd(**data):
    q = QueryDict(mutable=True)
    for key, value in data.items():
        q.setlist(key, value if isinstance(value, list) else [value])
    return q


def grade(question, order, data, match_order=()):
    choices = list(question.choices.all())
    return is_correct(question, choices, response_from_form(question, order, list(match_order), qd(**data)))


def test_single_choice_is_graded_by_the_shown_index():
    question = QuestionFactory()
    ids = list(question.choices.values_list("id", flat=True))  # first is correct
    order = [ids[2], ids[0], ids[3], ids[1]]
    assert grade(question, order, {"choice": "1"}) is True
    assert grade(question, order, {"choice": "0"}) is False


def test_multiple_choice_is_all_or_nothing():
    question = QuestionFactory(type="multiple", choose_count=2)
    order = list(question.choices.values_list("id", flat=True))  # first two correct
    assert grade(question, order, {"choice": ["0", "1"]}) is True
    assert grade(question, order, {"choice": ["0", "2"]}) is False
    with pytest.raises(InvalidAnswer, match="Pick exactly two answers \\(you picked 3\\)"):
        grade(question, order, {"choice": ["0", "1", "2"]})
    with pytest.raises(InvalidAnswer, match="Pick exactly two"):
        grade(question, order, {"choice": ["0"]})


def test_true_false():
    question = QuestionFactory(type="truefalse")
    order = list(question.choices.values_list("id", flat=True))
    assert grade(question, order, {"choice": "0"}) is True
    assert grade(question, order, {"choice": "1"}) is False


def test_ordering_needs_the_exact_order():
    question = QuestionFactory(type="ordering")
    ids = list(question.choices.order_by("position").values_list("id", flat=True))
    order = [ids[3], ids[1], ids[0], ids[2]]  # shown shuffled
    right = {"pos-0": "4", "pos-1": "2", "pos-2": "1", "pos-3": "3"}
    assert grade(question, order, right) is True
    assert grade(question, order, {**right, "pos-0": "3", "pos-3": "4"}) is False
    with pytest.raises(InvalidAnswer, match="only one step"):
        grade(question, order, {**right, "pos-0": "1"})
    with pytest.raises(InvalidAnswer, match="every step a position"):
        grade(question, order, {"pos-0": "1"})


def test_matching_needs_every_pair():
    question = QuestionFactory(type="matching")
    ids = list(question.choices.values_list("id", flat=True))
    order = [ids[1], ids[2], ids[0]]
    match_order = [ids[2], ids[0], ids[1]]
    right = {"match-0": "2", "match-1": "0", "match-2": "1"}
    assert grade(question, order, right, match_order) is True
    assert grade(question, order, {"match-0": "0", "match-1": "2", "match-2": "1"}, match_order) is False
    with pytest.raises(InvalidAnswer, match="used only once"):
        grade(question, order, {"match-0": "0", "match-1": "0", "match-2": "1"}, match_order)
    with pytest.raises(InvalidAnswer, match="Match every item"):
        grade(question, order, {"match-0": "0"}, match_order)


@pytest.mark.parametrize("bad", ["9", "-1", "x", ""])
def test_a_choice_outside_the_question_is_refused(bad):
    question = QuestionFactory()
    order = list(question.choices.values_list("id", flat=True))
    with pytest.raises(InvalidAnswer):
        grade(question, order, {"choice": bad})
