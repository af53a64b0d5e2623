"""manage.py deploy: a backup before migrating, the migrations, static files, and the way back;
a failed migration leaves the database as it was and names the backup."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def with_app(settings):
    """Install a test app whose migrations are pending; unapply them afterwards."""
    installed = []

    def install(name: str) -> str:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, f"tests.ops.deploy_apps.{name}"]
        installed.append(f"opsdeploy_{name}")
        return f"opsdeploy_{name}"

    yield install
    for label in installed:
        call_command("migrate", label, "zero", verbosity=0)


def applied(label: str) -> list[str]:
    return sorted(name for app, name in MigrationRecorder(connection).applied_migrations() if app == label)


def tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def deploy(*args) -> str:
    out = StringIO()
    call_command("deploy", "--noinput", "--no-collectstatic", *args, stdout=out)
    return out.getvalue()


def test_it_takes_no_backup_when_there_is_nothing_to_migrate(backup_dir):
    assert deploy() == "No migrations to apply.\n"
    assert not backup_dir.exists() or not any(backup_dir.iterdir())


def test_it_backs_up_migrates_and_prints_the_way_back(backup_dir, with_app):
    label = with_app("ok")

    output = deploy()

    assert applied(label) == ["0001_initial", "0002_note_pinned"]
    [backup] = [p.name for p in backup_dir.iterdir() if not p.name.endswith(".metadata")]
    assert "-pingtopass-predeploy-" in backup and backup.endswith(".sqlite3.gz" if connection.vendor == "sqlite" else ".gz")
    assert f"Backed up the database to {backup}." in output
    assert "2 migrations to apply: opsdeploy_ok.0001_initial, opsdeploy_ok.0002_note_pinned" in output
    assert f"  python manage.py migrate {label} zero\n" in output
    assert f"python manage.py dbrestore --noinput -i {backup}" in output


def test_it_shows_the_plan_without_changing_anything(backup_dir, with_app):
    label = with_app("ok")

    output = deploy("--plan")

    assert output == (f"Migrations to apply:\n  {label}.0001_initial\n  {label}.0002_note_pinned\n"
                      f"To undo them after deploying:\n  python manage.py migrate {label} zero\n")
    assert applied(label) == [] and not backup_dir.exists()


def test_a_failed_migration_leaves_the_database_as_it_was_and_names_the_backup(backup_dir, with_app):
    label = with_app("failing")

    with pytest.raises(CommandError) as failed:
        deploy()

    message = str(failed.value)
    assert "A migration failed (RuntimeError: the data did not fit the new column)." in message
    assert f"The database was migrated back to where it was ({label} zero)." in message
    [backup] = [p.name for p in backup_dir.iterdir() if not p.name.endswith(".metadata")]
    assert f"python manage.py dbrestore --noinput -i {backup}" in message
    assert applied(label) == []
    assert f"{label}_thing" not in tables()


def test_it_refuses_to_migrate_when_the_backup_fails(backup_dir, with_app):
    label = with_app("ok")
    backup_dir.parent.joinpath("backups").write_text("a file where the backup folder should be")

    with pytest.raises(CommandError, match="The backup before migrating failed .*nothing was migrated.*--no-backup"):
        deploy()

    assert applied(label) == []


def test_it_collects_static_files(backup_dir, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    out = StringIO()

    call_command("deploy", "--noinput", stdout=out)

    assert "Collected static files." in out.getvalue()
    assert (settings.STATIC_ROOT / "css").is_dir()
