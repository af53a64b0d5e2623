"""Someone else's session is a 404 on every operation that takes a session id (read off the
OpenAPI document, so a new operation is walked too), and nothing of it changes."""

import json

import pytest

from study.models import Bookmark, QuestionFeedback, SessionItem
from tests.api.conftest import API, AppClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BODIES = {  # a valid body for each operation that takes one
    "answer": {"answer": {"choice": [0]}},
    "flag": {"flagged": True},
    "bookmark": {"bookmarked": True, "note": "mine now"},
    "report": {"kind": "typo", "message": "A typo in the stem."},
    "terminal": {"device": "R1", "line": "show running-config"},
}


def operations_taking_a_session_id(app):
    document = app.get(f"{API}/openapi.json").json()
    for path, methods in document["paths"].items():
        if "{session_id}" in path:
            for method in methods:
                yield method.upper(), path.removeprefix(API)


def test_someone_elses_session_is_not_found_on_every_operation(signed_in_app, password, start):
    owner = UserFactory()
    theirs = start(owner, count=4)
    app = signed_in_app
    walked = 0
    for method, path in operations_taking_a_session_id(app):
        url = API + path.replace("{session_id}", str(theirs.pk)).replace("{position}", "1")
        body = BODIES.get(path.rsplit("/", 1)[-1]) if method == "POST" else None
        response = app.request(method, url, body)
        assert response.status_code == 404, (method, path, response.content)
        assert response.json()["code"] == "not_found"
        walked += 1
    assert walked >= 10
    first = SessionItem.objects.get(session=theirs, position=1)
    assert (first.response, first.flagged, first.shown_at) == (None, False, None)
    theirs.refresh_from_db()
    assert theirs.status == "in_progress"
    assert not Bookmark.objects.exists() and not QuestionFeedback.objects.exists()


def test_retaking_someone_elses_session_is_not_found(signed_in_app, start):
    owner = UserFactory()
    theirs = start(owner, count=2)
    owner_app = AppClient()
    owner_app.http.force_login(owner)
    owner_app.http.post(f"/sessions/{theirs.pk}/submit/")
    response = signed_in_app.post(f"{API}/sessions", {"exam": "PTP-100", "source": "retake", "from_session": theirs.pk})
    assert response.status_code == 404


def test_it_asks_for_sign_in(app, test_exam):
    assert app.get(f"{API}/sessions").status_code == 401
    app.token = "not.a.token"
    response = app.get(f"{API}/sessions")
    assert response.status_code == 401
    assert json.loads(response.content)["code"] == "unauthenticated"
    assert app.get(f"{API}/exams").status_code == 200  # the catalogue is public, as on the site


def test_every_post_from_a_browser_session_needs_its_csrf_token(app, learner, start):
    """A browser's session cookie goes with any request a page elsewhere makes: each operation that
    changes something asks for the CSRF token. (An app's bearer token is never sent by a browser on
    its own, so it needs none; tests/test_security.py walks the HTML site.)"""
    from django.test import Client

    session = start(learner, count=2)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    document = app.get(f"{API}/openapi.json").json()
    walked = 0
    for path, methods in document["paths"].items():
        if "post" not in methods:
            continue
        url = path.replace("{session_id}", str(session.pk)).replace("{position}", "1")
        body = BODIES.get(path.rsplit("/", 1)[-1], {"exam": "PTP-100"})
        response = browser.post(url, body, content_type="application/json")
        assert response.status_code == 403, (path, response.content)
        assert response.json()["code"] == "forbidden"
        walked += 1
    assert walked >= 7
    assert session.items.exclude(response=None).count() == 0 and session.items.filter(flagged=True).count() == 0
