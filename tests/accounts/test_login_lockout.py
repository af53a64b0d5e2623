"""Too many wrong passwords for an account lock its sign-in (allauth's login_failed limit): the
form says so with a 429, and under gunicorn's several workers the limit holds for the whole
server, not for each worker (the cache they count in is shared: pingtopass/cache.py)."""

import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from tests.conftest import PASSWORD
from tests.servers import NoRedirect, gunicorn_server, manage, site_env

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


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn.conf.py's server with WORKERS workers on a migrated SQLite file, REDIS_URL unset;
    yields (base URL, email) of the one account."""
    env = site_env(
        tmp_path, workers=WORKERS, drop=("RATE_LIMIT",), CACHE_PATH=str(tmp_path / "cache.sqlite3"),
        RATE_LIMIT_LOGIN_FAILED=settings.ACCOUNT_RATE_LIMITS["login_failed"],
        # The per-address limit on sign-in attempts of any kind (30 a minute) stays out of the way,
        # so every refusal below is the failed-password limit's.
        RATE_LIMIT_LOGIN="1000/m/ip",
    )
    manage(env, "migrate", "-v0")
    email = "locked@example.com"
    manage(env, "shell", "-c", f"from accounts.models import User; User.objects.create_user(email='{email}', password='{PASSWORD}')")
    with gunicorn_server(env, tmp_path) as (base, _):
        yield base, email


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
