"""set_prefetched hands Django rows as if prefetch_related had fetched them (pingtopass/db/prefetch.py)."""

import pytest

from pingtopass.db.prefetch import set_prefetched
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_it_serves_the_given_rows_without_a_query(django_assert_num_queries):
    question = QuestionFactory()
    rows = list(question.choices.order_by("-position"))
    set_prefetched(question, "choices", rows)
    with django_assert_num_queries(0):
        assert list(question.choices.all()) == rows
        assert question.choices.count() == 4


def test_it_keeps_other_prefetched_relations():
    question = QuestionFactory()
    question.bookmarks.all()  # a second relation, prefetched first
    set_prefetched(question, "bookmarks", [])
    set_prefetched(question, "choices", list(question.choices.all()))
    assert set(question._prefetched_objects_cache) == {"bookmarks", "choices"}
