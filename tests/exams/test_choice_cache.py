"""Question choices kept per process (exams.selectors.attach_cached_choices): a question not held
is read with the others in one query, a held one costs nothing, an edited one is read afresh."""

import pytest

from exams.models import Choice, Question
from exams.selectors import attach_cached_choices
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_it_reads_the_choices_of_every_new_question_in_one_query(django_assert_num_queries):
    made = [QuestionFactory(type="ordering") for _ in range(6)]
    questions = list(Question.objects.filter(pk__in=[q.pk for q in made]).order_by("pk"))

    with django_assert_num_queries(1):
        attach_cached_choices(questions)
    assert [[c.position for c in q.choices.all()] for q in questions] == [[1, 2, 3, 4]] * 6

    again = list(Question.objects.filter(pk__in=[q.pk for q in made]).order_by("pk"))
    with django_assert_num_queries(0):
        attach_cached_choices(again)
    assert [c.pk for c in again[0].choices.all()] == [c.pk for c in questions[0].choices.all()]


def test_an_edited_question_is_read_afresh():
    question = QuestionFactory()
    attach_cached_choices([Question.objects.get(pk=question.pk)])
    choice = Choice.objects.filter(question=question).order_by("position").first()
    choice.text = "Edited after it was cached"
    choice.save()  # touches the question (exams/apps.py)

    fresh = Question.objects.get(pk=question.pk)
    attach_cached_choices([fresh])

    assert "Edited after it was cached" in [c.text for c in fresh.choices.all()]
