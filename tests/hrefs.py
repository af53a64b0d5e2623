"""The links in a page as a browser would follow them."""

import re
from html.parser import HTMLParser

# The WHATWG URL parser strips leading and trailing C0 controls and spaces, removes every tab and
# newline, then reads a scheme as a letter followed by letters, digits, "+", "-" or ".", up to ":".
_EDGES = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


class _HrefParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        # HTMLParser has already decoded character references in attribute values, as browsers do.
        self.hrefs += [value or "" for name, value in attrs if name == "href"]


def normalise(href: str) -> str:
    """An href (entities already decoded) as the URL parser reads it."""
    return _TAB_OR_NEWLINE.sub("", href.strip(_EDGES))


def hrefs(html: str) -> list[str]:
    """Every href in the page, normalised."""
    parser = _HrefParser()
    parser.feed(html)
    parser.close()
    return [normalise(href) for href in parser.hrefs]


def scheme(href: str) -> str | None:
    """The scheme a browser reads in a normalised href, lowercased; None for a relative one."""
    match = _SCHEME.match(href)
    return match.group(1).lower() if match else None
