"""A running job's lease: renewed while its worker lives, lapsed when it is lost; the job list says
so ("Stalled since …") and a moderator can resume it."""

import time
from datetime import timedelta

import pytest
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import dateformat, timezone

from aigen.lease import JobLease
from aigen.models import GenerationJob
from tests.aigen.fake_llm import Reply
from tests.aigen.samples import batch, good
from tests.factories import GenerationJobFactory, ObjectiveFactory

LIST = "/admin/aigen/generationjob/"


def lapsed(settings, seconds=1):
    return timezone.now() - timedelta(seconds=settings.AI_JOB_LEASE_SECONDS + seconds)


def shown(moment) -> str:
    return dateformat.format(timezone.localtime(moment), "j M, H:i:s")


@pytest.fixture
def stalled(settings):
    objective = ObjectiveFactory()
    return GenerationJobFactory(exam=objective.domain.exam, objectives=[objective], requested_count=3,
                                status="running", created_count=0, heartbeat_at=lapsed(settings, 90))


@pytest.mark.django_db(transaction=True)
def test_the_lease_is_renewed_between_steps_while_the_worker_lives(settings):
    settings.AI_JOB_LEASE_SECONDS = 0.3
    job = GenerationJobFactory(status="running", heartbeat_at=timezone.now() - timedelta(hours=1))

    with JobLease(job.pk):
        time.sleep(1.0)  # a request that takes three leases, no step made meanwhile
        left = timezone.now()

    job.refresh_from_db()
    assert job.heartbeat_at > left - timedelta(seconds=0.3)
    assert job.stalled_since is None


@pytest.mark.django_db(transaction=True)
def test_the_lease_lapses_when_the_worker_makes_no_step_for_longer_than_a_request_can_take(settings):
    settings.AI_JOB_LEASE_SECONDS, settings.AI_TIMEOUT_SECONDS, settings.AI_RETRY_MAX_SECONDS = 0.3, 0.2, 0
    job = GenerationJobFactory(status="running", heartbeat_at=timezone.now())

    with JobLease(job.pk):  # stops renewing 0.5 s after the last step
        time.sleep(2.0)
        left = timezone.now()

    job.refresh_from_db()
    assert job.heartbeat_at < left - timedelta(seconds=0.8)
    assert job.stalled_since == job.heartbeat_at


@pytest.mark.django_db
def test_the_job_list_shows_a_stalled_job_and_when_it_will_be_resumed(client, moderator, stalled, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a broker, so beat sweeps
    fresh = GenerationJobFactory(status="running", heartbeat_at=timezone.now())
    client.force_login(moderator)

    page = client.get(LIST).content.decode()
    assert page.count("Stalled since") == 1
    assert f"Stalled since {shown(stalled.heartbeat_at)} ({naturaltime(stalled.heartbeat_at)}): its worker was lost" in page
    assert "It is queued again automatically within 1\xa0minute and goes on from what it saved" in page
    assert "choose “Resume stalled jobs now”" in page

    fragment = client.get(f"{LIST}{stalled.pk}/progress/", headers={"HX-Request": "true"}).content.decode()
    assert "Stalled since" in fragment and 'hx-trigger="every 2s"' in fragment  # still polled: it may come back
    assert "Stalled since" not in client.get(f"{LIST}{fresh.pk}/progress/").content.decode()
    assert "Stalled since" in client.get(f"{LIST}{stalled.pk}/change/").content.decode()


@pytest.mark.django_db
def test_without_a_broker_a_stalled_job_waits_for_the_moderator(client, moderator, stalled):
    client.force_login(moderator)
    page = client.get(LIST).content.decode()
    assert "Stalled since" in page and "queued again automatically" not in page
    assert "To resume it from what it saved, select it in the list and choose “Resume stalled jobs now”." in page


@pytest.mark.django_db
def test_queued_and_finished_jobs_are_never_stalled(client, moderator, settings):
    long_ago = lapsed(settings, 3600)
    GenerationJobFactory(status="queued")
    GenerationJobFactory(status="partial", heartbeat_at=long_ago, created_count=1)
    assert not GenerationJob.objects.stalled(now=timezone.now()).exists()
    client.force_login(moderator)
    assert "Stalled since" not in client.get(LIST).content.decode()


@pytest.mark.django_db
def test_a_moderator_resumes_a_stalled_job(client, moderator, stalled, fake_llm):
    fake_llm.script(Reply(batch(*good(3))))
    busy = GenerationJobFactory(status="running", heartbeat_at=timezone.now())
    client.force_login(moderator)

    response = client.post(LIST, {"action": "resume_stalled", "_selected_action": [stalled.pk, busy.pk]}, follow=True)
    assert f"Queued 1 stalled job(s) again: #{stalled.pk}." in response.content.decode()
    stalled.refresh_from_db()
    assert (stalled.status, stalled.created_count) == ("succeeded", 3)  # run in-process: no broker here
    assert GenerationJob.objects.get(pk=busy.pk).status == "running"

    response = client.post(LIST, {"action": "resume_stalled", "_selected_action": [busy.pk]}, follow=True)
    assert "None of the selected jobs is stalled" in response.content.decode()
