"""GET /health/: is the database, cache and task broker reachable, and how fast.

Only the database is essential: without it the site cannot serve, and the answer is 503. Without
the cache (it fails soft: pingtopass/cache.py) or the broker the site still serves, slower or
without starting generation jobs, and the answer is 200 with status "degraded" and the part that
failed: a load balancer that took every instance out because their shared Redis was down would
turn a slowdown into an outage."""

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pingtopass.cache import CacheUnavailable

logger = logging.getLogger("pingtopass.health")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", 5)
    if cache.get(key) != "1":
        breaker = getattr(cache, "breaker", None)
        if breaker is not None and not breaker.closed:
            raise CacheUnavailable(breaker.error)
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)


def _cache_probe() -> dict:
    result = _probe(_check_cache)
    breaker = getattr(cache, "breaker", None)
    if breaker is not None:
        result.update(breaker.report())  # this process's failures, and while it skips the cache, why
    return result


def _check_broker() -> None:
    import redis

    timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()


def _probe(check: Callable[[], None]) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # a health check reports every failure, whatever its kind
        # The page is public: it names the kind of failure; the log has the details.
        logger.warning("health check %s failed: %s", check.__name__, exc)
        return {"ok": False, "latency_ms": round((time.perf_counter() - started) * 1000, 2), "error": type(exc).__name__}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def broker_configured() -> bool:
    return not settings.CELERY_TASK_ALWAYS_EAGER


@require_GET
@never_cache
def health(request):
    checks = {"database": _probe(_check_database), "cache": _cache_probe()}
    if broker_configured():
        checks["broker"] = _probe(_check_broker)
    else:
        checks["broker"] = {"ok": True, "latency_ms": 0.0, "detail": "not configured: tasks run in-process"}
    if not checks["database"]["ok"]:
        return JsonResponse({"status": "error", "checks": checks}, status=503)
    healthy = all(part["ok"] for part in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks})
