"""The one place that writes Django's private prefetch attributes.

`set_prefetched(question, "choices", rows)` makes `question.choices.all()` return `rows` without a
query, exactly as `prefetch_related("choices")` would have left it: Django keeps prefetched rows
in `instance._prefetched_objects_cache[<related name>]`, a queryset whose `_result_cache` holds
them and whose `_prefetch_done` is set. Django has no public API to hand it rows already fetched
(from a cache, say); should these attributes change in a new Django, this is the one function to
follow, and tests/pingtopass/test_prefetch.py tells.
"""

from collections.abc import Sequence


def set_prefetched(instance, relation: str, rows: Sequence) -> None:
    """Give `instance` these rows of a to-many relation as if prefetched. Treat them as read-only."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache, queryset._prefetch_done = list(rows), True
    instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {}), relation: queryset}
