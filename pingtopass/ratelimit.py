"""Fixed-window rate limits kept in the cache that all processes share (Redis, or without it
pingtopass/cache.py's SQLite file), with a clear 429 page."""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from pingtopass.cache import CacheUnavailable
from pingtopass.clients import client_ip

# What a limit does while the shared cache is unreachable and nothing can be counted. Most fail
# open: a learner's answer or report is never refused for want of a counter. Those named here fail
# closed, with a 503 that says why: a generation job spends the money its limit is there to cap.
# Sign-in and password resets fail closed too (accounts/views.py, accounts/adapters.py).
FAIL_CLOSED = frozenset({"generation", "account_delete"})
BRIEFLY_UNAVAILABLE = "This is briefly unavailable: please try again in a minute. Nothing was changed."
# Retry-After of a 503 that asks to try again shortly: what fails closed while the shared cache
# is unreachable, an account deletion refused while a payment provider is down.
RETRY_AFTER_A_MINUTE = 60


def parse_rate(rate: str) -> tuple[int, int]:
    """"120/60" → 120 requests per 60 seconds."""
    count, seconds = rate.split("/")
    return int(count), int(seconds)


def rate_limit_hit(scope: str, key: str, rate: str) -> tuple[bool, int]:
    """Count one request; return (allowed, seconds until the window resets). Without the cache, a
    scope in FAIL_CLOSED raises CacheUnavailable and any other is allowed."""
    limit, window = parse_rate(rate)
    now = time.time()
    bucket = int(now // window)
    cache_key = f"rl:{scope}:{key}:{bucket}"
    # incr and add are each atomic across processes: of two first requests of a window, one adds
    # the counter and the other counts on it (it outlives its window by 5 s, far longer than the
    # moment between). Every request after the first is one write.
    try:
        try:
            count = cache.incr(cache_key)
        except ValueError:
            count = 1 if cache.add(cache_key, 1, window + 5) else cache.incr(cache_key)
    except CacheUnavailable:
        if scope in FAIL_CLOSED:
            raise
        return True, 0
    return count <= limit, int(window - now % window) + 1


def rate_limited(scope: str):
    """Limit a view per signed-in user (or per IP for anonymous requests) by settings.RATE_LIMITS[scope]."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            rate = settings.RATE_LIMITS.get(scope)
            if rate and request.method == "POST":
                who = f"u{request.user.pk}" if request.user.is_authenticated else f"ip{client_ip(request)}"
                try:
                    allowed, retry_after = rate_limit_hit(scope, who, rate)
                except CacheUnavailable:
                    return briefly_unavailable(request)
                if not allowed:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def too_many_requests(request, retry_after: int):
    context = {"retry_after": retry_after}
    if getattr(request, "htmx", False):
        response = render(request, "partials/rate_limited.html", context, status=429)
        response["HX-Retarget"] = "#flash"
        response["HX-Reswap"] = "innerHTML"
    else:
        response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def briefly_unavailable(request):
    """503 for what fails closed while the shared cache is unreachable."""
    context = {"code": 503, "title": "Briefly unavailable", "message": BRIEFLY_UNAVAILABLE}
    response = render(request, "errors/error.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_A_MINUTE)
    return response
