"""When the database or the cache fails, an app gets JSON in the error shape of the API it called,
with Retry-After, never the site's HTML page (pingtopass/faults.py, api/errors.py). The database
goes down as in tests/pingtopass/test_database_faults.py: its file's directory is gone."""

import pytest
from django.test import override_settings

from accounts.views import SIGN_IN_PAUSED
from tests.answers import correct_post_data
from tests.api.conftest import API, HEADLESS
from tests.api.test_learner_loop import as_json_answer
from tests.pingtopass.test_database_faults import database_down  # noqa: F401 -- a fixture, asked for by name
from tests.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def tolerant(signed_in_app):
    """The signed-in app, given the 5xx answers as a client gets them (not the exception)."""
    signed_in_app.http.raise_request_exception = False
    return signed_in_app


def assert_json_503(response) -> dict:
    assert response.status_code == 503, response.content
    assert response["Content-Type"].startswith("application/json")
    assert int(response["Retry-After"]) > 0
    return response.json()


def test_a_read_while_the_database_is_down_is_a_json_503(tolerant, test_exam, request, caplog):
    request.getfixturevalue("database_down")

    response = tolerant.get(f"{API}/exams")

    assert assert_json_503(response) == {
        "code": "database_unavailable", "field": None,
        "message": "Nothing could be read: our database did not respond in time. Please try again in a moment."}
    assert [r.levelname for r in caplog.records if r.name == "pingtopass.faults"] == ["ERROR"]


def test_a_change_while_the_database_is_down_says_it_may_not_have_been_saved(tolerant, learner, start, request):
    session = start(learner, count=2)
    request.getfixturevalue("database_down")

    response = tolerant.post(f"{API}/sessions/{session.pk}/questions/1/flag", {"flagged": True})

    error = assert_json_503(response)
    assert error["code"] == "database_unavailable" and error["field"] is None
    assert error["message"].startswith("What you sent may not have been saved: our database did not respond")


def test_allauths_app_api_answers_in_its_own_shape(app, learner, password, request):
    request.getfixturevalue("database_down")
    app.http.raise_request_exception = False

    response = app.post(f"{HEADLESS}/auth/login", {"email": learner.email, "password": password})

    error = assert_json_503(response)
    assert error["status"] == 503 and error["errors"][0]["code"] == "database_unavailable"


def test_the_site_keeps_its_page(learner_client, test_exam, request):
    request.getfixturevalue("database_down")
    learner_client.raise_request_exception = False

    response = learner_client.get("/exams/")

    assert response.status_code == 503 and response["Content-Type"].startswith("text/html")


def test_while_the_cache_is_down_answers_go_on_and_what_fails_closed_is_a_json_503(tolerant, learner, start, settings):
    session = start(learner, count=2)
    item = session.items.get(position=1)
    nothing_listens = {"default": {**settings.CACHES["default"], "BACKEND": "pingtopass.cache.FailSoftRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{free_port()}/0", "OPTIONS": {"COOL_DOWN": 5}}}
    with override_settings(CACHES=nothing_listens):
        answered = tolerant.post(f"{API}/sessions/{session.pk}/questions/1/answer",
                                 {"answer": as_json_answer(correct_post_data(item))})
        deleting = tolerant.post(f"{API}/account/delete", {"password": "anything", "confirm": "delete my account"})

    assert answered.status_code == 200, answered.content  # the answer's limit fails open
    assert assert_json_503(deleting)["code"] == "briefly_unavailable"  # nothing counts the password guesses


def test_the_app_sign_in_says_why_it_is_refused_while_the_cache_is_down(app, learner, password, settings):
    nothing_listens = {"default": {**settings.CACHES["default"], "BACKEND": "pingtopass.cache.FailSoftRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{free_port()}/0", "OPTIONS": {"COOL_DOWN": 5}}}
    with override_settings(CACHES=nothing_listens):
        refused = app.post(f"{HEADLESS}/auth/login", {"email": learner.email, "password": password})

    assert refused.status_code == 503 and refused["Retry-After"] == "60"
    assert refused.json()["errors"][0] == {"code": "briefly_unavailable", "message": SIGN_IN_PAUSED}
    assert app.post(f"{HEADLESS}/auth/login", {"email": learner.email, "password": password}).status_code == 200
