import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_it_reports_every_part_healthy(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    for part in ("database", "cache", "broker"):
        assert body["checks"][part]["ok"] is True
        assert isinstance(body["checks"][part]["latency_ms"], float)


def test_it_is_degraded_not_503_when_the_cache_is_down(client):
    # The site still serves without its cache: a load balancer must not take it out.
    down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=down):
        from django.core.cache import caches

        caches._settings = None  # pick up the overridden CACHES
        response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_it_is_degraded_not_503_when_a_configured_broker_is_down(client):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/health/")
    assert response.status_code == 200 and response.json()["status"] == "degraded"
    assert response.json()["checks"]["broker"]["ok"] is False
    assert "Error" in response.json()["checks"]["broker"]["error"]


def test_it_checks_a_real_redis_broker(client, redis_url):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=redis_url):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["ok"] is True


def test_it_is_503_when_the_database_is_down(client, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.utils import OperationalError

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False
