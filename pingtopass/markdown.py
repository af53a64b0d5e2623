"""Markdown to safe HTML: every user- or AI-written text goes through here before a page shows it."""

import functools

import markdown as md
import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr", "sub", "sup", "kbd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


# Rendering costs ~0.2 ms a text, and a question card shows five to ten (stem, choices, their
# explanations): the cache holds a whole bank's worth. Entries are about 1 KB.
@functools.lru_cache(maxsize=settings.MARKDOWN_CACHE_SIZE)
def render_markdown(text: str) -> str:
    html = md.markdown(text or "", extensions=["fenced_code", "tables", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
