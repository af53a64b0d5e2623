import json

import pytest
from django.test import Client

from accounts.audit import audit_log
from accounts.models import AuditEvent, User
from exams.models import Question
from study.models import Bookmark, QuestionFeedback, SessionItem, StudySession
from study.services import answer_record
from tests.answers import correct_post_data
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def studied(learner_client, learner, test_exam, start):
    """The learner answered a question, bookmarked one with a note and reported one; another
    learner did the same, so we can check nobody else's data leaks in."""
    session = start(learner)
    item = session.items.get(position=1)
    learner_client.post(f"/sessions/{session.pk}/q/1/answer/", correct_post_data(item))
    learner_client.post(f"/sessions/{session.pk}/q/1/bookmark/", {"bookmarked": "on", "note": "my private note"})
    learner_client.post(f"/sessions/{session.pk}/q/1/report/", {"kind": "typo", "message": "typo in the stem"})
    other = UserFactory(email="other@example.com")
    other_session = start(other)
    other_item = other_session.items.get(position=1)
    answer_record(item=other_item, data=correct_post_data(other_item))
    answer_record(item=other_session.items.get(position=2), data=correct_post_data(other_session.items.get(position=2)))
    Bookmark.objects.create(user=other, question=other_item.question, note="other's secret note")
    return session


def test_export_contains_the_learners_data_and_nobody_elses(learner_client, learner, studied):
    assert "Download my data" in learner_client.get("/account/export/").content.decode()
    response = learner_client.post("/account/export/")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == learner.email
    assert [s["id"] for s in data["study"]["sessions"]] == [studied.pk]
    first, second = data["study"]["sessions"][0]["answers"][:2]
    assert first["is_correct"] is True and second["is_correct"] is None  # practice marks each answer as it is given
    assert first["answer"] and all(isinstance(line, str) for line in first["answer"]) and second["answer"] is None
    assert [b["note"] for b in data["study"]["bookmarks"]] == ["my private note"]
    assert [f["message"] for f in data["study"]["feedback"]] == ["typo in the stem"]
    progress = data["study"]["progress"]
    assert [(p["exam"], p["answered"], p["correct"]) for p in progress["exams"]] == [(studied.exam.code, 1, 1)]
    assert sum(o["answered"] for o in progress["objectives"]) == 1
    assert [d["answered"] for d in progress["study_days"]] == [1]
    assert [r["question_id"] for r in progress["reviews"]] == [studied.items.get(position=1).question_id]
    assert [w["answered"] for w in progress["weeks"]] == [1]
    assert "other@example.com" not in response.content.decode()
    assert "other's secret note" not in response.content.decode()
    assert AuditEvent.objects.filter(action="data_exported", actor=learner).count() == 1


def test_deletion_needs_the_password_and_the_confirmation_phrase(learner_client, learner):
    bad = learner_client.post("/account/delete/", {"password": "nope", "confirm": "delete my account"})
    assert bad.status_code == 400 and "That password is not right." in bad.content.decode()
    bad = learner_client.post("/account/delete/", {"password": PASSWORD, "confirm": "yes"})
    assert bad.status_code == 400 and "exactly." in bad.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()


def test_deletion_removes_personal_data_keeps_anonymous_statistics_and_signs_out(learner_client, learner, studied):
    question_id = studied.items.get(position=1).question_id
    answered_before = Question.objects.get(pk=question_id).times_answered
    Client().post("/accounts/login/", {"login": learner.email, "password": "a wrong guess"})  # no actor, the address
    audit_log("email_added", actor=learner, address="second@example.com")
    learner.emailaddress_set.create(email="second@example.com")
    audit_log("email_changed", actor=UserFactory(email="admin-ish@example.com"), to="second@example.com")
    response = learner_client.post("/account/delete/", {"password": PASSWORD, "confirm": "Delete my account"}, follow=True)
    assert "Your account and personal data have been deleted." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert not User.objects.filter(email="learner@example.com").exists()
    assert not Bookmark.objects.filter(note="my private note").exists()
    # Answers remain, detached from anyone, and question statistics are untouched.
    session = StudySession.objects.get(pk=studied.pk)
    assert session.user is None
    assert SessionItem.objects.filter(session=session, is_correct=True).count() == 1
    assert Question.objects.get(pk=question_id).times_answered == answered_before
    assert QuestionFeedback.objects.get(message="typo in the stem").user is None
    # The audit trail says an account was deleted, without who or from where.
    event = AuditEvent.objects.get(action="account_deleted")
    assert event.actor is None and event.actor_email == "" and event.ip_address is None
    assert not AuditEvent.objects.filter(actor_email=learner.email).exists()
    trail = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert "learner@example.com" not in trail and "second@example.com" not in trail
    assert AuditEvent.objects.filter(action="login_failed", ip_address=None).exists()
    assert AuditEvent.objects.get(action="email_changed").actor_email == "admin-ish@example.com"  # someone else's stays
    # Other learners keep everything.
    assert Bookmark.objects.filter(note="other's secret note").exists()


def test_the_delete_form_is_no_password_oracle(learner_client, learner):
    # A stolen session could try passwords here: after five tries an hour the form is refused
    # before the password is checked, the right one included.
    for guess in range(5):
        assert learner_client.post("/account/delete/", {"password": f"guess-{guess}", "confirm": "delete my account"}
                                   ).status_code == 400
    refused = learner_client.post("/account/delete/", {"password": PASSWORD, "confirm": "Delete my account"})
    assert refused.status_code == 429 and refused.has_header("Retry-After")
    assert User.objects.filter(pk=learner.pk).exists()
