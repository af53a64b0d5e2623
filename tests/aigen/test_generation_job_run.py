import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from aigen.models import GenerationJob, LLMCall
from aigen.schema import item_parse
from aigen.services import generated_question_save, generation_job_stop
from aigen.tasks import generation_job_run_task, generation_jobs_resume_task
from exams.models import Question
from tests.aigen.fake_llm import Reply, error
from tests.aigen.samples import GOOD, batch, good, with_changes
from tests.factories import GenerationJobFactory, LLMCallFactory, ObjectiveFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective():
    return ObjectiveFactory(name="Compare network protocols and their ports.")


def job_for(objective, count, **kwargs):
    return GenerationJobFactory(exam=objective.domain.exam, objectives=[objective], requested_count=count, **kwargs)


def run(job) -> GenerationJob:
    generation_job_run_task.delay(job.pk).get()
    job.refresh_from_db()
    return job


def outcomes(job) -> list[str]:
    return list(job.calls.order_by("pk").values_list("outcome", flat=True))


def test_it_saves_a_good_batch_as_pending_ai_questions(fake_llm, objective):
    fake_llm.script(Reply(batch(*good(5))))
    job = run(job_for(objective, 5))

    assert (job.status, job.created_count, job.rejected_count, job.failed_calls) == ("succeeded", 5, 0, 0)
    questions = Question.objects.filter(ai_job_id=job.pk)
    assert sorted(questions.values_list("stem", flat=True)) == sorted(item["stem"] for item in GOOD[:5])
    assert set(questions.values_list("review_status", "source", "ai_model", "objective_id")) == {
        ("pending", "ai", "test/model", objective.pk)
    }
    assert not Question.objects.servable().exists()
    call = job.calls.get()
    assert (call.outcome, call.prompt_tokens, call.completion_tokens, call.items_created) == ("ok", 1500, 3000, 5)
    assert call.cost_usd == Decimal("0.007500")  # 1500 × $1/M + 3000 × $2/M
    assert job.cost_usd == call.cost_usd
    assert '"chat.completion"' in call.raw_response and GOOD[0]["stem"] in call.raw_response


def test_it_sends_attribution_headers_a_json_schema_and_what_to_avoid(fake_llm, objective):
    QuestionFactory(objective=objective, stem="Which port does LDAPS use?")
    fake_llm.script(Reply(batch(*good(2))))
    run(job_for(objective, 2))

    [request] = fake_llm.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["http-referer"] == "https://pingtopass.com"
    assert request.headers["x-title"] == "PingToPass"
    assert request.headers["authorization"] == "Bearer test-key"
    assert request.body["model"] == "test/model"
    assert request.body["response_format"]["type"] == "json_schema"
    assert request.body["response_format"]["json_schema"]["strict"] is True
    exam = objective.domain.exam
    for text in (exam.code, objective.name, "Write 2 new", "Which port does LDAPS use?", "reference_url"):
        assert text in request.prompt


def test_it_saves_every_type_with_its_answer(fake_llm, objective):
    multiple, truefalse, ordering, matching = GOOD[5:9]
    fake_llm.script(Reply(batch(multiple, truefalse, ordering, matching)))
    run(job_for(objective, 4))

    def choices(stem):
        question = Question.objects.get(stem=stem["stem"])
        return question, list(question.choices.values_list("position", "text", "is_correct", "match_text"))

    question, rows = choices(multiple)
    assert question.choose_count == 2 and [r[1] for r in rows if r[2]] == ["SSH", "HTTPS"]
    _, rows = choices(truefalse)
    assert [(r[1], r[2]) for r in rows] == [("True", True), ("False", False)]
    _, rows = choices(ordering)
    assert [(r[0], r[1]) for r in rows][:2] == [(1, "Preparation"), (2, "Detection and analysis")]
    assert all(r[2] for r in rows)
    _, rows = choices(matching)
    assert [(r[1], r[3]) for r in rows] == [("22", "SSH"), ("53", "DNS"), ("3389", "RDP")]


