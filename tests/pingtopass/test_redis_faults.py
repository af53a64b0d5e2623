"""Redis down or hanging (issue 28, items 1 and 4): the cache fails soft (pingtopass/cache.py), so
a signed-in learner keeps studying from the database, sign-in and password resets are refused
with the reason, the outage is logged once and shown in /health/, and Redis is used again by
itself once it answers. The Redis here is a redis-server of the test's own, killed, paused and
restarted on its port; a hang is also played by a server that accepts and never answers."""

import json
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings

from accounts.adapters import RESET_PAUSED
from accounts.views import SIGN_IN_PAUSED
from aigen.models import GenerationJob
from pingtopass.ratelimit import BRIEFLY_UNAVAILABLE
from study.models import QuestionFeedback, SessionItem
from tests.answers import correct_post_data
from tests.conftest import PASSWORD
from tests.fault_servers import HangingServer, RedisServer
from tests.servers import NoRedirect, free_port, gunicorn_server, manage, site_env

pytestmark = pytest.mark.django_db


def redis_cache(location: str, *, cool_down: float) -> dict:
    """settings.CACHES as REDIS_URL makes it (test_settings_from_env.py checks that), on `location`."""
    return {"default": {
        "BACKEND": "pingtopass.cache.FailSoftRedisCache", "LOCATION": location, "KEY_PREFIX": "ptp",
        "OPTIONS": {"socket_connect_timeout": settings.REDIS_CONNECT_TIMEOUT, "socket_timeout": settings.REDIS_TIMEOUT,
                    "COOL_DOWN": cool_down},
    }}


def refused_cache() -> dict:
    return redis_cache(f"redis://127.0.0.1:{free_port()}/0", cool_down=5)


@pytest.fixture(autouse=True)
def _fresh_breakers(monkeypatch):
    # A breaker lives as long as its process, per cache location; a port can come round again.
    monkeypatch.setattr("pingtopass.cache._breakers", {})


@pytest.fixture
def cache_log(logged_warnings):
    """The records the cache's logger writes while the test runs."""
    return logged_warnings("pingtopass.cache")


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer.started(tmp_path)
    yield server
    server.resume()
    server.stop()


def sign_in(client, user):
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def answer(client, item):
    return client.post(f"/sessions/{item.session_id}/q/{item.position}/answer/", correct_post_data(item))


def answered(session) -> int:
    return SessionItem.objects.filter(session=session).exclude(response=None).count()


def session_keys(server) -> list[bytes]:
    return server.client().keys("ptp:*sessions*")


