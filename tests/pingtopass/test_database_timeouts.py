"""PostgreSQL that hangs, or a statement that runs on (issue 28, item 4): settings.py gives the
connection a connect timeout, a statement timeout and TCP keepalives, all under gunicorn's 60 s,
so a worker gives up with an error instead of waiting until it is killed. Each check runs the
settings in a fresh interpreter, as test_settings_from_env.py does."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import _reachable, service_missing
from tests.fault_servers import HangingServer

pytestmark = pytest.mark.once  # scripts/test: the SQLite pass only
ROOT = Path(__file__).resolve().parents[2]

OPTIONS = """
import django, json
django.setup()
from django.conf import settings
print(json.dumps(settings.DATABASES["default"]["OPTIONS"]))
"""

CONNECT = """
import django, json, time
django.setup()
from django.db import connection
from django.db.utils import OperationalError
began = time.monotonic()
try:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        setting = cursor.fetchone()[0]
        cursor.execute("SELECT pg_sleep(20)")
    print(json.dumps({"setting": setting, "error": None}))
except OperationalError as exc:
    print(json.dumps({"error": type(exc).__name__, "message": str(exc), "seconds": time.monotonic() - began}))
"""


def run(script: str, **env) -> dict:
    """What `script` prints last, run with the settings from `env` only; a hang fails the test."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_URL", "DEBUG"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "pingtopass.settings", "SECRET_KEY": "x" * 60, "DEBUG": "1", **env})
    try:
        out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True,
                             check=True, timeout=50)
    except subprocess.TimeoutExpired:
        pytest.fail("still waiting after 50 s: no timeout cut it short")
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_postgres_gets_a_connect_timeout_a_statement_timeout_and_keepalives():
    options = run(OPTIONS, DATABASE_URL="postgres://u:p@db.example:5432/ptp")
    assert options["connect_timeout"] == 5
    assert options["options"] == "-c statement_timeout=30000"
    assert (options["keepalives"], options["keepalives_idle"], options["keepalives_interval"],
            options["keepalives_count"]) == (1, 10, 5, 3)


def test_the_environment_and_the_database_url_can_change_them():
    options = run(OPTIONS, DATABASE_URL="postgres://u:p@db.example:5432/ptp?connect_timeout=9",
                  DATABASE_STATEMENT_TIMEOUT="0")
    assert str(options["connect_timeout"]) == "9"  # the URL's own
    assert "options" not in options  # no limit sent: a long migration, or PgBouncer

    options = run(OPTIONS, DATABASE_URL="postgres://u:p@db.example:5432/ptp", DATABASE_CONNECT_TIMEOUT="2",
                  DATABASE_STATEMENT_TIMEOUT="2.5")
    assert (options["connect_timeout"], options["options"]) == (2, "-c statement_timeout=2500")


def test_sqlite_is_left_as_it_was():
    options = run(OPTIONS)
    assert "connect_timeout" not in options and "options" not in options


@pytest.mark.slow
def test_a_postgres_that_accepts_and_never_answers_fails_within_the_connect_timeout():
    hanging = HangingServer()
    try:
        result = run(CONNECT, DATABASE_URL=f"postgres://postgres@127.0.0.1:{hanging.port}/pingtopass",
                     DATABASE_CONNECT_TIMEOUT="2")
    finally:
        hanging.stop()
    assert hanging.received > 0  # it was really asked
    assert result["error"] == "OperationalError"
    assert result["seconds"] < 10  # about the connect timeout, not a worker held until gunicorn's 60 s


@pytest.mark.postgres
@pytest.mark.slow
def test_on_a_real_postgres_a_long_statement_is_cancelled_at_the_statement_timeout():
    url = os.environ.get("POSTGRES_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not _reachable(url, 5432):
        service_missing(f"PostgreSQL at {url}")
    result = run(CONNECT, DATABASE_URL=url, DATABASE_STATEMENT_TIMEOUT="1")
    assert result["error"] == "OperationalError"
    assert "statement timeout" in result["message"]
    assert result["seconds"] < 10  # pg_sleep(20), cancelled after 1 s

    assert run(CONNECT.replace("pg_sleep(20)", "1"), DATABASE_URL=url) == {"setting": "30s", "error": None}
