"""The analytics page's slowest pages: each URL pattern's requests of the last day, from the
timings the request log middleware keeps (pingtopass/middleware.py)."""

import html as htmllib
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from ops.analytics import analytics_overview
from pingtopass import middleware
from pingtopass.middleware import RouteTimings

pytestmark = pytest.mark.django_db

URL = "/ops/analytics/"


@pytest.fixture
def timings(monkeypatch):
    fresh = RouteTimings(flush_seconds=3600)  # this process's figures reach the cache when the page asks
    monkeypatch.setattr(middleware, "route_timings", fresh)
    return fresh


@pytest.fixture
def staff_client(client, moderator):
    client.force_login(moderator)
    return client


def rows(html: str) -> list[list[str]]:
    section = html.split('<h2 id="slowest-heading">', 1)[1].split("</section>", 1)[0]
    return [[htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>", 1)[1], re.S)]


def test_it_ranks_the_pages_of_the_last_day_by_their_mean_time(staff_client, timings):
    for duration in (100.0, 300.0):
        timings.record("study:answer", "sessions/<id:pk>/q/<id:position>/answer/", duration)
    timings.record("ops:analytics", "ops/analytics/", 150.0)
    for duration in (2.0, 4.0, 3.0):
        timings.record("health", "health/", duration)

    response = staff_client.get(URL)

    assert response.status_code == 200
    assert rows(response.content.decode()) == [
        ["/sessions/<id:pk>/q/<id:position>/answer/ study:answer", "2", "200 ms", "300 ms"],
        ["/ops/analytics/ ops:analytics", "1", "150 ms", "150 ms"],
        ["/health/ health", "3", "3 ms", "4 ms"],
    ]
    assert "over the last 24 hours (6 requests)" in response.content.decode()


def test_it_counts_the_requests_the_site_served(staff_client, timings, test_exam):
    staff_client.get("/exams/PTP-100/")
    staff_client.get("/exams/SOMETHING-ELSE/")
    staff_client.get("/not-a-page/")

    html = staff_client.get(URL).content.decode()

    pages = {row[0]: row[1] for row in rows(html)}
    assert pages["/exams/<str:code>/ study:exam_detail"] == "2"
    assert pages["Static files and unknown addresses"] == "1"


def test_it_says_when_nothing_was_recorded(staff_client, timings):
    assert rows(staff_client.get(URL).content.decode()) == [["No requests recorded in this period."]]


def test_it_leaves_out_what_is_older_than_a_day(timings):
    timings.record("health", "health/", 5.0)
    later = timezone.now() + timedelta(hours=24)
    assert analytics_overview(days=30, now=later)["slowest"]["pages"] == []
    assert analytics_overview(days=30, now=later - timedelta(hours=1))["slowest"]["requests"] == 1
