import pytest
from django.contrib.auth.models import Group

from tests.factories import QuestionFactory, QuestionFeedbackFactory

pytestmark = pytest.mark.django_db


def test_roles_exist_and_new_users_are_learners(learner):
    assert set(Group.objects.values_list("name", flat=True)) >= {"learner", "moderator", "admin"}
    assert learner.role == "learner"
    assert not learner.is_staff


def test_a_learner_never_sees_admin(client, learner):
    client.force_login(learner)
    response = client.get("/admin/exams/question/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_moderator_reviews_questions_and_feedback_but_not_users(client, moderator):
    question = QuestionFactory()
    QuestionFeedbackFactory(question=question)
    client.force_login(moderator)
    assert client.get("/admin/exams/question/").status_code == 200
    assert client.get(f"/admin/exams/question/{question.pk}/change/").status_code == 200
    assert client.get(f"/admin/exams/question/{question.pk}/preview/").status_code == 200
    assert client.get("/admin/study/questionfeedback/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get("/admin/exams/exam/add/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "Questions" in index and "Users" not in index


def test_a_moderator_can_approve_in_bulk(client, moderator):
    pending = QuestionFactory(review_status="pending", reviewed_at=None)
    client.force_login(moderator)
    response = client.post(
        "/admin/exams/question/", {"action": "approve_selected", "_selected_action": [pending.pk]}, follow=True
    )
    assert b"Approved 1 question" in response.content
    pending.refresh_from_db()
    assert pending.review_status == "approved" and pending.reviewed_by == moderator


def test_an_admin_reaches_everything(client, admin_user):
    client.force_login(admin_user)
    for url in ("/admin/accounts/user/", "/admin/auth/group/", "/admin/exams/exam/add/", "/admin/exams/question/"):
        assert client.get(url).status_code == 200, url


def test_a_moderator_approves_or_rejects_from_the_preview(client, moderator):
    question = QuestionFactory(review_status="pending", reviewed_at=None)
    client.force_login(moderator)
    url = f"/admin/exams/question/{question.pk}/preview/"
    refused = client.post(url, {"decision": "reject", "note": ""}, follow=True)
    assert "A rejection needs a reason." in refused.content.decode()
    client.post(url, {"decision": "reject", "note": "Choice C is ambiguous"})
    question.refresh_from_db()
    assert (question.review_status, question.review_note, question.reviewed_by) == ("rejected", "Choice C is ambiguous", moderator)
    client.post(url, {"decision": "approve"})
    question.refresh_from_db()
    assert question.review_status == "approved"
