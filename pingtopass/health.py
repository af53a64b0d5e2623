"""GET /health/: is the database, cache and task broker reachable, and how fast."""

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

logger = logging.getLogger("pingtopass.health")


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", 5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)


def _check_broker() -> None:
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
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
    checks = {"database": _probe(_check_database), "cache": _probe(_check_cache)}
    if broker_configured():
        checks["broker"] = _probe(_check_broker)
    else:
        checks["broker"] = {"ok": True, "latency_ms": 0.0, "detail": "not configured: tasks run in-process"}
    healthy = all(part["ok"] for part in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
