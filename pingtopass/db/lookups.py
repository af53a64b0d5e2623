"""Lookups on integer columns that find nothing for a number no such column holds, where Django's
own hand that number to the database driver, whose SQLite flavour raises OverflowError (a 500).

Since Django 5.0 `filter(pk=2**63)` finds no row, and `pk__gt=2**63` none while `pk__lt=2**63`
finds all (IntegerFieldExact and its siblings in django/db/models/lookups.py). Two kinds of lookup
were left out: `in` (`pk__in=[2**63]`, admin's `?id__in=` and the ids its bulk actions post), and
every lookup through a foreign key (`user=2**63`, `user__in=...`), whose value the related field
hands on unchecked. These do the same for them: a value outside the column's range is one no row
holds, so `in` leaves it out (and finds nothing if none is left), `exact` finds nothing, and the
comparisons find all or nothing. `register()` installs them, once per process (pingtopass.apps).
"""

import copy
import math

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.expressions import ColPairs
from django.db.models.fields import related_lookups
from django.db.models.lookups import In


def integer_range(field, connection) -> tuple[int | float, int | float] | None:
    """The (lowest, highest) whole number a column of `field` holds on this database (infinite
    where the database sets no bound); None for a column of anything else. A relation (a foreign
    key, or one followed backwards or many to many) compares the field it leads to."""
    while field.is_relation:
        field = field.target_field
    if not isinstance(field, IntegerField):
        return None
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    return (-math.inf if low is None else low), (math.inf if high is None else high)


class _InRange:
    """`in` without the numbers the column cannot hold."""

    def as_sql(self, compiler, connection):
        if self.rhs_is_direct_value() and not isinstance(self.lhs, ColPairs):
            bounds = integer_range(self.lhs.output_field, connection)
            if bounds is not None:
                low, high = bounds
                held = [value for value in self.rhs if not isinstance(value, int) or low <= value <= high]
                if len(held) < len(self.rhs):
                    # A copy: the lookup may be compiled again, for a database of other ranges.
                    lookup = copy.copy(self)
                    lookup.rhs = held  # none left: In finds nothing (EmptyResultSet)
                    return super(_InRange, lookup).as_sql(compiler, connection)
        return super().as_sql(compiler, connection)


class _RelatedOutOfRange:
    """Django's IntegerFieldOverflow for a foreign key: it knows the range of an integer field
    only, and a foreign key names itself, not the field it points to."""

    underflow_exception = EmptyResultSet
    overflow_exception = EmptyResultSet

    def process_rhs(self, compiler, connection):
        if isinstance(self.rhs, int) and not isinstance(self.lhs, ColPairs):
            bounds = integer_range(self.lhs.output_field, connection)
            if bounds is not None:
                low, high = bounds
                if self.rhs < low:
                    raise self.underflow_exception
                if self.rhs > high:
                    raise self.overflow_exception
        return super().process_rhs(compiler, connection)


class IntegerFieldIn(_InRange, In):
    pass


class RelatedIn(_InRange, related_lookups.RelatedIn):
    pass


class RelatedExact(_RelatedOutOfRange, related_lookups.RelatedExact):
    pass


class RelatedGreaterThan(_RelatedOutOfRange, related_lookups.RelatedGreaterThan):
    underflow_exception = FullResultSet


class RelatedGreaterThanOrEqual(_RelatedOutOfRange, related_lookups.RelatedGreaterThanOrEqual):
    underflow_exception = FullResultSet


class RelatedLessThan(_RelatedOutOfRange, related_lookups.RelatedLessThan):
    overflow_exception = FullResultSet


class RelatedLessThanOrEqual(_RelatedOutOfRange, related_lookups.RelatedLessThanOrEqual):
    overflow_exception = FullResultSet


def register() -> None:
    """Put these in place of Django's, for every integer field and every foreign key."""
    IntegerField.register_lookup(IntegerFieldIn)
    for lookup in (RelatedIn, RelatedExact, RelatedGreaterThan, RelatedGreaterThanOrEqual, RelatedLessThan,
                   RelatedLessThanOrEqual):
        ForeignObject.register_lookup(lookup)
