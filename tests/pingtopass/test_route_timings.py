"""pingtopass/middleware.py: each URL pattern's request count, total and longest duration per hour,
kept in the cache for the staff analytics page, without a cache call per request."""

import logging
import time

import pytest
from django.core.cache import cache

from pingtopass import middleware
from pingtopass.middleware import NO_ROUTE, RouteTimings, route_timings_read

pytestmark = pytest.mark.django_db


@pytest.fixture
def timings(monkeypatch):
    """This process's timings, fresh, written to the cache after every request."""
    fresh = RouteTimings(flush_seconds=0)
    monkeypatch.setattr(middleware, "route_timings", fresh)
    return fresh


def read() -> dict[str, dict]:
    return route_timings_read(hours=24, now=time.time())


def test_it_counts_requests_per_url_pattern_whatever_the_ids_in_their_paths(client, timings, test_exam, caplog):
    caplog.set_level(logging.INFO, logger="pingtopass.request")
    assert client.get("/exams/PTP-100/").status_code == 200
    assert client.get("/exams/NO-SUCH-EXAM/").status_code == 404
    client.get("/health/")
    client.get("/health/")
    assert client.get("/no/such/page/").status_code == 404

    figures = read()

    assert set(figures) == {"study:exam_detail", "health", NO_ROUTE}
    exam = figures["study:exam_detail"]
    assert exam["count"] == 2 and exam["pattern"] == "exams/<str:code>/"
    assert figures["health"]["count"] == 2 and figures[NO_ROUTE]["count"] == 1
    logged = [r.duration_ms for r in caplog.records if r.name == "pingtopass.request" and r.path.startswith("/exams/")]
    assert exam["total_ms"] == pytest.approx(sum(logged)) and exam["max_ms"] == max(logged)


def test_it_writes_the_cache_once_per_flush_interval_not_per_request(client, monkeypatch):
    timings = RouteTimings(flush_seconds=3600)
    monkeypatch.setattr(middleware, "route_timings", timings)

    for _ in range(10):
        client.get("/health/")

    assert read()["health"]["count"] == 1  # the process's first request flushed; the rest wait in memory
    timings.flush()
    assert read()["health"]["count"] == 10


def test_processes_add_up_without_overwriting_each_other():
    first, second = RouteTimings(), RouteTimings()
    first.record("study:answer", "sessions/<id:pk>/q/<id:position>/answer/", 30.0)
    first.record("study:answer", "sessions/<id:pk>/q/<id:position>/answer/", 50.0)
    second.record("study:answer", "sessions/<id:pk>/q/<id:position>/answer/", 400.0)
    second.record("health", "health/", 2.0)

    for _ in range(3):  # each flush writes a process's figures whole: again is not twice
        first.flush()
        second.flush()

    figures = read()
    assert figures["study:answer"] == {"count": 3, "total_ms": 480.0, "max_ms": 400.0,
                                       "pattern": "sessions/<id:pk>/q/<id:position>/answer/"}
    assert figures["health"]["count"] == 1


def test_a_cleared_cache_is_filled_again_by_the_next_flushes():
    first, second = RouteTimings(), RouteTimings()
    first.record("health", "health/", 10.0)
    second.record("health", "health/", 20.0)
    first.flush()
    second.flush()

    cache.clear()  # as dbrestore does, or a Redis restart
    assert read() == {}
    second.record("health", "health/", 30.0)
    second.flush()  # takes the hour's first slot again, which was the first process's
    first.flush()
    second.flush()

    assert read()["health"] == {"count": 3, "total_ms": 60.0, "max_ms": 30.0, "pattern": "health/"}


def test_it_reads_the_last_day_only():
    timings = RouteTimings()
    timings.record("health", "health/", 10.0)
    timings.flush()

    assert route_timings_read(hours=24, now=time.time() + 23 * 3600)["health"]["count"] == 1
    assert route_timings_read(hours=24, now=time.time() + 24 * 3600) == {}


def test_a_cache_that_cannot_be_used_costs_the_figures_not_the_request(client, timings, settings, tmp_path):
    settings.CACHES = {"default": {"BACKEND": "pingtopass.cache.SQLiteCache", "LOCATION": str(tmp_path)}}  # a folder

    response = client.get("/exams/")

    assert response.status_code == 200
    assert read() == {}
