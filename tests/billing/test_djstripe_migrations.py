"""dj-stripe's real migrations, which the rest of the suite skips (pyproject sets
DJSTRIPE_SKIP_MIGRATIONS=1, so its tables are built straight from its models).

Skipping them is sound only while those models and dj-stripe's migrations agree under our
settings (DJSTRIPE_FOREIGN_KEY_TO_FIELD, DEFAULT_AUTO_FIELD, the user model) and while none of our
migrations depends on them; this checks both, in a subprocess that loads the real migration
modules. Applying them for real takes over a minute on SQLite (README, "Plans and billing"), which
`make setup` does on every fresh database.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.migrations, pytest.mark.once]


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_djstripe_migrations_match_its_models_and_plan_cleanly_with_ours(tmp_path):
    env = {**os.environ, "DJSTRIPE_SKIP_MIGRATIONS": "0", "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}

    check = manage("makemigrations", "--check", "--dry-run", env=env)
    plan = manage("migrate", "--plan", env=env)

    assert check.returncode == 0, check.stdout + check.stderr
    assert plan.returncode == 0, plan.stderr[-3000:]
    planned = [line.strip() for line in plan.stdout.splitlines()]
    djstripe = [name for name in planned if name.startswith("djstripe.")]
    assert djstripe == ["djstripe.0001_initial", "djstripe.0002_2_10", "djstripe.0003_2_11"]
    assert "billing.0001_initial" in planned and "exams.0002_content_triggers" in planned
