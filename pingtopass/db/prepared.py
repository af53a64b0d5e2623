"""Queries compiled once: a hot lookup or write skips Django's query building on every request.

Building and compiling a queryset with joins, annotations or conditional expressions can cost more
CPU than running it (docs/performance-history.md, "Measured costs"). A prepared query builds its queryset
once per process and database, with stand-in values, and keeps the SQL; each call binds the real
values to that SQL. `PreparedQuery` returns the model instances the queryset would (its
select_related objects and annotations included); `PreparedUpdate` runs the queryset's UPDATE
and returns the rows it changed.

Only the values may change between calls, never the shape: `build` must produce the same SQL
whatever values it is given, and each value must reach the SQL as a parameter. Values are
integers, floats, dates or aware datetimes, each compared with or written to a field of its own
kind. A prepared query's integers are the ids and positions it looks rows up by: given one no
64-bit column can hold (a hostile id from a URL or a form) it finds no row, as filter(pk=...)
does, where the database driver would raise (SQLite's OverflowError).
The queryset is compiled twice, with two sets of stand-ins, and anything else is refused.
"""

import datetime

from django.db import connections, transaction
from django.db.models.query import get_related_populators
from django.db.models.sql import UpdateQuery

from pingtopass.params import INT64_MAX, INT64_MIN

# Two sets of stand-ins per kind of value, each value's own and inside every integer field's
# range (a lookup outside a field's range compiles to nothing). A parameter that differs between
# the two compilations as a value's stand-ins do is that value's place; one that does not is
# the shape's own.
_UTC = datetime.UTC
_STAND_INS = {
    int: lambda set_, i: (30_001, 31_001)[set_] + i,
    float: lambda set_, i: (30_001.5, 31_001.5)[set_] + i,
    datetime.date: lambda set_, i: datetime.date(1901 + set_, 1, 1) + datetime.timedelta(days=i),
    datetime.datetime: lambda set_, i: datetime.datetime(1901 + set_, 1, 1, tzinfo=_UTC) + datetime.timedelta(days=i),
}


def _adapter(kind, connection):
    """How the database driver is given a value of this kind (what Django's fields do)."""
    if kind is datetime.datetime:
        return connection.ops.adapt_datetimefield_value
    if kind is datetime.date:
        return connection.ops.adapt_datefield_value
    return None


class _Prepared:
    plan_class: type  # how the compiled SQL is run: _SelectPlan or _UpdatePlan

    def __init__(self, build):
        self.build = build
        self._plans = {}

    def __call__(self, **values):
        return self._plan(values).run(values)

    def _plan(self, values):
        kinds = tuple(sorted((name, type(value)) for name, value in values.items()))
        plan = self._plans.get(kinds)
        if plan is None:
            plan = self._plans[kinds] = self._compile(dict(kinds))
        return plan

    def _compile(self, kinds):
        for kind in kinds.values():
            if kind not in _STAND_INS:
                raise ValueError(f"A prepared query takes integers, floats, dates and datetimes, not {kind.__name__}.")
        compiled = []
        for set_ in (0, 1):
            stand_ins = {name: _STAND_INS[kind](set_, i) for i, (name, kind) in enumerate(sorted(kinds.items()))}
            compiled.append((stand_ins, *self._compiler(stand_ins)))
        (first, alias, compiler, sql, params), (second, _, _, other_sql, other_params) = compiled
        if other_sql != sql or len(params) != len(other_params):
            raise ValueError("The query's SQL changes with its values: it cannot be prepared.")
        connection = connections[alias]
        adapters = {name: _adapter(kind, connection) for name, kind in kinds.items()}

        def sent(name, stand_in):
            adapt = adapters[name]
            return adapt(stand_in) if adapt else stand_in

        places = {(sent(name, first[name]), sent(name, second[name])): name for name in kinds}
        slots = []  # (name, adapter) for a value's place, (None, constant) for the shape's own
        for a, b in zip(params, other_params, strict=True):
            if a == b:
                slots.append((None, a))
            elif (a, b) in places:
                slots.append((places[a, b], adapters[places[a, b]]))
            else:
                raise ValueError(f"A parameter changes with the values but is none of them as given: {a!r}.")
        missing = set(kinds) - {name for name, _ in slots if name}
        if missing:
            raise ValueError(f"These values do not reach the SQL as parameters: {sorted(missing)}.")
        return self.plan_class(alias, compiler, sql, slots)


def _bind(slots, values) -> list:
    """The parameters for one call: the shape's constants, and each value as its driver takes it."""
    bound = []
    for name, extra in slots:
        if name is None:
            bound.append(extra)
        else:
            bound.append(extra(values[name]) if extra else values[name])
    return bound


class _UpdatePlan:
    def __init__(self, alias, compiler, sql, slots):
        self.alias, self.sql, self.slots = alias, sql, slots

    def run(self, values) -> int:
        with transaction.mark_for_rollback_on_error(using=self.alias), connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, _bind(self.slots, values))
            return cursor.rowcount


class _SelectPlan:
    def __init__(self, alias, compiler, sql, slots):
        self.alias, self.compiler, self.sql, self.slots = alias, compiler, sql, slots
        select, klass_info = compiler.select, compiler.klass_info
        self.annotations = list(compiler.annotation_col_map.items())
        self.model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model_slice = slice(start, end)
        self.init_list = [column[0].target.attname for column in select[start:end]]
        self.populators = get_related_populators(klass_info, select, alias)
        self.converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])

    def run(self, values) -> list:
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, _bind(self.slots, values))
            rows = cursor.fetchall()
        if self.converters:
            # Django's own conversion; it hands converters the compiling thread's connection,
            # of which they read only settings (its time zone), the same in every thread.
            rows = self.compiler.apply_converters(rows, self.converters)
        objects = []
        for row in rows:
            obj = self.model.from_db(self.alias, self.init_list, row[self.model_slice])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


class PreparedQuery(_Prepared):
    """`PreparedQuery(build)`, then `query(**values)` returns a list of model instances;
    `build(**values)` returns the queryset."""

    plan_class = _SelectPlan

    def __call__(self, **values):
        for value in values.values():
            if type(value) is int and not INT64_MIN <= value <= INT64_MAX:
                return []
        return super().__call__(**values)

    def _compiler(self, stand_ins):
        queryset = self.build(**stand_ins)
        if queryset._known_related_objects or queryset._prefetch_related_lookups:
            raise ValueError("A prepared query cannot come from a related manager or prefetch.")
        compiler = queryset.query.get_compiler(using=queryset.db)
        return queryset.db, compiler, *compiler.as_sql()


class PreparedUpdate(_Prepared):
    """`PreparedUpdate(build)`, then `update(**values)` returns the number of rows changed;
    `build(**values)` returns `(queryset, {field: new value or expression})`."""

    plan_class = _UpdatePlan

    def _compiler(self, stand_ins):
        queryset, changes = self.build(**stand_ins)
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(changes)
        compiler = query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        if query.related_updates:
            raise ValueError("A prepared update writes one table.")
        return queryset.db, compiler, sql, params


def compiled_update(queryset, changes: dict):
    """`queryset.update(**changes)`, compiled now and run when called (returns the rows changed):
    an UPDATE whose values differ every time (JSON, text) cannot be prepared, but it can be built
    before its write transaction begins, so the writers' queue is not held while Django builds it."""
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(changes)
    if query.related_updates:
        raise ValueError("A compiled update writes one table.")
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    plan = _UpdatePlan(queryset.db, compiler, sql, [(None, param) for param in params])
    return lambda: plan.run({})
