"""Starting a generation job while the task broker refuses connections or hangs (issue 28): the
moderator reads that the queue is unavailable on the start page, not a 500; the job, saved but
never queued, ends failed with the reason, so it holds none of the month's budget and no sweep
waits for it; the log says which task was not queued. The broker's timeouts (settings.py) bound
the wait well under gunicorn's 60 s."""

import time

import pytest

from aigen.models import GenerationJob
from aigen.selectors import budget_status
from tests.aigen.test_job_start_view import URL, form_data
from tests.aigen.workers import publishing_to
from tests.factories import DomainFactory, ObjectiveFactory
from tests.fault_servers import HangingServer
from tests.servers import free_port

# Committed for real: the job is queued when its row commits (transaction.on_commit).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["refused", "hangs"])
def broker_down(request, monkeypatch):
    """CELERY_BROKER_URL at a port nobody listens on, or at a server that never answers."""
    hanging = HangingServer() if request.param == "hangs" else None
    port = hanging.port if hanging else free_port()
    with publishing_to(f"redis://127.0.0.1:{port}/0", monkeypatch):
        yield hanging
    if hanging:
        hanging.stop()


@pytest.fixture
def queue_log(logged_warnings):
    return logged_warnings("pingtopass.queue")


def test_the_moderator_is_told_the_queue_is_unavailable_and_the_job_holds_no_budget(
    client, moderator, fake_llm, broker_down, queue_log,
):
    objective = ObjectiveFactory(domain=DomainFactory(name="Network Fundamentals"))
    client.force_login(moderator)
    began = time.monotonic()
    response = client.post(URL, form_data(objective.domain.exam, [objective]))
    assert time.monotonic() - began < 15  # the broker's timeouts, not gunicorn's 60 s

    assert response.status_code == 200
    page = response.content.decode()
    job = GenerationJob.objects.get()
    assert "The job was not started." in page
    assert f"Job #{job.pk} was not started: the task queue is unavailable" in page
    assert (job.status, job.finished_at is not None) == ("failed", True)
    assert "task queue is unavailable" in job.error
    assert budget_status().reserved == 0
    if broker_down:
        assert broker_down.received > 0  # the hanging broker was really asked

    [warning] = queue_log
    assert "aigen.generation_job_run" in warning.getMessage() and "not queued" in warning.getMessage()


def test_resuming_a_stalled_job_while_the_queue_is_down_says_so_and_leaves_it_stalled(
    client, moderator, broker_down, queue_log, settings,
):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import GenerationJobFactory

    objective = ObjectiveFactory()
    lapsed = timezone.now() - timedelta(seconds=settings.AI_JOB_LEASE_SECONDS + 90)
    job = GenerationJobFactory(exam=objective.domain.exam, objectives=[objective], requested_count=3,
                               status="running", created_count=0, heartbeat_at=lapsed)
    client.force_login(moderator)

    response = client.post("/admin/aigen/generationjob/", {"action": "resume_stalled", "_selected_action": [job.pk]},
                           follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"The task queue is unavailable: #{job.pk} stay stalled." in page and "stalled job(s) again" not in page
    assert GenerationJob.objects.stalled(now=timezone.now()).filter(pk=job.pk).exists()
    assert any("not queued" in record.getMessage() for record in queue_log)
