"""Every migration of our content apps goes back: each app is migrated to zero (taking what
depends on it with it) and the whole project forward again, on the database the suite runs on
(SQLite, PostgreSQL and libSQL in CI). Data migrations carry their reverse functions.

accounts is left out: going below its first migration unapplies Django's admin, allauth and
dj-stripe's ninety migrations with it, which are not ours to keep reversible and would add minutes
to every run; that its data migrations have a reverse is checked below, with every app's."""

import importlib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations.special import RunPython

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
# Top of the import layers first: each app's dependents are already down when it goes.
CONTENT_APPS = ["growth", "aigen", "billing", "study", "exams"]
OUR_APPS = ["accounts", *CONTENT_APPS]


def applied(app: str) -> set[str]:
    return {name for label, name in MigrationExecutor(connection).loader.applied_migrations if label == app}


def test_our_content_apps_migrate_to_zero_and_forward_again():
    for app in CONTENT_APPS:
        call_command("migrate", app, "zero", verbosity=0)
        assert applied(app) == set(), app
    call_command("migrate", verbosity=0)
    for app in OUR_APPS:
        on_disk = {path.stem for path in (ROOT / app / "migrations").glob("0*.py")}
        assert applied(app) == on_disk, app


@pytest.mark.parametrize("app", OUR_APPS)
def test_every_data_migration_has_a_reverse(app):
    for path in sorted((ROOT / app / "migrations").glob("0*.py")):
        migration = importlib.import_module(f"{app}.migrations.{path.stem}").Migration
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                assert operation.reversible, f"{app}.{path.stem}: a RunPython without a reverse function"