def test_it_logs_malformed_json_and_goes_on_with_the_next_batch(fake_llm, objective):
    fake_llm.script(Reply("Sure! Here are your questions: {questions: [oops"), Reply(batch(*good(3))))
    job = run(job_for(objective, 3))

    assert (job.status, job.created_count, job.failed_calls) == ("succeeded", 3, 1)
    assert outcomes(job) == ["invalid", "ok"]
    bad = job.calls.order_by("pk").first()
    assert "not JSON" in bad.error and "{questions: [oops" in bad.raw_response


def test_it_fails_the_job_when_every_answer_is_malformed(fake_llm, objective, settings):
    fake_llm.otherwise = Reply("I cannot help with that.")
    job = run(job_for(objective, 3))

    assert (job.status, job.created_count, job.failed_calls) == ("failed", 0, 3)
    assert "Stopped after 3 failed calls" in job.error
    assert len(fake_llm.requests) == settings.AI_FAILURE_BUDGET


def test_a_200_that_is_not_a_chat_completion_is_a_logged_failed_call(fake_llm, objective):
    proxy_page = "<html><body>Bad gateway, try again later</body></html>"
    fake_llm.script(Reply(body=proxy_page, content_type="text/html"), Reply(batch(*good(2))))
    job = run(job_for(objective, 2))

    assert (job.status, job.created_count, job.failed_calls) == ("succeeded", 2, 1)
    assert outcomes(job) == ["invalid", "ok"]
    bad = job.calls.order_by("pk").first()
    assert "not a chat completion" in bad.error and "Bad gateway" in bad.raw_response


def test_it_reads_json_from_a_fenced_answer(fake_llm, objective):
    fake_llm.script(Reply(f"Here you go:\n```json\n{json.dumps(batch(*good(2)))}\n```\nGood luck!"))
    job = run(job_for(objective, 2))
    assert (job.status, job.created_count) == ("succeeded", 2)


def test_it_asks_again_without_a_schema_when_the_model_refuses_one(fake_llm, objective):
    fake_llm.script(error(400, "response_format json_schema is not supported"), Reply(batch(*good(2))))
    job = run(job_for(objective, 2))

    assert (job.status, job.created_count) == ("succeeded", 2)
    assert outcomes(job) == ["client_error", "ok"]
    assert "response_format" in fake_llm.requests[0].body
    assert "response_format" not in fake_llm.requests[1].body


def test_it_keeps_valid_items_and_logs_why_the_others_were_rejected(fake_llm, objective):
    valid = good(3)
    two_correct = with_changes(GOOD[9], choices=[dict(c, correct=True) for c in GOOD[9]["choices"]])
    all_above = with_changes(GOOD[10], choices=[*GOOD[10]["choices"][:3], {
        "text": "All of the above", "correct": False, "explanation": "Not a real option.", "match": ""}])
    no_explanation = with_changes(GOOD[11], choices=[dict(c, explanation="") for c in GOOD[11]["choices"]])
    no_reference = with_changes(GOOD[3], reference_url="see the vendor site")
    not_a_question = {"stem": "Half an item", "type": "essay"}
    fake_llm.script(Reply(batch(valid[0], two_correct, valid[1], all_above, no_explanation, no_reference,
                                not_a_question, valid[2])))
    job = run(job_for(objective, 3))

    assert (job.status, job.created_count, job.rejected_count) == ("succeeded", 3, 5)
    assert Question.objects.filter(ai_job_id=job.pk).count() == 3
    reasons = {r["stem"]: " ".join(r["reasons"]) for r in job.calls.get().rejections}
    assert "exactly one correct choice" in reasons[two_correct["stem"]]
    assert "All/none of the above" in reasons[all_above["stem"]]
    assert "needs an explanation" in reasons[no_explanation["stem"]]
    assert "reference must be an http(s) URL" in reasons[no_reference["stem"]]
    assert "Schema: type" in reasons["Half an item"]