def wait_for(condition, what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


# --- Redis refusing connections, then back -------------------------------------------------------
@pytest.mark.slow
def test_a_signed_in_learner_keeps_studying_while_redis_is_down_and_redis_is_used_again_when_back(
    client, learner, start, redis_server, cache_log,
):
    with override_settings(CACHES=redis_cache(redis_server.url, cool_down=0.5)):
        assert sign_in(client, learner).status_code == 302
        session = start(learner)
        items = list(session.items.order_by("position"))
        assert answer(client, items[0]).status_code == 302
        assert session_keys(redis_server), "the session is kept in Redis while it runs"

        redis_server.stop()
        statuses = [answer(client, item).status_code for item in items[1:4]]
        statuses += [client.get(url).status_code for url in (f"/sessions/{session.pk}/q/5/", "/dashboard/")]
        assert statuses == [302, 302, 302, 200, 200]
        assert answered(session) == 4  # nothing lost

        [warning] = cache_log  # one line for the outage, not one per request
        assert warning.levelno == logging.WARNING
        assert "unreachable, serving without it" in warning.getMessage()
        assert "ConnectionError" in warning.getMessage() and str(redis_server.port) in warning.getMessage()

        health = client.get("/health/")
        assert health.status_code == 200  # the site serves: a load balancer must keep it
        body = health.json()
        assert body["status"] == "degraded" and body["checks"]["database"]["ok"] is True
        assert body["checks"]["cache"]["ok"] is False and body["checks"]["cache"]["cause"] == "ConnectionError"
        assert body["checks"]["cache"]["failures"] >= 1

        newcomer = Client()
        refused = sign_in(newcomer, learner)
        assert refused.status_code == 503 and refused["Retry-After"] == "60"
        page = refused.content.decode()
        assert SIGN_IN_PAUSED in page and 'name="password"' in page and learner.email in page  # the form, kept
        assert newcomer.get("/dashboard/").status_code == 302  # not signed in
        reset = newcomer.post("/accounts/password/reset/", {"email": learner.email})
        assert RESET_PAUSED in reset.content.decode() and mail.outbox == []

        redis_server.start()  # the same port, empty
        wait_for(lambda: client.get("/dashboard/").status_code == 200 and session_keys(redis_server),
                 "the site did not put sessions in Redis again")
        assert "reachable again" in cache_log[-1].getMessage()
        assert sign_in(newcomer, learner).status_code == 302
        assert client.get("/health/").json()["checks"]["cache"]["ok"] is True


# --- Redis that hangs -------------------------------------------------------------------------
def test_a_redis_that_accepts_and_never_answers_costs_one_timeout_then_is_skipped(
    learner_client, learner, start, cache_log,
):
    session = start(learner)
    items = list(session.items.order_by("position"))
    hanging = HangingServer()
    try:
        with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{hanging.port}/0", cool_down=60)):
            began = time.monotonic()
            response = learner_client.get(f"/sessions/{session.pk}/q/1/")
            assert response.status_code == 200
            assert time.monotonic() - began < 5  # one socket timeout, far from gunicorn's 60 s
            asked = hanging.received
            assert asked > 0

            began = time.monotonic()
            assert [answer(learner_client, item).status_code for item in items[:3]] == [302, 302, 302]
            assert learner_client.get("/dashboard/").status_code == 200
            assert time.monotonic() - began < 5
            assert hanging.received == asked  # skipped while the breaker is open: not asked, not waited for
            assert answered(session) == 3
    finally:
        hanging.stop()
    [warning] = cache_log
    assert "TimeoutError" in warning.getMessage()


@pytest.mark.slow
def test_a_learner_who_signs_out_while_redis_hangs_stays_signed_out_when_it_answers_again(client, learner, redis_server):
    # Paused, Redis keeps its data: the session the sign-out could not delete from it would come back.
    with override_settings(CACHES=redis_cache(redis_server.url, cool_down=2)):
        assert sign_in(client, learner).status_code == 302
        assert client.get("/dashboard/").status_code == 200 and session_keys(redis_server)
        stolen = client.cookies[settings.SESSION_COOKIE_NAME].value

        redis_server.pause()
        assert client.get("/dashboard/").status_code == 200  # one timeout, then from the database
        assert client.post("/accounts/logout/").status_code == 302
        redis_server.resume()
        wait_for(lambda: Client().get("/health/").json()["checks"]["cache"]["ok"], "Redis was not used again")

        thief = Client()
        thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
        response = thief.get("/dashboard/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert session_keys(redis_server) == []


# --- What fails open, what fails closed -------------------------------------------------------
def test_sign_in_is_refused_with_the_reason_while_the_cache_is_down(client, learner):
    with override_settings(CACHES=refused_cache()):
        response = sign_in(client, learner)
        assert response.status_code == 503
        assert SIGN_IN_PAUSED in response.content.decode()
        assert client.get("/dashboard/").status_code == 302
        assert client.get("/accounts/login/").status_code == 200  # the page itself still shows


def test_answers_and_reports_go_through_without_the_cache_to_count_them(learner_client, learner, start, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "1/60", "feedback": "1/3600"}
    session = start(learner)
    items = list(session.items.order_by("position"))
    with override_settings(CACHES=refused_cache()):
        assert [answer(learner_client, item).status_code for item in items[:3]] == [302, 302, 302]
        report = {"kind": "typo", "message": "A typo in the stem."}
        assert [learner_client.post(f"/sessions/{session.pk}/q/{n}/report/", report).status_code
                for n in (1, 2)] == [302, 302]
    assert answered(session) == 3
    assert QuestionFeedback.objects.filter(user=learner).count() == 2


def test_starting_a_generation_job_is_refused_with_the_reason_while_the_cache_is_down(client, moderator, fake_llm):
    from tests.factories import ObjectiveFactory

    objective = ObjectiveFactory()
    client.force_login(moderator)
    data = {"exam": objective.domain.exam_id, "count": 3, "objectives": [objective.pk], "type_single": 1,
            **{f"difficulty_{n}": 1 for n in range(1, 6)}}
    with override_settings(CACHES=refused_cache()):
        response = client.post("/admin/aigen/generationjob/add/", data)
    assert response.status_code == 503
    assert BRIEFLY_UNAVAILABLE in response.content.decode()
    assert not GenerationJob.objects.exists()


def test_health_says_degraded_with_the_cause_and_the_count(client, cache_log):
    with override_settings(CACHES=refused_cache()):
        response = client.get("/health/")
    assert response.status_code == 200
    cache = response.json()["checks"]["cache"]
    assert response.json()["status"] == "degraded"
    assert (cache["ok"], cache["cause"], cache["failures"]) == (False, "ConnectionError", 1)
    assert "127.0.0.1" not in json.dumps(response.json())  # public: the kind of failure, not where


# --- The SQLite cache file (REDIS_URL unset) --------------------------------------------------
def test_an_unusable_cache_file_is_skipped_the_same_way(learner_client, learner, start, tmp_path, cache_log):
    session = start(learner)
    item = session.items.get(position=1)
    # A directory where the file should be: SQLite cannot open it, as with a full or unreadable disk.
    unusable = {"default": {"BACKEND": "pingtopass.cache.SQLiteCache", "LOCATION": str(tmp_path)}}
    with override_settings(CACHES=unusable):
        assert answer(learner_client, item).status_code == 302
        assert learner_client.get(f"/sessions/{session.pk}/q/2/").status_code == 200
        health = learner_client.get("/health/").json()
    assert answered(session) == 1
    assert health["status"] == "degraded" and health["checks"]["cache"]["cause"] == "OperationalError"
    [warning] = cache_log
    assert "cannot be used" in warning.getMessage()


# --- The real thing: gunicorn with REDIS_URL, Redis killed and started again --------------------
WORKERS = 2


ANSWERS = """
import json
from study.models import QuestionFeedback, SessionItem
from tests.answers import correct_post_data
items = SessionItem.objects.filter(session_id={pk}).select_related("question").order_by("position")
print(json.dumps([[item.position, correct_post_data(item)] for item in items]))
"""


class Browser:
    """One visitor's cookies and CSRF token against a live server; redirects reported, not followed."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = None
        if data is not None:
            token = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def sign_in(self, email: str) -> int:
        self.request("/accounts/login/")
        return self.request("/accounts/login/", {"login": email, "password": PASSWORD})[0]


@pytest.fixture
def site(tmp_path, redis_server):
    """gunicorn.conf.py's server, WORKERS workers, REDIS_URL at the test's redis-server, the test
    seed in a SQLite file; yields (base URL, env, path of its log)."""
    # The outage here is a killed Redis (refused at once): generous timeouts keep a busy machine's
    # stall from passing for one.
    env = site_env(tmp_path, workers=WORKERS, drop=("CELERY_",), REDIS_URL=redis_server.url,
                   CELERY_TASK_ALWAYS_EAGER="1", CACHE_COOL_DOWN="1", REDIS_TIMEOUT="5", REDIS_CONNECT_TIMEOUT="5")
    manage(env, "migrate", "-v0")
    manage(env, "seed", "--env", "test")
    manage(env, "shell", "-c", "from tests.factories import UserFactory; UserFactory(email='learner@example.com')")
    with gunicorn_server(env, tmp_path) as (base, log_path):
        yield base, env, log_path


@pytest.mark.slow
def test_under_gunicorn_a_redis_outage_costs_speed_not_the_site(site, redis_server):
    base, env, log_path = site
    learner = Browser(base)
    assert learner.sign_in("learner@example.com") == 302, log_path.read_text()[-3000:]
    status, _, headers = learner.request("/exams/PTP-100/start/", {"mode": "practice", "count": "10",
                                                                    "difficulty_min": "1", "difficulty_max": "5",
                                                                    "source": "all"})
    assert status == 302
    session_pk = int(re.search(r"/sessions/(\d+)/", headers["Location"]).group(1))
    answers = json.loads(manage(env, "shell", "-c", ANSWERS.format(pk=session_pk)).strip().splitlines()[-1])

    def answer_at(position, data):
        return learner.request(f"/sessions/{session_pk}/q/{position}/answer/", data)[0]

    assert answer_at(*answers[0]) == 302
    redis_server.stop()

    statuses = [answer_at(*pair) for pair in answers[1:4]]
    statuses += [learner.request(path)[0] for path in (f"/sessions/{session_pk}/q/5/", "/dashboard/", "/exams/")]
    assert statuses == [302, 302, 302, 200, 200, 200]
    saved = "from study.models import SessionItem; print(SessionItem.objects.exclude(response=None).count())"
    assert manage(env, "shell", "-c", saved).strip().splitlines()[-1] == "4"

    status, body, _ = learner.request("/health/")
    assert status == 200 and json.loads(body)["checks"]["cache"]["ok"] is False

    newcomer = Browser(base)
    assert newcomer.sign_in("learner@example.com") == 503
    assert SIGN_IN_PAUSED in newcomer.request("/accounts/login/", {"login": "learner@example.com",
                                                                   "password": PASSWORD})[1]

    log = log_path.read_text()
    outages = [line for line in log.splitlines() if "unreachable, serving without it" in line]
    assert 1 <= len(outages) <= WORKERS, log[-3000:]  # one per worker process, not one per request
    assert "Internal Server Error" not in log and "Traceback" not in log

    redis_server.start()
    wait_for(lambda: learner.request("/dashboard/")[0] == 200 and session_keys(redis_server),
             "the site did not use Redis again by itself")
    # Each worker tries Redis again once its own cool-down (1 s here) has passed: the worker that
    # served the learner may not be the one a newcomer reaches, so sign-in comes back within it.
    wait_for(lambda: Browser(base).sign_in("learner@example.com") == 302,
             "sign-in did not come back once Redis answered", seconds=5)
