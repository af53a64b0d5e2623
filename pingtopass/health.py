"""GET /health/: is the database, cache and task broker reachable, and how fast.

Only the database is essential: without it the site cannot serve, and the answer is 503. Without
the cache (it fails soft: pingtopass/cache.py) or the broker the site still serves, slower or
without starting generation jobs, and the answer is 200 with status "degraded" and the part that
failed: a load balancer that took every instance out because their shared Redis was down would
turn a slowdown into an outage. So with the backups: a failed or stale backup is "degraded"."""

import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
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


class BackupFailed(Exception):
    """The last backup attempt failed."""


class BackupStale(Exception):
    """The last good backup is older than BACKUP_MAX_AGE_HOURS."""


def _backup_probe() -> dict:
    """The last backup attempt, from the status file ops writes beside the backups
    (ops/services/backups.py): failed or stale is not ok. Before the first one there is nothing to
    report on."""
    if "dbbackup" not in settings.STORAGES:
        return {"ok": True, "latency_ms": 0.0, "detail": "not configured"}
    status = {}

    def _check_backup() -> None:
        try:
            with storages["dbbackup"].open(settings.BACKUP_STATUS_FILE) as file:
                status.update(json.load(file))
        except FileNotFoundError:
            return
        if not status.get("ok"):
            raise BackupFailed(status.get("error", ""))
        age_hours = (time.time() - datetime.fromisoformat(status["last_success_at"]).timestamp()) / 3600
        status["age_hours"] = round(age_hours, 1)
        if settings.BACKUP_MAX_AGE_HOURS and age_hours > settings.BACKUP_MAX_AGE_HOURS:
            raise BackupStale(f"the last good backup is {age_hours:.1f} hours old")

    result = _probe(_check_backup)
    if result["ok"] and not status:
        result["detail"] = "no backup recorded yet"
    result.update({key: status[key] for key in ("attempted_at", "last_success_at", "age_hours") if key in status})
    return result


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
    checks = {"database": _probe(_check_database), "cache": _cache_probe(), "backup": _backup_probe()}
    if broker_configured():
        checks["broker"] = _probe(_check_broker)
    else:
        checks["broker"] = {"ok": True, "latency_ms": 0.0, "detail": "not configured: tasks run in-process"}
    if not checks["database"]["ok"]:
        return JsonResponse({"status": "error", "checks": checks}, status=503)
    healthy = all(part["ok"] for part in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks})
