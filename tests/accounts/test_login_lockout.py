"""Too many wrong passwords for an account lock its sign-in (allauth's login_failed limit): the
form says so with a 429, and under gunicorn's several workers the limit holds for the whole
server, not for each worker (the cache they count in is shared: pingtopass/cache.py)."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
MISMATCH = "The email address and/or password you specified are not correct."
LOCKED = "Too many failed login attempts. Try again later."


def key_limit() -> int:
    """Failed sign-ins allowed per account: the "N/…/key" part of ACCOUNT_RATE_LIMITS["login_failed"]."""
    (count,) = [rate.split("/")[0] for rate in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
                if rate.endswith("/key")]
    return int(count)


def test_it_answers_429_with_the_form_error_once_an_account_is_locked(client, learner):
    limit = key_limit()
    for _ in range(limit):
        response = client.post("/accounts/login/", {"login": learner.email, "password": "wrong"})
        assert response.status_code == 200 and MISMATCH in response.content.decode()
    response = client.post("/accounts/login/", {"login": learner.email, "password": "wrong"})
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page and 'name="password"' in page  # the form, with its error, not a bare error page

    response = client.post("/accounts/login/", {"login": learner.email, "password": PASSWORD})
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert client.get("/dashboard/").status_code == 302  # still signed out


def test_a_wrong_password_before_the_limit_is_an_ordinary_form_error(client, learner):
    response = client.post("/accounts/login/", {"login": learner.email, "password": "wrong"})
    assert response.status_code == 200 and MISMATCH in response.content.decode()
    assert client.post("/accounts/login/", {"login": learner.email, "password": PASSWORD}).status_code == 302


# --- The real thing: gunicorn with the production configuration, several workers, no Redis -----
WORKERS = 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn.conf.py's server with WORKERS workers on a migrated SQLite file, REDIS_URL unset;
    yields (base URL, email, password) of the one account."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "CACHE_", "RATE_LIMIT"))}
    env.update({
        "DEBUG": "0", "SECRET_KEY": "lockout-" + "k" * 60, "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "STATIC_MANIFEST": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "CACHE_PATH": str(tmp_path / "cache.sqlite3"),
        "DJSTRIPE_SKIP_MIGRATIONS": "1", "LOG_LEVEL": "WARNING", "WEB_CONCURRENCY": str(WORKERS),
        "RATE_LIMIT_LOGIN_FAILED": settings.ACCOUNT_RATE_LIMITS["login_failed"],
        # The per-address limit on sign-in attempts of any kind (30 a minute) stays out of the way,
        # so every refusal below is the failed-password limit's.
        "RATE_LIMIT_LOGIN": "1000/m/ip",
    })
    manage(env, "migrate", "-v0")
    email = "locked@example.com"
    manage(env, "shell", "-c", f"from accounts.models import User; User.objects.create_user(email='{email}', password='{PASSWORD}')")
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "pingtopass.wsgi:application", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/accounts/login/", timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not serve:\n{(tmp_path / 'gunicorn.log').read_text()[-3000:]}")
                time.sleep(0.2)
        yield base, email
    finally:
        server.terminate()
        server.wait(20)
        log.close()


def sign_in(base: str, csrf: tuple[str, str], email: str, password: str) -> tuple[int, str]:
    cookie, token = csrf
    data = urllib.parse.urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=data, headers={"Cookie": f"csrftoken={cookie}"})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a signed-in answer is a 302: report it as it is


def csrf_for(base: str) -> tuple[str, str]:
    with urllib.request.urlopen(f"{base}/accounts/login/", timeout=10) as response:
        cookie = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    return cookie, token


@pytest.mark.slow
def test_forty_wrong_passwords_across_workers_get_only_the_limit_checked(gunicorn):
    base, email = gunicorn
    csrf = csrf_for(base)
    # Four at a time, so every worker takes its share, as an attacker's parallel requests would.
    with ThreadPoolExecutor(WORKERS) as pool:
        answers = list(pool.map(lambda n: sign_in(base, csrf, email, f"guess-{n}"), range(40)))
    checked = [status for status, page in answers if MISMATCH in page]
    locked = [status for status, page in answers if LOCKED in page]
    assert 1 <= len(checked) <= key_limit(), f"{len(checked)} wrong passwords were checked"
    assert len(checked) + len(locked) == 40
    assert set(checked) == {200} and set(locked) == {429}

    status, page = sign_in(base, csrf, email, PASSWORD)
    assert status == 429 and LOCKED in page  # the right password too, while the account is locked
