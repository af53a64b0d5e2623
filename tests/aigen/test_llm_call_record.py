"""Every request to the model is on record before it leaves, at its estimated cost, so a call whose
worker dies while waiting still counts against the job's cost and the month's budget."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from aigen.costs import call_cost_estimate
from aigen.models import GenerationJob, LLMCall
from aigen.schema import item_parse
from aigen.selectors import budget_status
from aigen.services import generated_question_save, generation_job_run, generation_job_stop
from aigen.tasks import generation_jobs_resume_task
from tests.aigen.fake_llm import Reply
from tests.aigen.samples import batch, good
from tests.factories import GenerationJobFactory, LLMCallFactory, ObjectiveFactory

OK_COST = Decimal("0.007500")  # the fake's usage: 1500 × $1/M + 3000 × $2/M


def job_for(objective, count, **kwargs):
    return GenerationJobFactory(exam=objective.domain.exam, objectives=[objective], requested_count=count, **kwargs)


def wait_for(condition, seconds=10):
    deadline = timezone.now() + timedelta(seconds=seconds)
    while not condition():
        assert timezone.now() < deadline, "timed out"
        threading.Event().wait(0.02)


def run_in_thread(job) -> threading.Thread:
    def run():
        try:
            generation_job_run(job_id=job.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_it_records_a_call_before_sending_it_and_completes_it_after(client, moderator, fake_llm):
    objective = ObjectiveFactory()
    job = job_for(objective, 3)
    answer = threading.Event()
    fake_llm.script(Reply(batch(*good(3)), hold=answer))

    thread = run_in_thread(job)
    try:
        wait_for(lambda: fake_llm.in_flight)
        [request] = fake_llm.in_flight
        estimate = call_cost_estimate(model="test/model", messages=request.body["messages"], count=3)
        call = LLMCall.objects.get()
        assert (call.outcome, call.cost_usd, call.prompt_tokens, call.attempt) == ("sent", estimate, 0, 1)
        assert estimate > 0
        assert GenerationJob.objects.get(pk=job.pk).cost_usd == estimate
        assert budget_status().spent == estimate  # the month's budget counts it already

        client.force_login(moderator)
        page = client.get(f"/admin/aigen/generationjob/{job.pk}/change/").content.decode()
        assert "In flight" in page and f"${estimate:.4f} (estimate)" in page
    finally:
        answer.set()
        thread.join(10)

    job.refresh_from_db()
    call.refresh_from_db()
    assert (job.status, job.created_count) == ("succeeded", 3)
    assert (call.outcome, call.prompt_tokens, call.completion_tokens, call.items_received) == ("ok", 1500, 3000, 3)
    assert call.cost_usd == job.cost_usd == budget_status().spent == OK_COST


@pytest.mark.django_db
def test_a_call_its_worker_left_in_flight_is_marked_lost_and_keeps_its_estimate(client, moderator, fake_llm, settings):
    objective = ObjectiveFactory()
    job = job_for(objective, 3, status="running", cost_usd=Decimal("0.012"),
                  heartbeat_at=timezone.now() - timedelta(seconds=settings.AI_JOB_LEASE_SECONDS + 1))
    lost = LLMCallFactory(job=job, objective=objective, outcome="sent", status_code=None, prompt_tokens=0,
                          completion_tokens=0, cost_usd=Decimal("0.012"))
    fake_llm.script(Reply(batch(*good(3))))

    assert generation_jobs_resume_task.delay().get() == [job.pk]

    job.refresh_from_db()
    lost.refresh_from_db()
    assert (job.status, job.created_count) == ("succeeded", 3)
    assert (lost.outcome, lost.cost_usd) == ("lost", Decimal("0.012"))
    assert "before the answer came back" in lost.error
    assert job.cost_usd == Decimal("0.012") + OK_COST == budget_status().spent
    assert job.failed_calls == 0  # the model did nothing wrong

    client.force_login(moderator)
    page = client.get(f"/admin/aigen/generationjob/{job.pk}/change/").content.decode()
    assert "Lost with its worker" in page and "$0.0120 (estimate)" in page


@pytest.mark.django_db
def test_the_call_in_flight_of_a_live_worker_is_left_alone(fake_llm):
    objective = ObjectiveFactory()
    job = job_for(objective, 3, status="running", heartbeat_at=timezone.now())
    in_flight = LLMCallFactory(job=job, outcome="sent", cost_usd=Decimal("0.012"))

    assert generation_jobs_resume_task.delay().get() == []
    in_flight.refresh_from_db()
    assert in_flight.outcome == "sent"
    assert fake_llm.requests == []


@pytest.mark.django_db
def test_stopping_a_stalled_job_marks_the_call_its_worker_left_in_flight_lost(moderator, settings):
    job = job_for(ObjectiveFactory(), 3, status="running", cost_usd=Decimal("0.012"),
                  heartbeat_at=timezone.now() - timedelta(seconds=settings.AI_JOB_LEASE_SECONDS + 1))
    lost = LLMCallFactory(job=job, outcome="sent", cost_usd=Decimal("0.012"))

    assert generation_job_stop(job=job, stopped_by=moderator)
    lost.refresh_from_db()
    job.refresh_from_db()
    assert (job.status, lost.outcome, lost.cost_usd, job.cost_usd) == ("failed", "lost", Decimal("0.012"),
                                                                        Decimal("0.012"))


@pytest.mark.django_db
def test_calls_in_flight_and_lost_count_against_the_monthly_budget(fake_llm, settings):
    settings.AI_MONTHLY_BUDGET_USD = 1.0
    LLMCallFactory(outcome="lost", cost_usd=Decimal("0.6"))
    LLMCallFactory(outcome="sent", cost_usd=Decimal("0.4"))
    job = job_for(ObjectiveFactory(), 3)

    job = GenerationJob.objects.get(pk=generation_job_run(job_id=job.pk).pk)
    assert (job.status, job.error) == ("failed", "Stopped: the monthly AI budget of $1.00 is spent.")
    assert fake_llm.requests == []


@pytest.mark.django_db
def test_a_job_never_saves_more_questions_than_it_asked_for():
    objective = ObjectiveFactory()
    job = job_for(objective, 2, status="running")
    items = [item_parse(raw)[0] for raw in good(3)]
    for item in items[:2]:
        assert generated_question_save(job=job, objective=objective, item=item)[0] is not None

    # a second run of the job at once (a worker taken for lost that was only slow) brings one more
    assert generated_question_save(job=job, objective=objective, item=items[2]) == (None, [])
    job.refresh_from_db()
    assert job.created_count == 2 and job.items.count() == 2
