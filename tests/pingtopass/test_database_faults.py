"""The error pages tell the truth and need nothing that may have failed: the 500 page is drawn
without the database, the cache or the session, and a request that fails for the database answers
503, saying what became of what was sent, with one ERROR line (pingtopass/faults.py,
pingtopass.views.server_error). Learners' answers: tests/study/test_answer_not_saved.py."""

import logging

import pytest
from django.db import connections
from django.test import override_settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from pingtopass.db.sqlite.base import DatabaseWrapper
from pingtopass.views import server_error

pytestmark = pytest.mark.django_db

URLS = "tests.pingtopass.fault_urls"
# A cache that raises on every call: Redis where nothing listens (Django's own backend, which
# does not fail soft).
DEAD_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}}
PROMISE = "answers are saved"


@pytest.fixture
def database_down(tmp_path):
    """From here on the database cannot be opened: its file's directory does not exist."""
    working = connections["default"]
    connections["default"] = DatabaseWrapper(
        {**working.settings_dict, "ENGINE": "pingtopass.db.sqlite", "NAME": str(tmp_path / "gone" / "db.sqlite3"),
         "OPTIONS": {"timeout": 1}}, "default")
    yield
    connections["default"].close()
    connections["default"] = working


@pytest.fixture
def cache_down():
    with override_settings(CACHES=DEAD_CACHE):
        yield


@pytest.fixture
def signed_in(learner_client, learner, settings):
    settings.ROOT_URLCONF = URLS
    learner.last_active = timezone.now()  # the middleware's once-a-while write is not due
    learner.save(update_fields=["last_active"])
    learner_client.raise_request_exception = False
    return learner_client


def _records(caplog, name):
    return [r for r in caplog.records if r.name == name]


class Untouchable:
    """A request's session, or its user not yet loaded: the error page must not need them."""

    def __init__(self, what):
        self.what = what

    def __getattr__(self, name):
        raise AssertionError(f"the error page read {self.what}.{name}")


def test_the_500_page_needs_no_database_cache_session_or_user(rf, database_down, cache_down):
    request = rf.post("/sessions/1/q/1/answer/", {"choice": "0"})
    request.session = Untouchable("the session")
    request.user = SimpleLazyObject(lambda: Untouchable("the user"))
    try:
        raise RuntimeError("the view broke")
    except RuntimeError:
        response = server_error(request)

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side. What you were doing may not have been saved; please try again." in page
    assert PROMISE not in page


def test_the_500_page_promises_nothing_and_names_the_request(signed_in, cache_down):
    response = signed_in.get("/boom/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "What you were doing may not have been saved; please try again." in page and PROMISE not in page
    assert f"Reference: {response['X-Request-ID']}" in page


@pytest.mark.parametrize("cache", ["cache up", "cache down"])
def test_a_view_failing_for_the_database_answers_503_with_what_became_of_the_request(
        request, signed_in, database_down, caplog, cache):
    if cache == "cache down":
        request.getfixturevalue("cache_down")
    caplog.set_level(logging.INFO, logger="pingtopass")
    sent = signed_in.post("/reads/", {"note": "hello"})
    read = signed_in.get("/reads/")

    assert sent.status_code == read.status_code == 503
    assert "What you sent may not have been saved: our database did not respond in time." in sent.content.decode()
    assert "This page could not be loaded: our database did not respond in time." in read.content.decode()
    assert sent["Retry-After"] and PROMISE not in sent.content.decode()
    assert "hello" not in sent.content.decode()  # a view that declares nothing gets no form sending it again
    faults = _records(caplog, "pingtopass.faults")
    assert [(r.levelname, r.request_id, r.path) for r in faults] == [
        ("ERROR", sent["X-Request-ID"], "/reads/"), ("ERROR", read["X-Request-ID"], "/reads/")]
    assert "OperationalError" in faults[0].error and faults[0].exc_info is None  # one line, no traceback
    assert _records(caplog, "django.request") == []


def test_a_fault_in_a_middleware_gets_the_same_503(learner_client, settings, database_down, cache_down):
    # Signed in but not seen for a while: the "last active" middleware loads the user first, and
    # the session is read from the database behind the cache. The old error page loaded them again.
    settings.ROOT_URLCONF = URLS
    learner_client.raise_request_exception = False
    response = learner_client.post("/reads/")

    assert response.status_code == 503 and "may not have been saved" in response.content.decode()
    assert response["X-Request-ID"]


def test_an_htmx_request_gets_a_notice_that_leaves_the_page_alone(signed_in, database_down):
    response = signed_in.get("/reads/", HTTP_HX_REQUEST="true")

    assert response.status_code == 503 and response["HX-Reswap"] == "none"
    assert response.content.decode().startswith('<div class="alert alert-error" role="alert" data-fault-notice>')
