"""The footer's "Status" opens a page for people; /health/ stays the JSON machines read."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_it_shows_the_health_checks_as_a_page(client):
    response = client.get("/status/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<h1>Status</h1>" in html and "Everything is working." in html
    for part in ("Database", "Cache", "Task queue", "Backups"):
        assert f'<th scope="row">{part}' in html
    assert html.count('<span class="badge badge-ok">Working</span>') == 4
    assert 'href="/health/"' in html
    assert client.get("/health/").json()["status"] == "ok"


def test_it_says_which_part_is_not_answering(client):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/status/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "some parts are slow or paused" in html
    assert '<th scope="row">Task queue<span class="small muted status-role">Background work' in html
    assert html.count('<span class="badge badge-bad">Not answering</span>') == 1


def test_the_footer_links_to_the_page(client):
    assert '<a href="/status/">Status</a>' in client.get("/").content.decode()
