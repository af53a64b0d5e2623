"""billing's compiled queries have the effect of the plain ORM queries beside them."""

from datetime import date

import pytest

from accounts.models import User
from billing.compiled_queries import allowance_count, allowance_count_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def _plain(user: int, today: date, limit: int) -> int:
    queryset, changes = allowance_count_update(user, today, limit)
    return queryset.update(**changes)


def _counter(user) -> tuple:
    return User.objects.values_list("allowance_day", "allowance_used").get(pk=user.pk)


@pytest.mark.parametrize(("day", "used", "limit"), [
    (None, 0, 20),  # never answered
    (date(2026, 11, 22), 20, 20),  # a full allowance yesterday: today starts again at 1
    (TODAY, 5, 20),  # some of today's used
    (TODAY, 19, 20),  # the last one of today's
    (TODAY, 20, 20),  # today's all used: nothing changes
])
def test_it_counts_an_answer_as_the_plain_update_does(day, used, limit):
    compiled, plain, other = (UserFactory(allowance_day=day, allowance_used=used) for _ in range(3))
    changed = allowance_count(user=compiled.pk, today=TODAY, limit=limit)
    assert changed == _plain(plain.pk, TODAY, limit)
    assert _counter(compiled) == _counter(plain)
    assert _counter(other) == (day, used)  # only the learner's own row
    assert changed == (0 if (day, used) == (TODAY, limit) else 1)
