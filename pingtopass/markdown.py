"""Markdown to safe HTML: every user- or AI-written text goes through here before a page shows it."""

import functools
import re

import markdown as md
import nh3
from django.conf import settings

from pingtopass.links import LINK_SCHEMES

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr", "sub", "sup", "kbd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
# nh3 drops an href whose scheme is not listed, after undoing entities and the tabs, newlines and
# control characters a browser would skip, so "[x](java&#9;script:...)" is never a live link. A
# relative href has no scheme and is kept; it can only lead within the site or to http(s).
URL_SCHEMES = {*LINK_SCHEMES, "mailto"}


# One line of plain text (most choices and many explanations): Markdown would only wrap it in
# a paragraph. Anything else goes the long way: a character Markdown or HTML gives a meaning to
# (& < > \ ` * _ [ ] ! | ~ #), any whitespace but a space, a control character, leading or
# trailing space, or a start that makes a list, heading or quote. tests/pingtopass/test_markdown.py
# compares the two ways on thousands of random texts.
_PLAIN = re.compile(r"(?! )(?!\d+[.)] )(?![-+*>#=])(?:[^\s\x00-\x1f\x7f&<>\\`*_\[\]!|~#]| )+(?<! )\Z")


def render_markdown(text: str) -> str:
    if _PLAIN.match(text):
        return f"<p>{text}</p>"
    return _render(text)


# A question card shows five to ten texts (stem, choices, their explanations), each rendered the
# same way every time: the cache holds a whole bank's worth. Entries are about 1 KB.
@functools.lru_cache(maxsize=settings.MARKDOWN_CACHE_SIZE)
def _render(text: str) -> str:
    html = md.markdown(text or "", extensions=["fenced_code", "tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
