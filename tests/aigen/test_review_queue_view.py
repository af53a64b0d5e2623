import pytest
from django import forms

from accounts.models import AuditEvent
from exams.models import Question
from tests.factories import GenerationJobFactory, QuestionFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/aigen/aiquestion/"


def ai_question(job, stem, status="pending"):
    return QuestionFactory(
        exam=job.exam, objective=job.objectives.get(), stem=stem, source="ai", ai_model="test/model",
        ai_job_id=job.pk, review_status=status, reviewed_at=None,
    )


@pytest.fixture
def job():
    return GenerationJobFactory(status="succeeded", created_count=3)


@pytest.fixture
def pending(job):
    return [ai_question(job, "Which transport protocol does SSH use?"), ai_question(job, "Which port does RDP use?")]


def test_it_opens_on_pending_ai_questions(client, moderator, job, pending):
    ai_question(job, "An already approved AI question", status="approved")
    QuestionFactory(objective=job.objectives.get(), stem="A pending question a human wrote", review_status="pending")
    client.force_login(moderator)
    page = client.get(QUEUE).content.decode()
    assert "Which transport protocol does SSH use?" in page and "Which port does RDP use?" in page
    assert "An already approved AI question" not in page and "A pending question a human wrote" not in page
    assert f'href="/admin/exams/question/{pending[0].pk}/preview/"' in page

    everything = client.get(QUEUE, {"status": "all"}).content.decode()
    assert "An already approved AI question" in everything
    assert "A pending question a human wrote" not in everything


def test_it_filters_by_job(client, moderator, job, pending):
    other = GenerationJobFactory(exam=job.exam, status="succeeded", created_count=1)
    ai_question(other, "A question from another job")
    client.force_login(moderator)
    page = client.get(QUEUE, {"job": job.pk}).content.decode()
    assert "Which port does RDP use?" in page and "A question from another job" not in page


def test_opening_a_question_shows_the_learner_preview_to_review(client, moderator, pending):
    client.force_login(moderator)
    response = client.get(f"{QUEUE}{pending[0].pk}/change/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/admin/exams/question/{pending[0].pk}/preview/"
    assert "As a learner sees it" in page and "Edit, then approve" in page


def test_a_moderator_approves_in_bulk(client, moderator, pending):
    client.force_login(moderator)
    response = client.post(QUEUE, {"action": "approve_selected", "_selected_action": [q.pk for q in pending]},
                           follow=True)
    assert "Approved 2 question(s)." in response.content.decode()
    assert set(Question.objects.filter(pk__in=[q.pk for q in pending]).values_list("review_status", "reviewed_by")) == {
        ("approved", moderator.pk)
    }
    assert set(AuditEvent.objects.filter(action="question_approved").values_list("target_type", flat=True)) == {
        "exams.Question"
    }


def test_a_moderator_rejects_in_bulk_with_a_reason(client, moderator, pending):
    client.force_login(moderator)
    selected = {"action": "reject_with_reason", "_selected_action": [q.pk for q in pending]}
    confirm = client.post(QUEUE, selected).content.decode()
    assert "Reject 2 questions?" in confirm and "Which port does RDP use?" in confirm

    refused = client.post(QUEUE, {**selected, "reason": "  "}).content.decode()
    assert "A rejection needs a reason." in refused
    assert not Question.objects.filter(review_status="rejected").exists()

    done = client.post(QUEUE, {**selected, "reason": "Choices give the answer away."}, follow=True)
    assert "Rejected 2 question(s)." in done.content.decode()
    assert set(Question.objects.filter(pk__in=[q.pk for q in pending]).values_list("review_status", "review_note")) == {
        ("rejected", "Choices give the answer away.")
    }


def test_a_moderator_edits_then_approves(client, moderator, pending):
    question = pending[0]
    client.force_login(moderator)
    url = f"/admin/exams/question/{question.pk}/change/"
    page = client.get(url)
    data = _form_data(page)
    data.update(stem="Which transport protocol does SSH use by default?", review_status="approved")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert (question.stem, question.review_status, question.reviewed_by) == (
        "Which transport protocol does SSH use by default?", "approved", moderator
    )


def test_learners_never_see_the_queue(client, learner, pending):
    client.force_login(learner)
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _form_data(response) -> dict:
    """What the browser would post back from an admin change page, unchanged."""
    data = {}
    page_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
        page_forms += formset.forms
    for form in page_forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False or isinstance(field, forms.FileField):
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data
