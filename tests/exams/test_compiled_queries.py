"""The exams app's compiled queries give what their plain ORM queries give (exams/compiled_queries.py)."""

import pytest

from exams import compiled_queries as compiled
from tests.compiled import assert_same_rows
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_it_finds_a_questions_choices_in_their_order():
    question = QuestionFactory(type="ordering")
    QuestionFactory()
    found = assert_same_rows(compiled.choices_of, compiled.choices_of_query, question=question.pk)
    assert [c.position for c in found] == [1, 2, 3, 4]
    assert compiled.choices_of(question=question.pk + 1000) == []
