"""Hardening: XSS stays inert, ids of other people's objects are 404, every POST needs CSRF,
rate limits answer 429, security headers are set."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from exams.models import Choice, Exam, Objective, Question
from study.models import QuestionFeedback, StudySession
from tests.answers import correct_post_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>[click](javascript:alert(1))'


def assert_inert(html: str):
    assert '<script>alert("x")' not in html
    assert not re.search(r"<img[^>]*onerror", html)
    assert not re.search(r'href="\s*javascript:', html, re.IGNORECASE)


def test_user_and_ai_written_text_renders_inert_everywhere(client, learner, start, test_exam, moderator):
    Question.objects.filter(exam=test_exam).update(stem=PAYLOAD, explanation=PAYLOAD)
    Choice.objects.filter(question__exam=test_exam).update(explanation=PAYLOAD)
    Choice.objects.filter(question__exam=test_exam, question__type="matching").update(match_text=PAYLOAD[:250])
    Choice.objects.filter(question__exam=test_exam, question__type="single").update(text=PAYLOAD)
    Exam.objects.filter(pk=test_exam.pk).update(description=PAYLOAD)
    Objective.objects.filter(domain__exam=test_exam).update(name=PAYLOAD[:250])
    learner.display_name = PAYLOAD[:80]
    learner.save()
    client.force_login(learner)
    session = start(learner)
    pages = ["/exams/", f"/exams/{test_exam.code}/", "/sessions/", "/account/settings/"]
    for item in session.items.all():
        pages.append(f"/sessions/{session.pk}/q/{item.position}/")
        client.post(f"/sessions/{session.pk}/q/{item.position}/answer/", correct_post_data(item))
    client.post(f"/sessions/{session.pk}/q/1/bookmark/", {"bookmarked": "on", "note": PAYLOAD})
    client.post(f"/sessions/{session.pk}/q/1/report/", {"kind": "other", "message": PAYLOAD})
    client.post(f"/sessions/{session.pk}/submit/")
    pages += [f"/sessions/{session.pk}/q/{i}/" for i in range(1, 9)]
    pages += [f"/sessions/{session.pk}/review/", f"/sessions/{session.pk}/results/"]
    for url in pages:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())
    client.force_login(moderator)
    question = Question.objects.filter(exam=test_exam).first()
    for url in ("/admin/study/questionfeedback/", f"/admin/study/questionfeedback/{QuestionFeedback.objects.get().pk}/change/",
                f"/admin/exams/question/{question.pk}/preview/", "/admin/exams/question/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())


def _patterns(resolver=None, prefix=""):
    """Every URL pattern of the site with its full regex, outside admin, allauth and dj-stripe's
    webhook (Stripe cannot send a CSRF token; its signature is checked in tests/billing)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if str(entry.pattern).startswith(("admin/", "accounts/", "stripe/", "_allauth/", "api/")):
            continue
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _fill(route: str, values: dict) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def test_every_url_with_an_id_is_404_for_someone_elses_objects(client, learner, start, test_exam):
    session = start(learner)
    finished = start(learner, mode=StudySession.Mode.EXAM)
    intruder = UserFactory(email="intruder@example.com")
    client.force_login(intruder)
    walked = 0
    for route, _pattern in _patterns():
        if "<id:" not in route:
            continue
        for target in (session, finished):
            url = _fill(route, {"pk": target.pk, "position": 1, "code": test_exam.code})
            assert client.get(url).status_code in (404, 405), url
            assert client.post(url, {"choice": "0"}).status_code == 404, url
            walked += 1
    assert walked >= 20


def test_every_post_needs_a_csrf_token(learner, start, test_exam):
    session = start(learner)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    checked = 0
    for route, _pattern in _patterns():
        url = _fill(route, {"pk": session.pk, "position": 1, "code": test_exam.code, "path": "exhibits/x.png"})
        status = client.post(url, correct_post_data(session.items.get(position=1))).status_code
        assert status in (403, 405), f"{url} answered {status} to a POST without a CSRF token"
        checked += status == 403
    for url in ("/accounts/login/", "/accounts/logout/", "/accounts/signup/", "/accounts/password/reset/",
                "/admin/login/", "/admin/exams/question/"):
        assert client.post(url, {}).status_code == 403, url
    assert checked >= 10
    assert not session.items.exclude(response=None).exists()


def test_answer_submission_is_rate_limited_with_a_clear_429(learner_client, learner, start, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "3/60"}
    session = start(learner)
    for position in (1, 2, 3):
        item = session.items.get(position=position)
        assert learner_client.post(f"/sessions/{session.pk}/q/{position}/answer/", correct_post_data(item)).status_code == 302
    item = session.items.get(position=4)
    response = learner_client.post(f"/sessions/{session.pk}/q/4/answer/", correct_post_data(item))
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode() and int(response["Retry-After"]) > 0
    htmx = learner_client.post(f"/sessions/{session.pk}/q/4/answer/", correct_post_data(item), HTTP_HX_REQUEST="true")
    assert htmx.status_code == 429 and htmx["HX-Retarget"] == "#flash"
    item.refresh_from_db()
    assert item.response is None


def test_feedback_reports_are_rate_limited(learner_client, learner, start, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "feedback": "2/3600"}
    session = start(learner)
    url = f"/sessions/{session.pk}/q/1/report/"
    for _ in range(2):
        assert learner_client.post(url, {"kind": "typo", "message": "a typo here"}).status_code == 302
    assert learner_client.post(url, {"kind": "typo", "message": "a typo here"}).status_code == 429
    assert QuestionFeedback.objects.count() == 2


def test_sign_in_and_password_reset_are_rate_limited(client, learner, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "5/m/ip"}
    statuses = [client.post("/accounts/login/", {"login": learner.email, "password": f"wrong-{i}"}).status_code for i in range(6)]
    assert statuses == [200] * 5 + [429]
    assert "Too many requests" in client.post("/accounts/login/", {"login": learner.email, "password": "x"}).content.decode()
    resets = [client.post("/accounts/password/reset/", {"email": learner.email}).status_code for _ in range(7)]
    assert resets[-1] == 429


def test_security_headers_and_csp_without_inline_script(client):
    response = client.get("/exams/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> found"
    assert " style=" not in html
    assert not re.search(r"<[^>]+\son[a-z]+=", html), "inline event handler found"
