"""billing's compiled queries (pingtopass/db/prepared.py), each beside the plain ORM query it
stands for: code that needs the speed calls the compiled one, and reads as if it ran the plain
one. tests/billing/test_compiled_queries.py checks that both have the same effect."""

from datetime import date

from django.db.models import Case, F, Q, Value, When

from accounts.models import User
from pingtopass.db.prepared import PreparedUpdate


def allowance_count_update(user: int, today: date, limit: int):
    """Count one new answer on user `user`'s allowance for `today`, unless `limit` answers are
    already counted that day: `(queryset, changes)` for `queryset.update(**changes)`, which
    changes no row when the allowance is used up."""
    return User.objects.filter(pk=user).filter(
        ~Q(allowance_day=today) | Q(allowance_day__isnull=True) | Q(allowance_used__lt=limit)
    ), {
        "allowance_used": Case(When(allowance_day=today, then=F("allowance_used") + 1), default=Value(1)),
        "allowance_day": today,
    }


# Every free learner's new answer runs it.
allowance_count = PreparedUpdate(allowance_count_update)
