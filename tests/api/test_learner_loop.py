"""The whole learner loop through the API only: sign up, verify the email, sign in (JWT), start an
exam simulation, answer every question, submit, read the results and the review."""

import re

import pytest
from django.core import mail

from accounts.models import User
from study.models import SessionItem
from tests.answers import correct_post_data
from tests.api.conftest import API, HEADLESS

pytestmark = pytest.mark.django_db


def as_json_answer(form: dict) -> dict:
    """tests.answers' form data (strings) as the JSON an app sends (numbers)."""
    return {key: [int(v) for v in value] if isinstance(value, list) else int(value) for key, value in form.items()}


def test_it_walks_the_loop_from_sign_up_to_results(app, test_exam):
    email, password = "new.learner@example.com", "a-long-and-unusual-passphrase-42"
    signup = app.post(f"{HEADLESS}/auth/signup", {"email": email, "password": password})
    assert signup.status_code == 401, signup.content  # signed up; the email is still to verify
    flow = signup.json()
    assert any(f["id"] == "verify_email" and f.get("is_pending") for f in flow["data"]["flows"])
    app.session_token = flow["meta"]["session_token"]

    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mail.outbox[-1].body)[1]
    verified = app.post(f"{HEADLESS}/auth/email/verify", {"key": key})
    assert verified.status_code == 200, verified.content
    app.take_tokens(verified.json())

    app.token = None  # and signing in again gives a token too
    app.sign_in(email, password)

    exams = app.get(f"{API}/exams").json()
    assert [e["code"] for e in exams] == ["PTP-100"]
    started = app.post(f"{API}/sessions", {"exam": "PTP-100", "mode": "exam"})
    assert started.status_code == 201, started.content
    session = started.json()
    assert session["mode"] == "exam" and session["deadline"] is not None
    user = User.objects.get(email=email)
    assert user.study_sessions.count() == 1

    for position in range(1, session["question_total"] + 1):
        card = app.get(f"{API}/sessions/{session['id']}/questions/{position}").json()
        assert card["feedback"] is None and not card["answered"]
        item = SessionItem.objects.get(session_id=session["id"], position=position)
        answered = app.post(f"{API}/sessions/{session['id']}/questions/{position}/answer",
                            {"answer": as_json_answer(correct_post_data(item)), "confidence": 3, "seconds": 12})
        assert answered.status_code == 200, answered.content
        assert answered.json()["recorded"] is True
        assert answered.json()["question"]["feedback"] is None  # exam simulation: nothing until it is submitted

    submitted = app.post(f"{API}/sessions/{session['id']}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["score"]["correct"] == session["question_total"]

    results = app.get(f"{API}/sessions/{session['id']}/results").json()
    assert results["session"]["score"]["passed"] is True
    assert sum(d["total"] for d in results["domains"]) == session["question_total"]
    review = app.get(f"{API}/sessions/{session['id']}/review").json()
    assert len(review) == session["question_total"]
    assert all(entry["feedback"]["correct"] for entry in review)


def test_practice_gives_feedback_with_every_explanation(signed_in_app, test_exam):
    app = signed_in_app
    session = app.post(f"{API}/sessions", {"exam": "PTP-100", "mode": "practice", "count": 3}).json()
    item = SessionItem.objects.get(session_id=session["id"], position=1)
    answered = app.post(f"{API}/sessions/{session['id']}/questions/1/answer",
                        {"answer": as_json_answer(correct_post_data(item))}).json()
    feedback = answered["question"]["feedback"]
    assert feedback["correct"] is True
    assert feedback["explanation"] == item.question.explanation
    assert {c["explanation"] for c in feedback["choices"]} == {c.explanation for c in item.question.choices.all()}
    assert answered["next_position"] == 2
    again = app.post(f"{API}/sessions/{session['id']}/questions/1/answer",
                     {"answer": as_json_answer(correct_post_data(item))}).json()
    assert again["recorded"] is False  # practice's first answer is final: a resend changes nothing


def test_an_app_token_refreshes_and_stops_working_at_sign_out(signed_in_app):
    app = signed_in_app
    refreshed = app.post(f"{HEADLESS}/tokens/refresh", {"refresh_token": app.refresh_token})
    assert refreshed.status_code == 200, refreshed.content
    app.token = refreshed.json()["data"]["access_token"]
    assert app.get(f"{API}/sessions").status_code == 200
    assert app.request("DELETE", f"{HEADLESS}/auth/session").status_code == 401  # signed out
    assert app.get(f"{API}/sessions").status_code == 401


def test_a_browser_uses_its_session_with_csrf(learner, test_exam):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    assert browser.get(f"{API}/sessions").status_code == 200
    refused = browser.post(f"{API}/sessions", {"exam": "PTP-100"}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    browser.get("/dashboard/")  # any page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    started = browser.post(f"{API}/sessions", {"exam": "PTP-100"}, content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert started.status_code == 201, started.content
