"""Checks that a compiled query (pingtopass/db/prepared.py) gives what the plain query it stands for gives."""

from django.db import transaction


def rows(objects) -> list[tuple]:
    """What a caller sees of model instances: every concrete field's value, and annotations."""
    return [
        (type(o).__name__, *(f.value_from_object(o) for f in o._meta.concrete_fields),
         *sorted((k, v) for k, v in vars(o).items() if not k.startswith("_") and k not in {
             f.attname for f in o._meta.concrete_fields}))
        for o in objects
    ]


def assert_same_rows(compiled, plain, **values) -> list:
    """The compiled query and its plain form find the same rows (and related rows) for these values."""
    found = compiled(**values)
    expected = list(plain(**values))
    assert rows(found) == rows(expected)
    return found


class _Undo(Exception):
    pass


def assert_same_update(compiled, plain, model, **values) -> int:
    """The compiled update and its plain form change the same rows to the same values."""
    def after(run) -> tuple[int, list]:
        try:
            with transaction.atomic():
                changed = run()
                state = rows(model.objects.order_by("pk"))
                raise _Undo
        except _Undo:
            return changed, state

    def plain_run():
        queryset, changes = plain(**values)
        return queryset.update(**changes)

    changed, state = after(lambda: compiled(**values))
    assert (changed, state) == after(plain_run)
    return changed
