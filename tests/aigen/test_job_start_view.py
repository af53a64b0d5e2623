from decimal import Decimal

import pytest

from accounts.models import AuditEvent
from aigen.models import GenerationJob
from exams.models import Question
from tests.aigen.fake_llm import Reply
from tests.aigen.samples import batch, good
from tests.factories import DomainFactory, LLMCallFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

URL = "/admin/aigen/generationjob/add/"


@pytest.fixture
def exam_objectives():
    domain = DomainFactory(name="Network Fundamentals")
    return domain.exam, [ObjectiveFactory(domain=domain, name="Explain ports"), ObjectiveFactory(domain=domain)]


def form_data(exam, objectives=(), count=3, **weights):
    data = {"exam": exam.pk, "count": count, "objectives": [o.pk for o in objectives]}
    data.update({"type_single": 1, "type_multiple": 0, "type_truefalse": 0, "type_ordering": 0, "type_matching": 0})
    data.update({f"difficulty_{n}": 1 for n in range(1, 6)})
    data.update(weights)
    return data


def test_a_moderator_chooses_an_exam_then_objectives(client, moderator, exam_objectives, fake_llm):
    exam, (first, _) = exam_objectives
    client.force_login(moderator)
    page = client.get(URL).content.decode()
    assert "Which exam?" in page and exam.code in page

    page = client.get(URL, {"exam": exam.pk}).content.decode()
    assert f"{exam.code} — {exam.name}" in page
    assert "Network Fundamentals" in page and "Explain ports" in page
    assert "Pre-generate every objective" in page
    assert "This month: <strong>$0.00</strong> spent, <strong>$50.00</strong> left" in page


def test_a_link_from_an_objective_preselects_it(client, moderator, exam_objectives, fake_llm):
    exam, (first, second) = exam_objectives
    client.force_login(moderator)
    page = client.get(URL, {"objective": first.pk}).content.decode()
    assert f'value="{first.pk}" id="id_objectives_0" checked' in page
    assert f'value="{second.pk}" id="id_objectives_1" checked' not in page


def test_it_starts_a_job_and_shows_it_in_the_list(client, moderator, exam_objectives, fake_llm,
                                                  django_capture_on_commit_callbacks):
    exam, (first, _) = exam_objectives
    fake_llm.script(Reply(batch(*good(3))))
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(exam, [first]))
    assert response.status_code == 302 and response["Location"] == "/admin/aigen/generationjob/"

    job = GenerationJob.objects.get()
    assert (job.status, job.created_count, job.started_by) == ("succeeded", 3, moderator)
    assert list(job.objectives.all()) == [first]
    assert Question.objects.filter(ai_job_id=job.pk, review_status="pending").count() == 3
    assert AuditEvent.objects.filter(action="generation_started", actor=moderator).exists()
    listing = client.get(response["Location"]).content.decode()
    assert f"Job #{job.pk} started: 3 questions for {exam.code}" in listing
    assert "3</strong> of 3 written" in listing


def test_it_says_generation_is_not_configured(client, moderator, exam_objectives):
    exam, _ = exam_objectives
    client.force_login(moderator)
    page = client.get(URL, {"exam": exam.pk}).content.decode()
    assert "AI generation is not configured: set AI_API_KEY" in page
    assert 'value="Start job" disabled' in page

    response = client.post(URL, form_data(exam))
    assert response.status_code == 200
    assert "The job was not started." in response.content.decode()
    assert not GenerationJob.objects.exists()


def test_it_explains_why_a_job_over_budget_did_not_start(client, moderator, exam_objectives, fake_llm, settings):
    exam, _ = exam_objectives
    settings.AI_MONTHLY_BUDGET_USD = 0.10
    LLMCallFactory(cost_usd=Decimal("0.09"))
    client.force_login(moderator)
    response = client.post(URL, form_data(exam, count=50))
    page = response.content.decode()
    assert "Not started: 50 questions would cost about $0.0900, but only $0.0100" in page
    assert GenerationJob.objects.count() == 1  # the factory's, nothing new


def test_it_checks_the_form(client, moderator, exam_objectives, fake_llm):
    exam, _ = exam_objectives
    client.force_login(moderator)
    page = client.post(URL, form_data(exam, count=0, type_single=0)).content.decode()
    assert "Ensure this value is greater than or equal to 1." in page
    assert "Give at least one question type a weight above zero." in page
    assert not GenerationJob.objects.exists()


def test_starting_jobs_is_rate_limited(client, moderator, exam_objectives, fake_llm, settings):
    exam, _ = exam_objectives
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "generation": "1/3600"}
    client.force_login(moderator)
    assert client.post(URL, form_data(exam)).status_code == 302
    refused = client.post(URL, form_data(exam))
    assert refused.status_code == 429 and "Retry-After" in refused
    assert GenerationJob.objects.count() == 1


def test_pregenerate_starts_one_job_per_objective(client, moderator, exam_objectives, fake_llm):
    exam, objectives = exam_objectives
    client.force_login(moderator)
    response = client.post("/admin/aigen/generationjob/pregenerate/", {"exam": exam.pk, "per_objective": 4},
                           follow=True)
    assert f"{exam.code}: 2 job(s) started for 8 questions" in response.content.decode()
    assert {job.objectives.get() for job in GenerationJob.objects.all()} == set(objectives)


def test_learners_never_start_jobs(client, learner, exam_objectives, fake_llm):
    exam, _ = exam_objectives
    client.force_login(learner)
    for response in (client.get(URL), client.post(URL, form_data(exam)),
                     client.post("/admin/aigen/generationjob/pregenerate/", {"exam": exam.pk, "per_objective": 2})):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not GenerationJob.objects.exists()


@pytest.mark.parametrize("query", [{"exam": "abc"}, {"objective": "1; drop"}, {"exam": "-1"}, {"objective": ""}, {"exam": "²"},
                                   {"objective": "99999999999999999999"}])
def test_a_mangled_link_shows_the_exam_picker_not_an_error(client, moderator, exam_objectives, query):
    client.force_login(moderator)
    response = client.get(URL, query)
    assert response.status_code == 200 and "Which exam?" in response.content.decode()


def test_pregenerate_with_a_mangled_exam_is_a_404(client, moderator, exam_objectives, fake_llm):
    client.force_login(moderator)
    assert client.post("/admin/aigen/generationjob/pregenerate/", {"exam": "abc", "per_objective": 5}).status_code == 404
    assert not GenerationJob.objects.exists()


def test_admins_start_a_job_from_the_exam_and_objective_pages(admin_client, exam_objectives):
    exam, (first, _) = exam_objectives
    page = admin_client.get(f"/admin/exams/exam/{exam.pk}/change/").content.decode()
    assert f'href="{URL}?exam={exam.pk}"' in page
    page = admin_client.get(f"/admin/exams/objective/{first.pk}/change/").content.decode()
    assert f'href="{URL}?objective={first.pk}"' in page
