from decimal import Decimal

import pytest
from django.utils import timezone

from aigen.models import GenerationJob
from tests.factories import GenerationJobFactory, LLMCallFactory

pytestmark = pytest.mark.django_db

LIST = "/admin/aigen/generationjob/"


def progress_url(job):
    return f"/admin/aigen/generationjob/{job.pk}/progress/"


@pytest.fixture
def running():
    return GenerationJobFactory(status="running", requested_count=10, created_count=3, rejected_count=2,
                                failed_calls=1, cost_usd=Decimal("0.0123"), estimated_cost_usd=Decimal("0.05"),
                                heartbeat_at=timezone.now())


def test_it_lists_jobs_with_live_progress_and_cost(client, moderator, running):
    done = GenerationJobFactory(status="succeeded", requested_count=5, created_count=5, cost_usd=Decimal("1.5"))
    client.force_login(moderator)
    page = client.get(LIST).content.decode()

    assert "3</strong> of 10 written" in page and "2 rejected · 1 failed call · cost $0.0123 of about $0.0500" in page
    assert "5</strong> of 5 written" in page and "cost $1.50" in page
    assert f'hx-get="{progress_url(running)}" hx-trigger="every 2s"' in page
    assert f'hx-get="{progress_url(done)}"' not in page  # finished jobs are not polled
    assert "htmx-2.0.11.min.js" in page
    assert "Start a job" in page and "Review queue" in page and "AI cost" in page


def test_the_progress_fragment_stops_polling_when_the_job_ends(client, moderator, running):
    client.force_login(moderator)
    fragment = client.get(progress_url(running), headers={"HX-Request": "true"}).content.decode()
    assert fragment.startswith('<div class="ptp-progress"') and 'hx-trigger="every 2s"' in fragment
    assert "<html" not in fragment

    GenerationJob.objects.filter(pk=running.pk).update(status="partial", error="Stopped after 3 failed calls.")
    fragment = client.get(progress_url(running), headers={"HX-Request": "true"}).content.decode()
    assert "Partly succeeded" in fragment and "Stopped after 3 failed calls." in fragment
    assert "hx-trigger" not in fragment
    assert f'href="/admin/aigen/aiquestion/?job={running.pk}">review</a>' in fragment


def test_a_job_page_is_read_only_and_shows_every_call(client, moderator, running):
    LLMCallFactory(job=running, outcome="rate_limited", status_code=429, error="HTTP 429: slow down")
    LLMCallFactory(job=running, attempt=2)
    client.force_login(moderator)
    page = client.get(f"/admin/aigen/generationjob/{running.pk}/change/").content.decode()
    assert "Rate limited (429)" in page and "HTTP 429: slow down" in page
    assert "3</strong> of 10 written" in page
    assert 'name="_save"' not in page


def test_a_moderator_stops_a_running_job(client, moderator, running):
    client.force_login(moderator)
    response = client.post(LIST, {"action": "stop_selected", "_selected_action": [running.pk]}, follow=True)
    assert "Stopped 1 job(s)." in response.content.decode()
    running.refresh_from_db()
    assert (running.status, running.error) == ("partial", "Stopped by moderator@example.com.")


def test_the_list_says_when_generation_is_not_configured(client, moderator):
    client.force_login(moderator)
    assert "AI generation is not configured" in client.get(LIST).content.decode()


def test_learners_never_see_jobs(client, learner, running):
    client.force_login(learner)
    for url in (LIST, progress_url(running), f"/admin/aigen/generationjob/{running.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
