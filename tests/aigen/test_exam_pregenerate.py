import pytest

from aigen.models import GenerationJob
from aigen.services import exam_pregenerate
from tests.factories import DomainFactory, GenerationJobFactory, ObjectiveFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objectives():
    domain = DomainFactory()
    return [ObjectiveFactory(domain=domain, number=f"1.{n}") for n in range(1, 4)]


def jobs_by_objective() -> dict[str, int]:
    return {job.objectives.get().number: job.requested_count for job in GenerationJob.objects.all()}


def test_it_fills_each_objective_up_to_the_target_with_one_job_each(fake_llm, moderator, objectives):
    partly, empty, full = objectives
    QuestionFactory.create_batch(2, objective=partly)
    QuestionFactory(objective=partly, review_status="rejected")  # does not count
    QuestionFactory.create_batch(4, objective=full, review_status="pending")

    result = exam_pregenerate(exam=partly.domain.exam, per_objective=4, started_by=moderator)

    assert jobs_by_objective() == {"1.1": 2, "1.2": 4}
    assert result.full == [full] and result.refused == []
    assert {job.started_by for job in result.jobs} == {moderator}


def test_it_uses_the_setting_by_default(fake_llm, objectives, settings):
    settings.AI_PREGENERATE_PER_OBJECTIVE = 7
    exam_pregenerate(exam=objectives[0].domain.exam)
    assert set(jobs_by_objective().values()) == {7}


def test_running_it_twice_does_not_double_the_work(fake_llm, objectives):
    exam = objectives[0].domain.exam
    exam_pregenerate(exam=exam, per_objective=5)
    again = exam_pregenerate(exam=exam, per_objective=5)
    assert again.jobs == [] and len(again.full) == 3
    assert GenerationJob.objects.count() == 3


def test_questions_still_to_come_from_a_running_job_count(fake_llm, objectives):
    first = objectives[0]
    job = GenerationJobFactory(exam=first.domain.exam, objectives=[first], requested_count=5, created_count=2,
                               status="running")
    QuestionFactory.create_batch(2, objective=first, review_status="pending", source="ai", ai_model="m",
                                 ai_job_id=job.pk)
    exam_pregenerate(exam=first.domain.exam, per_objective=5)
    assert GenerationJob.objects.filter(objectives=first).get() == job
    assert GenerationJob.objects.count() == 3


def test_it_reports_objectives_the_budget_cannot_cover(fake_llm, objectives, settings):
    settings.AI_MONTHLY_BUDGET_USD = 0.02  # test prices: $0.0018 a question, so 11 fit
    result = exam_pregenerate(exam=objectives[0].domain.exam, per_objective=5)
    assert len(result.jobs) == 2
    assert len(result.refused) == 1 and result.refused[0].startswith("1.3: Not started: 5 questions would cost")


def test_a_running_job_over_several_objectives_counts_its_share_for_each(fake_llm, objectives):
    first, second, third = objectives
    job = GenerationJobFactory(exam=first.domain.exam, objectives=[first, second], requested_count=10, status="running")
    QuestionFactory.create_batch(5, objective=first, review_status="pending", source="ai", ai_model="m", ai_job_id=job.pk)
    result = exam_pregenerate(exam=first.domain.exam, per_objective=5)
    # first: 5 written; second: 5 still to come from the job; third: nothing yet
    assert [job.objectives.get() for job in result.jobs] == [third]
    assert result.jobs[0].requested_count == 5
