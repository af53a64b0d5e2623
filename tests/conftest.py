import logging
import os
import shutil
import socket
from io import StringIO
from urllib.parse import urlparse

import pytest

from tests.factories import PASSWORD, UserFactory, pro_subscription

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in a
# thread with a running loop unless told it is safe (it is: the test thread is not async code).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def service_missing(what: str) -> None:
    """Skip a test whose service is missing, or fail it when CI says every service is required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    if not _reachable(url, 6379):
        service_missing(f"Redis at {url}")
    return url


@pytest.fixture
def logged_warnings():
    """logged_warnings("some.logger"): a list that gets the records of WARNING and above the logger
    writes until the test ends."""
    attached = []

    def capture(name: str) -> list[logging.LogRecord]:
        records = []
        handler = logging.Handler(logging.WARNING)
        handler.emit = records.append
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        attached.append((logger, handler))
        return records

    yield capture
    for logger, handler in attached:
        logger.removeHandler(handler)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def learner(db):
    return UserFactory(email="learner@example.com")


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def pro(learner):
    """The learner is on Pro (a real active subscription). Everyone else is on Free, as in
    production, unless a test gives them Pro too (tests.factories.pro_subscription)."""
    return pro_subscription(learner)


def make_user_with_role(role: str, email: str):
    from accounts.services import user_set_role

    user = UserFactory(email=email)
    user_set_role(user=user, role=role)
    return user


@pytest.fixture
def moderator(db):
    return make_user_with_role("moderator", "moderator@example.com")


@pytest.fixture
def admin_user(db):
    return make_user_with_role("admin", "admin@example.com")


# --- Browser (pytest-playwright with Debian's Chromium) --------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is None:
        service_missing(f"Chromium at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def artifacts_dir():
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test-artifacts", "screenshots")
    os.makedirs(path, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user; tests about passwords still exercise the same code paths.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Study fixtures shared by several test packages ------------------------------------------
@pytest.fixture
def test_exam(db):
    """PTP-100 from the test seed: 2 domains (60/40), 8 questions, one or more of every type."""
    from django.core.management import call_command

    from exams.models import Exam

    call_command("seed", "--env", "test", stdout=StringIO())
    return Exam.objects.get(code="PTP-100")


@pytest.fixture
def start(test_exam):
    from study.models import StudySession
    from study.services import SessionRequest, session_start

    def _start(user, mode=StudySession.Mode.PRACTICE, **kwargs):
        request = SessionRequest(mode=mode, count=kwargs.pop("count", 8), **kwargs)
        return session_start(user=user, exam=test_exam, request=request)

    return _start


@pytest.fixture(scope="session", autouse=True)
def _own_cache_file(tmp_path_factory):
    """Without REDIS_URL the cache is a SQLite file (pingtopass/cache.py): each test run gets its
    own, so runs at the same time never clear or count in each other's."""
    from django.conf import settings
    from django.test import override_settings

    caches = {**settings.CACHES, "default": dict(settings.CACHES["default"])}
    if caches["default"]["BACKEND"] == "pingtopass.cache.SQLiteCache":
        caches["default"]["LOCATION"] = str(tmp_path_factory.mktemp("cache") / "cache.sqlite3")
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters and cached pages live in the cache; each test starts clean.
    from django.core.cache import cache

    from billing.entitlements import plan_cache_clear

    cache.clear()
    plan_cache_clear()  # keyed by user id, which a rolled-back test may hand out again
    yield
    cache.clear()


@pytest.fixture
def fake_llm(settings):
    """A scripted OpenAI-compatible server on loopback; generation is configured to use it."""
    from tests.aigen.fake_llm import FakeLLM, configure_generation

    server = FakeLLM().start()
    configure_generation(settings, server)
    yield server
    server.stop()
