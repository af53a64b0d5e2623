import pytest
from allauth.account.models import EmailAddress

from accounts.models import AuditEvent
from tests.factories import PASSWORD, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

REMOTE = {"REMOTE_ADDR": "203.0.113.7", "HTTP_USER_AGENT": "pytest-browser/1.0"}


def events(action):
    return list(AuditEvent.objects.filter(action=action))


def test_sign_in_success_failure_and_sign_out_are_logged_with_ip(client, learner):
    client.post("/accounts/login/", {"login": learner.email, "password": "wrong-password"}, **REMOTE)
    client.post("/accounts/login/", {"login": learner.email, "password": PASSWORD}, **REMOTE)
    client.post("/accounts/logout/", **REMOTE)
    [failed] = events("login_failed")
    assert failed.actor is None and failed.actor_email == learner.email and failed.ip_address == "203.0.113.7"
    [login] = events("login")
    assert login.actor == learner and login.user_agent == "pytest-browser/1.0"
    [logout] = events("logout")
    assert logout.actor == learner


def test_password_and_email_changes_are_logged(client, learner):
    client.force_login(learner)
    client.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": "another-long-passphrase", "password2": "another-long-passphrase"})
    assert [e.actor for e in events("password_changed")] == [learner]
    client.post("/accounts/email/", {"action_add": "", "email": "second@example.com"})
    assert events("email_added")[0].detail == {"address": "second@example.com"}
    second = EmailAddress.objects.get(email="second@example.com")
    second.verified = True
    second.save()
    client.post("/accounts/email/", {"action_primary": "", "email": "second@example.com"})
    assert events("email_changed")[0].detail == {"old": learner.email, "new": "second@example.com"}
    client.post("/accounts/email/", {"action_remove": "", "email": learner.email})
    assert events("email_removed")[0].detail == {"address": learner.email}


def test_role_changes_in_admin_are_logged_with_the_admin_as_actor(client, admin_user):
    target = UserFactory(email="promote@example.com")
    client.force_login(admin_user)
    client.post("/admin/accounts/user/", {"action": "make_moderator", "_selected_action": [target.pk]}, **REMOTE)
    target.refresh_from_db()
    assert target.role == "moderator" and target.is_staff
    [event] = [e for e in events("role_changed") if e.target_id == str(target.pk)]
    assert (event.actor, event.detail, event.ip_address) == (admin_user, {"old": "learner", "new": "moderator"}, "203.0.113.7")
    form = {"email": target.email, "display_name": "", "timezone": "UTC", "theme": "auto", "font_size": "medium",
            "role": "learner", "is_active": "on"}
    assert client.post(f"/admin/accounts/user/{target.pk}/change/", form).status_code == 302
    target.refresh_from_db()
    assert target.role == "learner" and not target.is_staff
    assert events("role_changed")[0].detail == {"old": "moderator", "new": "learner"}


def test_question_review_and_edits_are_logged(client, moderator):
    question = QuestionFactory(review_status="pending", reviewed_at=None)
    client.force_login(moderator)
    client.post(f"/admin/exams/question/{question.pk}/preview/", {"decision": "reject", "note": "Ambiguous"})
    client.post(f"/admin/exams/question/{question.pk}/preview/", {"decision": "approve"})
    [rejected] = events("question_rejected")
    assert rejected.actor == moderator and rejected.target_id == str(question.pk) and rejected.detail["note"] == "Ambiguous"
    assert events("question_approved")[0].actor == moderator

    data = {"exam": question.exam_id, "objective": question.objective_id, "type": question.type,
            "choose_count": question.choose_count, "difficulty": 4, "stem": question.stem + " (edited)",
            "explanation": question.explanation, "reference_url": "", "tags": "", "is_active": "on",
            "review_status": "approved", "review_note": "",
            "choices-TOTAL_FORMS": 0, "choices-INITIAL_FORMS": 0, "choices-MIN_NUM_FORMS": 0, "choices-MAX_NUM_FORMS": 1000}
    for i, choice in enumerate(question.choices.all()):
        data["choices-TOTAL_FORMS"] = data["choices-INITIAL_FORMS"] = i + 1
        data.update({f"choices-{i}-id": choice.pk, f"choices-{i}-question": question.pk, f"choices-{i}-position": choice.position,
                     f"choices-{i}-text": choice.text, f"choices-{i}-explanation": choice.explanation or "why",
                     f"choices-{i}-match_text": choice.match_text, **({f"choices-{i}-is_correct": "on"} if choice.is_correct else {})})
    assert client.post(f"/admin/exams/question/{question.pk}/change/", data).status_code == 302
    [edited] = events("question_edited")
    assert edited.actor == moderator and edited.detail["fields"] == ["difficulty", "stem"]


def test_the_audit_log_is_read_only_in_admin(client, admin_user, learner):
    client.force_login(admin_user)
    event = AuditEvent.objects.create(action="login", actor=learner, actor_email=learner.email)
    assert client.get("/admin/accounts/auditevent/?action__exact=login").status_code == 200
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403
    assert client.post(f"/admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
