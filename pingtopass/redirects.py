"""Where a view may send the browser when the request names the place (`next=`): the one rule.

A target from the request is taken only as a path on this site: it starts with a single "/" (not
"//" or "/\\", which browsers read as another host), holds no control or format character (a
newline would split the Location header, U+202E hides what follows) and is of a sane length;
Django's url_has_allowed_host_and_scheme has the last word. Anything else gives the view's default.
The result is used as a URL, never as a view name: `redirect("abc")` would try to reverse "abc"
and fail with a 500, and `redirect("study:dashboard")` would obey a name the user chose.
"""

import unicodedata

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

MAX_LENGTH = 2000


def safe_next_url(request, value, default: str) -> str:
    """`value` if it is a safe path on this site, else `default` (a URL the view built)."""
    return value if is_safe_next_url(request, value) else default


def is_safe_next_url(request, value) -> bool:
    """Whether `value` may be used as a redirect target (see the module's docstring)."""
    local_path = (
        isinstance(value, str)
        and value.startswith("/")
        and not value.startswith(("//", "/\\"))
        and len(value) <= MAX_LENGTH
        and not any(unicodedata.category(char)[0] == "C" for char in value)
    )
    return local_path and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def redirect_to(request, url: str):
    """A redirect htmx follows as a page change, or a plain one."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
