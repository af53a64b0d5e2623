"""Which stored URLs a page may draw as links: the one rule for every URL field, the pages that
draw them, the seed loader and the AI quality gate.

A URL is drawn as a link only if it is a well-formed absolute http:// or https:// URL (Django's
URLValidator with those two schemes, in any letter case). Nothing is stripped or normalised
first: a browser skips leading spaces and control characters and drops tabs and newlines anywhere
in an href, so " javascript:", "java<TAB>script:" or "\\x01javascript:" would run as javascript:
once drawn. Any such character makes the value fail here instead, because the value must start
with the scheme itself and may contain no whitespace. Scheme-relative ("//host/...") and relative
values are refused too: a stored reference names its scheme. Everything else (javascript:, data:,
vbscript:, file:, ftp:, ...) is refused, and a page shows a refused URL as plain text, never an href.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

LINK_SCHEMES = ("http", "https")

validate_http_url = URLValidator(
    schemes=list(LINK_SCHEMES), message="Enter a full web address starting with http:// or https://."
)


def is_http_url(value) -> bool:
    """Whether `value` may be drawn as the href of a link (see the module's docstring)."""
    if not value or not isinstance(value, str):
        return False
    try:
        validate_http_url(value)
    except ValidationError:
        return False
    return True