@pytest.mark.parametrize("status, outcome", [(429, "rate_limited"), (502, "server_error")])
def test_it_retries_after_a_rate_limit_or_server_error(fake_llm, objective, status, outcome):
    fake_llm.script(error(status, "slow down"), Reply(batch(*good(2))))
    job = run(job_for(objective, 2))

    assert (job.status, job.created_count, job.failed_calls) == ("succeeded", 2, 0)
    assert outcomes(job) == [outcome, "ok"]
    assert list(job.calls.order_by("pk").values_list("attempt", flat=True)) == [1, 2]


def test_it_retries_after_a_timeout(fake_llm, objective):
    fake_llm.script(Reply(batch(*good(2)), delay=1.0), Reply(batch(*good(2))))
    job = run(job_for(objective, 2))

    assert (job.status, job.created_count) == ("succeeded", 2)
    assert outcomes(job) == ["timeout", "ok"]
    assert job.calls.order_by("pk").first().error == "The model did not answer in time."


def test_it_gives_up_when_retries_and_the_failure_budget_are_spent(fake_llm, objective, settings):
    settings.AI_FAILURE_BUDGET = 1
    fake_llm.otherwise = error(503, "overloaded")
    job = run(job_for(objective, 2))

    assert (job.status, job.created_count, job.failed_calls) == ("failed", 0, 1)
    assert outcomes(job) == ["server_error"] * (1 + settings.AI_MAX_RETRIES)
    assert "HTTP 503" in job.error


def test_it_rejects_near_duplicates_of_existing_questions(fake_llm, objective):
    existing = QuestionFactory(objective=ObjectiveFactory(domain=objective.domain), stem=GOOD[0]["stem"])
    reworded = with_changes(GOOD[0], stem="Which transport protocol does SSH use by default today?")
    twice = good(2)[1]
    fake_llm.script(Reply(batch(reworded, twice, twice, *good(4)[2:])))
    job = run(job_for(objective, 3))

    assert (job.created_count, job.rejected_count) == (3, 2)
    reasons = [" ".join(r["reasons"]) for r in job.calls.get().rejections]
    assert reasons[0].startswith(f"Near-duplicate of question #{existing.pk} (")
    first = Question.objects.get(stem=twice["stem"])
    assert reasons[1].startswith(f"Near-duplicate of question #{first.pk} (100% similar)")
    assert not Question.objects.filter(stem=reworded["stem"]).exists()


def test_it_never_duplicates_when_a_task_runs_again_after_a_partial_insert(fake_llm, objective):
    """The first run saved 6 items of a 10-item batch and its worker died; the task is redelivered
    and the model answers with the same 10 items."""
    job = job_for(objective, 10)
    GenerationJob.objects.filter(pk=job.pk).update(status="running")
    for raw in good(6):
        generated_question_save(job=job, objective=objective, item=item_parse(raw)[0])
    fake_llm.script(Reply(batch(*good(10))))

    job = run(job)
    assert (job.status, job.created_count, job.rejected_count) == ("succeeded", 10, 0)
    stems = list(Question.objects.filter(ai_job_id=job.pk).values_list("stem", flat=True))
    assert len(stems) == len(set(stems)) == 10

    run(job)  # and once more for good measure: nothing to do, nothing asked
    assert Question.objects.filter(ai_job_id=job.pk).count() == 10
    assert len(fake_llm.requests) == 1


def test_it_splits_a_job_into_batches_over_its_objectives(fake_llm, objective, settings):
    settings.AI_BATCH_SIZE = 3
    other = ObjectiveFactory(domain=objective.domain)
    items = good(12)
    fake_llm.script(*(Reply(batch(*items[i : i + 3])) for i in range(0, 12, 3)))
    job = run(GenerationJobFactory(exam=objective.domain.exam, objectives=[objective, other], requested_count=12))

    assert (job.status, job.created_count) == ("succeeded", 12)
    assert len(fake_llm.requests) == 4 and all("Write 3 new" in r.prompt for r in fake_llm.requests)
    per_objective = sorted(Question.objects.filter(ai_job_id=job.pk).values_list("objective_id", flat=True))
    assert per_objective.count(objective.pk) == per_objective.count(other.pk) == 6


