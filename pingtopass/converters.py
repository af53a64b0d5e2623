"""Path converters of our own, registered once: `<id:pk>` in any urls.py that imports this module.

`<id:...>` matches the whole numbers a database id column can hold, 1 to 2^63 - 1 (our ids and
a session's question positions both start at 1). Anything else (0, 2^63 and beyond) is no match,
so Django answers 404 before a view runs: Django's own `<int:...>` hands a view any number of any
size, and a compiled query (pingtopass/db/prepared.py) or a database driver given one beyond 64
bits raises instead of finding nothing.
"""

from django.urls import register_converter

from pingtopass.params import INT64_MAX


class IdConverter:
    regex = "[0-9]{1,19}"  # never longer than INT64_MAX

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= INT64_MAX:
            raise ValueError(f"{value} is not a database id")  # Django: no match, so 404
        return number

    def to_url(self, value) -> str:
        return str(self.to_python(str(value)))


register_converter(IdConverter, "id")
