"""Settings come from the environment: run a fresh interpreter with given variables and read them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.once  # scripts/test: the SQLite pass only
ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import django, json
django.setup()
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "hosts": settings.ALLOWED_HOSTS,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "email": settings.EMAIL_BACKEND,
    "verification": settings.ACCOUNT_EMAIL_VERIFICATION,
    "ai_model": settings.AI_MODEL,
    "slow_ms": settings.SLOW_REQUEST_MS,
}))
"""


def last_line_printed(script, **env) -> str:
    """What `script` prints last in a fresh interpreter, with the settings from `env` only."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "DEBUG", "AI_", "SLOW"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "pingtopass.settings", **env})
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=clean, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def settings_with(**env):
    return json.loads(last_line_printed(PRINT_SETTINGS, **env))


def test_it_defaults_to_an_sqlite_file_in_wal_mode_with_a_busy_timeout():
    s = settings_with(SECRET_KEY="x" * 60, DEBUG="1")
    assert s["engine"] == "pingtopass.db.sqlite"  # Django's, with a fair queue for writers
    assert s["db_name"].endswith("db.sqlite3")
    assert "journal_mode=WAL" in s["db_options"]["init_command"]
    assert "busy_timeout" in s["db_options"]["init_command"]
    assert s["db_options"]["transaction_mode"] == "IMMEDIATE"


def test_it_runs_tasks_in_process_with_a_cache_file_shared_by_its_processes_without_redis():
    s = settings_with(SECRET_KEY="x" * 60, DEBUG="1")
    assert s["cache"] == "pingtopass.cache.SQLiteCache"  # one per process would count rate limits per worker
    assert s["eager"] is True


KEEPS_ENTRIES = """
import django
django.setup()
from django.core.cache import cache
for n in range(5000):
    cache.set(f"session:{n}", {"_auth_user_id": n})
print(sum(cache.get(f"session:{n}") is not None for n in range(5000)))
"""


def test_the_cache_file_keeps_thousands_of_learners_sessions(tmp_path):
    # Django's own default keeps 300 and then drops a third: sessions went back to the database.
    cache_path = str(tmp_path / "cache.sqlite3")
    assert last_line_printed(KEEPS_ENTRIES, SECRET_KEY="x" * 60, DEBUG="1", CACHE_PATH=cache_path) == "5000"


def test_it_uses_redis_for_cache_and_broker_when_redis_url_is_set():
    s = settings_with(SECRET_KEY="x" * 60, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/3")
    assert s["cache"].endswith("RedisCache")
    assert s["broker"] == "redis://127.0.0.1:6379/3"
    assert s["eager"] is False


def test_it_reads_database_hosts_email_and_ai_settings():
    s = settings_with(
        SECRET_KEY="x" * 60, DEBUG="0", ALLOWED_HOSTS="a.example,b.example",
        DATABASE_URL="postgres://u:p@db.example:5432/ptp", EMAIL_URL="smtp://mail.example:25",
        AI_MODEL="some/model", SLOW_REQUEST_MS="250",
    )
    assert s["hosts"] == ["a.example", "b.example"]
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["db_name"] == "ptp"
    assert s["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["verification"] == "mandatory"
    assert s["ai_model"] == "some/model"
    assert s["slow_ms"] == 250


def test_it_refuses_to_start_in_production_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update({"DJANGO_SETTINGS_MODULE": "pingtopass.settings", "DEBUG": "0"})
    out = subprocess.run([sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode != 0
    assert "SECRET_KEY" in out.stderr


def test_check_deploy_is_clean_with_production_values():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_COOKIE", "CSRF_COOKIE", "DEBUG", "STATIC_MANIFEST", "DJANGO_ALLOW"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "pingtopass.settings", "DEBUG": "0",
        "SECRET_KEY": "p" * 20 + "r0duct10n-s3cr3t-k3y-w1th-v4r13ty-" + "q" * 20,
        "ALLOWED_HOSTS": "pingtopass.example.com",
    })
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
