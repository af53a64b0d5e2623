"""One call log for every model call the project makes: question generation (a job's batches) and
any other purpose (growth's drafts for X) go through aigen's recorder, so the month's budget, the
call log and the cost page count them all."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection

from aigen.client import LLMClient
from aigen.models import LLMCall
from aigen.selectors import budget_status
from aigen.services import LLMCallRecorder, generation_job_run, llm_call_finish, llm_call_record
from tests.aigen.fake_llm import Reply, error
from tests.aigen.samples import batch, good
from tests.aigen.test_llm_call_record import wait_for
from tests.factories import ExamFactory, GenerationJobFactory, LLMCallFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

DRAFT = LLMCall.Purpose.GROWTH_DRAFT
MESSAGES = [{"role": "user", "content": "Write a post about subnetting."}]


def draft_recorder(subject, estimate="0.0040") -> LLMCallRecorder:
    return LLMCallRecorder(purpose=DRAFT, model="test/model", estimate=Decimal(estimate), subject=subject)


def test_it_logs_a_generation_jobs_calls_as_generation(fake_llm):
    objective = ObjectiveFactory()
    job = GenerationJobFactory(exam=objective.domain.exam, objectives=[objective], requested_count=3)
    fake_llm.script(Reply(batch(*good(3))))

    generation_job_run(job_id=job.pk)

    call = LLMCall.objects.get()
    assert (call.purpose, call.job_id, call.subject) == ("generation", job.pk, None)


@pytest.mark.django_db(transaction=True)
def test_a_call_for_another_purpose_is_on_record_and_in_the_budget_before_it_leaves(fake_llm):
    exam = ExamFactory()
    answer = threading.Event()
    fake_llm.script(Reply("Subnetting: count the host bits.", usage=(300, 40), hold=answer))
    recorder = draft_recorder(exam)
    result = {}

    def complete():
        try:
            result["text"] = LLMClient.from_settings().complete(MESSAGES, recorder=recorder, structured=False)
        finally:
            connection.close()

    thread = threading.Thread(target=complete)
    thread.start()
    try:
        wait_for(lambda: fake_llm.in_flight)
        call = LLMCall.objects.get()
        assert (call.purpose, call.job, call.subject, call.outcome) == ("growth_draft", None, exam, "sent")
        assert budget_status().spent == Decimal("0.0040")  # the estimate, while the model thinks
    finally:
        answer.set()
        thread.join(10)

    call.refresh_from_db()
    assert result["text"] == "Subnetting: count the host bits."
    assert (call.outcome, call.prompt_tokens, call.completion_tokens) == ("ok", 300, 40)
    assert call.cost_usd == recorder.cost == budget_status().spent == Decimal("0.000380")  # 300 × $1/M + 40 × $2/M


def test_each_attempt_of_a_retried_call_is_logged_with_its_purpose(fake_llm):
    exam = ExamFactory()
    fake_llm.script(error(503, "overloaded"), Reply("A post.", usage=(100, 10)))
    recorder = draft_recorder(exam)

    LLMClient.from_settings().complete(MESSAGES, recorder=recorder, structured=False)

    calls = LLMCall.objects.about(exam).order_by("attempt")
    assert [(c.attempt, c.outcome, c.purpose) for c in calls] == [(1, "server_error", DRAFT), (2, "ok", DRAFT)]
    assert recorder.cost == sum((c.cost_usd for c in calls), Decimal("0"))


def test_a_call_ended_by_an_unexpected_error_is_lost_and_keeps_its_estimate():
    call = llm_call_record(purpose=DRAFT, model="test/model", estimate=Decimal("0.0040"), subject=ExamFactory())

    llm_call_finish(call=call, attempt=None)

    call.refresh_from_db()
    assert (call.outcome, call.cost_usd, call.cost_is_estimate) == ("lost", Decimal("0.0040"), True)
    assert budget_status().spent == Decimal("0.0040")


def test_the_budget_is_shared_by_every_purpose(fake_llm, settings):
    settings.AI_MONTHLY_BUDGET_USD = 1.0
    LLMCallFactory(job=None, purpose=DRAFT, subject=ExamFactory(), cost_usd=Decimal("1.0"))
    objective = ObjectiveFactory()
    job = GenerationJobFactory(exam=objective.domain.exam, objectives=[objective], requested_count=3)

    job = generation_job_run(job_id=job.pk)

    assert (job.status, job.error) == ("failed", "Stopped: the monthly AI budget of $1.00 is spent.")
    assert fake_llm.requests == []


def test_a_generation_call_needs_its_job():
    with pytest.raises(IntegrityError):
        LLMCall.objects.create(purpose="generation", job=None, model="test/model", outcome="ok")


def test_the_cost_page_shows_the_spend_per_purpose(client, moderator):
    LLMCallFactory(cost_usd="0.40", prompt_tokens=1000, completion_tokens=500)
    LLMCallFactory(job=None, purpose=DRAFT, subject=ExamFactory(), cost_usd="0.05", prompt_tokens=300,
                   completion_tokens=40)
    LLMCallFactory(job=None, purpose=DRAFT, subject=ExamFactory(), cost_usd="0.02", prompt_tokens=200,
                   completion_tokens=40)
    client.force_login(moderator)

    page = client.get("/admin/aigen/llmcall/costs/").content.decode()

    assert "<dt>Cost, 30 days</dt><dd>$0.4700</dd>" in page and "<dt>Calls</dt><dd>3</dd>" in page
    purposes = page[page.index("<h2>Per purpose</h2>"):page.index("<h2>Per model</h2>")]
    assert '<td>Question generation</td><td class="num">1</td><td class="num">1,000</td>' in purposes
    assert '<td>Drafts for X</td><td class="num">2</td><td class="num">500</td>' in purposes
    assert purposes.index("Question generation") < purposes.index("Drafts for X")  # most expensive first
    assert '<td class="num">$0.0700</td>' in purposes


def test_the_call_log_shows_what_a_call_outside_a_job_was_for(client, moderator):
    exam = ExamFactory(code="SY0-701")
    draft_call = LLMCallFactory(job=None, purpose=DRAFT, subject=exam)
    job_call = LLMCallFactory()
    client.force_login(moderator)

    listing = client.get("/admin/aigen/llmcall/?purpose=growth_draft").content.decode()
    assert f"/admin/aigen/llmcall/{draft_call.pk}/change/" in listing and "Drafts for X" in listing
    assert str(exam) in listing
    assert f"/admin/aigen/llmcall/{job_call.pk}/change/" not in listing

    page = client.get(f"/admin/aigen/llmcall/{draft_call.pk}/change/").content.decode()
    assert "Made for" in page and str(exam) in page
    exam_label = str(exam)
    exam.delete()
    page = client.get(f"/admin/aigen/llmcall/{draft_call.pk}/change/").content.decode()
    assert "(deleted)" in page and exam_label not in page
    assert client.get("/admin/aigen/llmcall/").status_code == 200
