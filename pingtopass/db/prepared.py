"""Querysets compiled once: a hot lookup skips Django's query building on every request.

Building and compiling a queryset with joins and annotations costs more CPU than running it:
bench/request_cost.py measured the question card's lookup at about 2 ms to build and compile
against 0.2 ms to execute on SQLite. A `PreparedQuery` builds its queryset once per process and
database, with stand-in values, and keeps the SQL; each call binds the real values to that SQL
and turns the rows into the same model instances the queryset would give (its select_related
objects and annotations included).

Only the values may change between calls, never the shape: `build` must produce the same SQL
whatever integers it is given, and each value must reach the SQL as a parameter.
"""

from django.db import connections
from django.db.models.query import get_related_populators

# Two sets of stand-in values, each value's own and inside every integer field's range (a
# lookup outside a field's range compiles to nothing): a parameter that differs between the two
# compilations, as the stand-ins do, is that value's place; one that does not is the shape's.
_STAND_INS = (30_001, 31_001)


class PreparedQuery:
    """`PreparedQuery(build)`, then `query(**values)` returns a list of model instances.

    `build(**values)` returns the queryset; the values are integers (primary keys, positions).
    """

    def __init__(self, build):
        self.build = build
        self._compiled = {}

    def __call__(self, **values) -> list:
        names = tuple(sorted(values))
        plan = self._compiled.get(names)
        if plan is None:
            plan = self._compiled[names] = _Plan(self.build, names)
        return plan.run(values)


class _Plan:
    def __init__(self, build, names):
        compiled = []
        for base in _STAND_INS:
            stand_ins = {name: base + i for i, name in enumerate(names)}
            queryset = build(**stand_ins)
            if queryset._known_related_objects or queryset._prefetch_related_lookups:
                raise ValueError("A prepared query cannot come from a related manager or prefetch.")
            compiler = queryset.query.get_compiler(using=queryset.db)
            compiled.append((stand_ins, compiler, *compiler.as_sql()))
        (first, compiler, self.sql, params), (second, _, other_sql, other_params) = compiled
        if other_sql != self.sql or len(params) != len(other_params):
            raise ValueError("The query's SQL changes with its values: it cannot be prepared.")
        self.alias = queryset.db
        names_at = {(first[name], second[name]): name for name in names}
        # (name, None) for a value's place, (None, constant) for a parameter fixed by the shape.
        self.params = []
        for a, b in zip(params, other_params, strict=True):
            if a == b:
                self.params.append((None, a))
            elif (a, b) in names_at:
                self.params.append((names_at[a, b], None))
            else:
                raise ValueError(f"A parameter changes with the values but is none of them: {a!r}.")
        missing = set(names) - {name for name, _ in self.params if name}
        if missing:
            raise ValueError(f"These values do not reach the SQL as parameters: {sorted(missing)}.")
        select, klass_info = compiler.select, compiler.klass_info
        self.annotations = list(compiler.annotation_col_map.items())
        self.model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model_slice = slice(start, end)
        self.init_list = [column[0].target.attname for column in select[start:end]]
        self.populators = get_related_populators(klass_info, select, self.alias)
        self.converters = sorted(compiler.get_converters([s[0] for s in select[: compiler.col_count]]).items())

    def run(self, values) -> list:
        connection = connections[self.alias]
        params = [values[name] if name else constant for name, constant in self.params]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        objects = []
        for row in rows:
            if self.converters:
                row = list(row)
                for position, (converters, expression) in self.converters:
                    value = row[position]
                    for converter in converters:
                        value = converter(value, expression, connection)
                    row[position] = value
            obj = self.model.from_db(self.alias, self.init_list, row[self.model_slice])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

