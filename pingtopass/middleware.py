"""Request id, one structured log line per request and each URL pattern's timings per hour; the
Content-Security-Policy header."""

import contextlib
import functools
import logging
import os
import re
import threading
import time
import uuid
from http import HTTPStatus

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, setting_changed
from django.dispatch import receiver

from pingtopass.logging import NO_REQUEST, request_id_var

logger = logging.getLogger("pingtopass.request")

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    """Give every request an id (kept from a sane incoming X-Request-ID) and log it as JSON.

    Every other line logged while the request is served, and every task it queues, carries the
    same id (pingtopass.logging, pingtopass.celery). Requests slower than SLOW_REQUEST_MS log at
    WARNING so they stand out in production logs. Its duration also counts in its URL pattern's
    timings (route_timings, below).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request_id_var.set(request.id)  # until the response is closed: _request_id_forget
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response["X-Request-ID"] = request.id
        match = request.resolver_match
        if match is None:
            route_timings.record(NO_ROUTE, "", duration_ms)
        else:
            route_timings.record(match.view_name, match.route, duration_ms)
        slow = duration_ms >= settings.SLOW_REQUEST_MS
        user = getattr(request, "user", None)
        logger.log(
            logging.WARNING if slow else logging.INFO,
            "request",
            extra={
                "request_id": request.id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "slow": slow,
            },
        )
        return response


# --- Timings per URL pattern, for the staff analytics page's slowest pages (ops/analytics.py) -------
NO_ROUTE = "(no URL pattern)"  # static files, unknown URLs, and answers given before URL resolution
ROUTE_TIMINGS_FLUSH_SECONDS = 10
ROUTE_TIMINGS_KEEP_SECONDS = 25 * 3600  # the page reads the last 24 hours


class RouteTimings:
    """How many requests each URL pattern (its name, so ids in paths make no new keys) served per
    hour, their total and their longest duration.

    A request adds to this process's figures in memory: no cache call. At most every
    `flush_seconds` the process writes its whole figures of the hour to a cache key of its own (a
    slot numbered by the hour's counter, taken once with `incr`), so no process overwrites
    another's counts or needs a lock, and a write that is lost (the cache down, cleared) is made
    good by the next. A process that dies loses what it counted since its last flush.
    """

    def __init__(self, *, flush_seconds: float = ROUTE_TIMINGS_FLUSH_SECONDS):
        self.flush_seconds = flush_seconds
        self._lock = threading.Lock()  # gthread workers: requests of one process at once
        self._flushing = threading.Lock()  # two flushes at once would take two slots for one hour
        self._forget_all()

    def _forget_all(self) -> None:
        self._pid = os.getpid()
        self._owner = uuid.uuid4().hex
        self._hours: dict[int, dict[str, list]] = {}  # hour -> route -> [count, total ms, max ms, pattern]
        self._slots: dict[int, int] = {}
        self._next_flush = 0.0

    def record(self, route: str, pattern: str, duration_ms: float) -> None:
        now = time.time()
        with self._lock:
            routes = self._hours.setdefault(int(now // 3600), {})
            figures = routes.get(route)
            if figures is None:
                routes[route] = [1, duration_ms, duration_ms, pattern]
            else:
                figures[0] += 1
                figures[1] += duration_ms
                figures[2] = max(figures[2], duration_ms)
            due = now >= self._next_flush
            if due:
                self._next_flush = now + self.flush_seconds
        if due:
            self.flush()

    def flush(self) -> None:
        """Write this process's figures to the cache: those of the hour, and the last of an hour
        that has ended."""
        with self._flushing:
            with self._lock:
                if self._pid != os.getpid():  # a forked child: the figures and slots are its parent's
                    self._forget_all()
                this_hour = int(time.time() // 3600)
                hours = {hour: {route: list(figures) for route, figures in routes.items()}
                         for hour, routes in self._hours.items()}
                for hour in [hour for hour in self._hours if hour < this_hour]:
                    del self._hours[hour]
            for hour, routes in sorted(hours.items()):
                # incr raises when the cache is down or lost the counter, and a cache backend
                # without our fail-soft wrapper raises its own errors: figures kept for a page must
                # never fail a request. The next flush writes the same figures, and more.
                with contextlib.suppress(Exception):
                    self._write(hour, routes)
                if hour < this_hour:
                    self._slots.pop(hour, None)

    def _write(self, hour: int, routes: dict[str, list]) -> None:
        slot = self._slots.get(hour)
        if slot is not None:
            written = cache.get(_slot_key(hour, slot))
            if written is None or written["owner"] != self._owner:
                # The cache was cleared (a restore, a restart) or evicted it, and the slot may be
                # another process's now: take a new one, and leave no stale copy of ours behind.
                cache.delete(_slot_key(hour, slot))
                slot = None
        if slot is None:
            cache.add(_slots_key(hour), 0, ROUTE_TIMINGS_KEEP_SECONDS)
            slot = self._slots[hour] = cache.incr(_slots_key(hour))
        cache.set(_slot_key(hour, slot), {"owner": self._owner, "routes": routes}, ROUTE_TIMINGS_KEEP_SECONDS)


def _slots_key(hour: int) -> str:
    return f"route-timings:{hour}:slots"


def _slot_key(hour: int, slot: int) -> str:
    return f"route-timings:{hour}:{slot}"


def route_timings_read(*, hours: int, now: float) -> dict[str, dict]:
    """Every process's figures of the `hours` hours up to `now` (a timestamp), per route name:
    count, total_ms, max_ms and pattern (its URL pattern, without the leading slash). Two cache
    reads."""
    last = int(now // 3600)
    counters = cache.get_many([_slots_key(hour) for hour in range(last - hours + 1, last + 1)])
    keys = [_slot_key(hour, slot) for hour in range(last - hours + 1, last + 1)
            for slot in range(1, counters.get(_slots_key(hour), 0) + 1)]
    totals: dict[str, dict] = {}
    for written in cache.get_many(keys).values():
        for route, (count, total_ms, max_ms, pattern) in written["routes"].items():
            figures = totals.setdefault(route, {"count": 0, "total_ms": 0.0, "max_ms": 0.0, "pattern": pattern})
            figures["count"] += count
            figures["total_ms"] += total_ms
            figures["max_ms"] = max(figures["max_ms"], max_ms)
    return totals


route_timings = RouteTimings()


@receiver(request_finished)
def _request_id_forget(**kwargs):
    # The end of a request is when its response is closed, not when this middleware returns:
    # Django logs an error response (django.request) after the middleware, and a streaming
    # response is written after that. A response is closed whatever the view did (an exception
    # becomes a 500 response first), so no line between requests shows the last one's id.
    request_id_var.set(NO_REQUEST)


# What a response or request can carry to change its Content-Security-Policy (django-csp's
# decorators and nonce): with none of these, the policy is the settings' alone.
_OWN_POLICY = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
               "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the settings' policy built once per process.

    django-csp builds the header string for every response, though it never changes here
    (docs/performance-history.md, "Measured costs"). No view here sets a
    policy of its own and no template asks for a nonce. A response that does, or a request
    that drew a nonce, is handled by django-csp itself, unchanged.
    """

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, name) for name in _OWN_POLICY):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.INTERNAL_SERVER_ERROR):
            return response  # Django's debug pages, as django-csp leaves them
        for header, policy, setting in _settings_policies():
            if policy and header not in response and not request.path_info.startswith(_excluded_prefixes(setting)):
                response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # as django-csp: no nonce after the header
        return response


@functools.cache
def _settings_policies() -> tuple[tuple[str, str, str], ...]:
    return ((HEADER, build_policy(), "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, build_policy(report_only=True), "CONTENT_SECURITY_POLICY_REPORT_ONLY"))


@functools.cache
def _excluded_prefixes(setting: str) -> tuple[str, ...]:
    return tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())


@receiver(setting_changed)
def _forget_policies(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_policies.cache_clear()
        _excluded_prefixes.cache_clear()
