from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from aigen.models import GenerationJob, LLMCall
from aigen.services import GenerationRefused, generation_job_start
from exams.models import Question
from tests.aigen.fake_llm import Reply
from tests.aigen.samples import batch, good
from tests.factories import DomainFactory, GenerationJobFactory, LLMCallFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam_objectives():
    domain = DomainFactory()
    return domain.exam, [ObjectiveFactory(domain=domain), ObjectiveFactory(domain=domain)]


def test_it_queues_a_job_that_runs_once_committed(fake_llm, moderator, exam_objectives, django_capture_on_commit_callbacks):
    exam, (first, _) = exam_objectives
    fake_llm.script(Reply(batch(*good(3))))
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_job_start(exam=exam, count=3, objectives=[first], started_by=moderator)
        assert GenerationJob.objects.get(pk=job.pk).status == "queued"

    job.refresh_from_db()
    assert (job.status, job.created_count, job.started_by) == ("succeeded", 3, moderator)
    assert set(Question.objects.filter(ai_job_id=job.pk).values_list("objective_id", flat=True)) == {first.pk}
    assert job.estimated_cost_usd == Decimal("0.005400")  # 3 × (400 × $1/M + 700 × $2/M)
    event = AuditEvent.objects.get(action="generation_started")
    assert (event.actor, event.target_id) == (moderator, str(job.pk))
    assert event.detail["count"] == 3 and event.detail["exam"] == exam.code


def test_it_spreads_a_job_over_every_objective_by_default(fake_llm, moderator, exam_objectives):
    exam, objectives = exam_objectives
    job = generation_job_start(exam=exam, count=4, started_by=moderator)
    assert set(job.objectives.all()) == set(objectives)
    assert job.type_mix["single"] == 60 and job.difficulty_mix["3"] == 35


def test_it_refuses_when_generation_is_not_configured(moderator, exam_objectives):
    exam, _ = exam_objectives
    with pytest.raises(GenerationRefused, match="AI generation is not configured: set AI_API_KEY"):
        generation_job_start(exam=exam, count=5, started_by=moderator)
    assert not GenerationJob.objects.exists()


def test_it_refuses_a_job_that_would_exceed_the_monthly_budget(fake_llm, moderator, exam_objectives, settings):
    exam, _ = exam_objectives
    settings.AI_MONTHLY_BUDGET_USD = 1.0
    LLMCallFactory(cost_usd=Decimal("0.95"))
    GenerationJobFactory(exam=exam, status="running", estimated_cost_usd=Decimal("0.03"))
    jobs_before = GenerationJob.objects.count()

    with pytest.raises(GenerationRefused) as refused:
        generation_job_start(exam=exam, count=100, started_by=moderator)
    assert str(refused.value) == (
        "Not started: 100 questions would cost about $0.1800, but only $0.0200 of the $1.00 monthly AI budget "
        "is left ($0.9500 spent this month, $0.0300 reserved by queued and running jobs)."
    )
    assert GenerationJob.objects.count() == jobs_before
    assert generation_job_start(exam=exam, count=10, started_by=moderator)  # $0.018 still fits


def test_last_months_spending_does_not_count(fake_llm, moderator, exam_objectives, settings):
    exam, _ = exam_objectives
    settings.AI_MONTHLY_BUDGET_USD = 1.0
    old = LLMCallFactory(cost_usd=Decimal("5.00"))
    LLMCall.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    assert generation_job_start(exam=exam, count=100, started_by=moderator)


@pytest.mark.parametrize("kwargs, message", [
    ({"count": 0}, "Ask for 1 to 200 questions per job."),
    ({"count": 201}, "Ask for 1 to 200 questions per job."),
    ({"count": 5, "type_mix": {"essay": 5}}, "Unknown question type: essay."),
    ({"count": 5, "type_mix": {"single": 0}}, "Give at least one question type a weight above zero."),
    ({"count": 5, "difficulty_mix": {"9": 1}}, "Unknown difficulty: 9."),
])
def test_it_refuses_a_malformed_request(fake_llm, moderator, exam_objectives, kwargs, message):
    exam, _ = exam_objectives
    with pytest.raises(GenerationRefused, match=message):
        generation_job_start(exam=exam, started_by=moderator, **kwargs)


def test_it_refuses_objectives_of_another_exam(fake_llm, moderator, exam_objectives):
    exam, _ = exam_objectives
    with pytest.raises(GenerationRefused, match=f"Every objective must belong to {exam.code}."):
        generation_job_start(exam=exam, count=5, objectives=[ObjectiveFactory()], started_by=moderator)
