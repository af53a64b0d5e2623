"""Reading a page's markup the way assistive technology relies on it: ids, and the references to them."""

from collections import Counter
from html.parser import HTMLParser

REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage", "for")


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] += 1
        for name in REFERENCES:
            for target in (attrs.get(name) or "").split():
                self.references.append((tag, name, target))


def read(html: str) -> _Markup:
    markup = _Markup()
    markup.feed(html)
    return markup


def assert_ids_sound(html: str, where: str) -> None:
    """No id twice on the page, and every ARIA reference or label points at an id that exists."""
    markup = read(html)
    repeated = sorted(i for i, n in markup.ids.items() if n > 1)
    assert not repeated, f"{where} repeats ids: {repeated}"
    dangling = [(tag, name, target) for tag, name, target in markup.references if target not in markup.ids]
    assert not dangling, f"{where} refers to ids that do not exist: {dangling}"
