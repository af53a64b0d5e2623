"""What a learner has used of the free plan, as billing needs to know it.

The app that records the use counts it (study, in study/allowance.py) and registers itself here
from its AppConfig.ready, so billing never imports it. (The daily answer allowance is not here:
it is kept on the user row, billing/compiled_queries.py.)
"""

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured


class Usage(Protocol):
    def simulations_used(self, user, exam_id: int) -> int:
        """How many exam simulations of this exam the user has started, finished or not."""


_source: Usage | None = None


def usage_source_register(source: Usage) -> None:
    global _source
    _source = source


def usage_source() -> Usage:
    if _source is None:
        raise ImproperlyConfigured("No app has registered where the free plan's usage is counted (study does, in its ready()).")
    return _source