def test_it_asks_for_the_type_and_difficulty_mix(fake_llm, objective):
    fake_llm.script(Reply(batch(*good(10))))
    run(job_for(objective, 10, type_mix={"single": 50, "truefalse": 30, "matching": 20},
                difficulty_mix={"1": 1, "5": 1}))
    prompt = fake_llm.requests[0].prompt
    assert "Types: 5 Single choice, 3 True / false, 2 Matching." in prompt
    assert "5 of difficulty 1, 5 of difficulty 5" in prompt


def test_it_waits_for_the_requests_per_minute_limit(fake_llm, objective, settings, monkeypatch):
    from django.core.cache import cache

    settings.AI_BATCH_SIZE, settings.AI_REQUESTS_PER_MINUTE = 1, 1
    waits = []

    def sleep(seconds):  # the minute passes at once
        waits.append(seconds)
        cache.clear()

    monkeypatch.setattr("aigen.services.sleep", sleep)
    fake_llm.script(Reply(batch(*good(1))), Reply(batch(*good(2)[1:])))
    job = run(job_for(objective, 2))
    assert job.created_count == 2
    assert len(waits) == 1 and 0 < waits[0] <= 61


def test_it_stops_when_the_monthly_budget_is_spent(fake_llm, objective, settings):
    job = job_for(objective, 5)
    LLMCallFactory(cost_usd=Decimal("50.00"))
    job = run(job)
    assert (job.status, job.created_count) == ("failed", 0)
    assert job.error == "Stopped: the monthly AI budget of $50.00 is spent."
    assert fake_llm.requests == []


def test_it_fails_a_queued_job_when_generation_is_no_longer_configured(fake_llm, objective, settings):
    settings.AI_API_KEY = ""
    job = run(job_for(objective, 5))
    assert job.status == "failed" and "not configured" in job.error
    assert fake_llm.requests == []


def test_a_stopped_job_is_not_run(fake_llm, objective, moderator):
    job = job_for(objective, 5)
    assert generation_job_stop(job=job, stopped_by=moderator)
    job = run(job)
    assert (job.status, job.error) == ("failed", "Stopped by moderator@example.com.")
    assert fake_llm.requests == []
    assert LLMCall.objects.count() == 0


def test_a_batch_in_flight_when_the_job_is_stopped_still_counts(fake_llm, objective, moderator, monkeypatch):
    job = job_for(objective, 5)
    # the moderator presses stop while the request for the first batch is on its way
    monkeypatch.setattr("aigen.services._throttle", lambda **_: generation_job_stop(job=job, stopped_by=moderator))
    fake_llm.script(Reply(batch(*good(3))))
    job = run(job)
    assert (job.status, job.created_count) == ("partial", 3)
    assert job.error == "Stopped by moderator@example.com."
    assert len(fake_llm.requests) == 1


def test_a_job_another_worker_is_running_is_left_alone(fake_llm, objective):
    job = job_for(objective, 5)
    GenerationJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now())
    job = run(job)  # the broker redelivered the message while the first worker is still busy
    assert job.status == "running" and fake_llm.requests == []


def test_a_job_whose_worker_was_lost_is_queued_again_and_finishes(fake_llm, objective, settings):
    job = job_for(objective, 3)
    lost = timezone.now() - timedelta(seconds=settings.AI_JOB_LEASE_SECONDS + 1)
    GenerationJob.objects.filter(pk=job.pk).update(status="running", heartbeat_at=lost)
    busy = job_for(ObjectiveFactory(domain=objective.domain), 3)
    GenerationJob.objects.filter(pk=busy.pk).update(status="running", heartbeat_at=timezone.now())
    fake_llm.script(Reply(batch(*good(3))))

    assert generation_jobs_resume_task.delay().get() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("succeeded", 3)
    assert GenerationJob.objects.get(pk=busy.pk).status == "running"
