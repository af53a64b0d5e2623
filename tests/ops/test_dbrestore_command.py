"""manage.py dbrestore: refuses a backup taken by another version of the app unless --force, finds
the latest backup compressed or not, and checks what it restored against the manifest."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import User
from ops.services import backup_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_refuses_a_backup_from_another_app_version(backup_dir, settings):
    UserFactory(email="kept@example.com")
    settings.APP_VERSION = "v1.4.0"
    name = backup_create()
    UserFactory(email="added-later@example.com")
    settings.APP_VERSION = "v1.5.0"

    with pytest.raises(CommandError) as refused:
        call_command("dbrestore", "--noinput", "--quiet", "-i", name)

    message = str(refused.value)
    assert "taken by app version v1.4.0, and this is v1.5.0" in message and "--force" in message
    assert User.objects.filter(email="added-later@example.com").exists()  # nothing was restored


def test_it_restores_a_backup_from_another_app_version_when_forced(backup_dir, settings):
    UserFactory(email="kept@example.com")
    settings.APP_VERSION = "v1.4.0"
    name = backup_create()
    UserFactory(email="added-later@example.com")
    settings.APP_VERSION = "v1.5.0"
    out, err = StringIO(), StringIO()

    call_command("dbrestore", "--noinput", "--quiet", "--force", "-i", name, stdout=out, stderr=err)

    assert "Restoring anyway (--force)" in err.getvalue()
    assert set(User.objects.values_list("email", flat=True)) == {"kept@example.com"}


def test_it_refuses_a_backup_without_a_manifest_unless_forced(backup_dir):
    UserFactory(email="kept@example.com")
    name = backup_create()
    (backup_dir / f"{name}.metadata").unlink()

    with pytest.raises(CommandError, match="has no manifest"):
        call_command("dbrestore", "--noinput", "--quiet", "-i", name)


def test_it_restores_the_latest_backup_when_none_is_named(backup_dir, settings):
    UserFactory(email="kept@example.com")
    name = backup_create()
    UserFactory(email="added-later@example.com")
    out = StringIO()

    call_command("dbrestore", "--noinput", "--quiet", stdout=out)

    assert f"Restored {name}" in out.getvalue()
    assert not User.objects.filter(email="added-later@example.com").exists()


def test_it_says_when_there_is_no_backup_to_restore(backup_dir):
    with pytest.raises(CommandError, match="no backup file available"):
        call_command("dbrestore", "--noinput", "--quiet")


def test_it_fails_loudly_when_the_restored_rows_differ_from_the_manifest(backup_dir):
    UserFactory(email="kept@example.com")
    name = backup_create()
    metadata = backup_dir / f"{name}.metadata"
    manifest = json.loads(metadata.read_text())
    manifest["tables"]["accounts_user"] += 1
    metadata.write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match=r"accounts_user: 1 rows, the backup held 2"):
        call_command("dbrestore", "--noinput", "--quiet", "-i", name)


def test_a_restore_leaves_the_other_connections_of_the_process_working(backup_dir):
    """On libSQL, the site's other threads keep their connections open through a restore; every
    connection after it, theirs and new ones, reads the restored rows."""
    if connection.settings_dict["ENGINE"] != "pingtopass.db.libsql":
        pytest.skip("about libSQL's file and its -wal, shared by the process's connections")
    UserFactory(email="kept@example.com")
    name = backup_create()
    UserFactory(email="added-later@example.com")
    other_thread = connection.copy()  # as a web server's other thread holds one
    other_thread.ensure_connection()
    try:
        call_command("dbrestore", "--noinput", "--quiet", "-i", name, stdout=StringIO())

        with other_thread.cursor() as cursor:
            cursor.execute("SELECT email FROM accounts_user")
            assert [row[0] for row in cursor.fetchall()] == ["kept@example.com"]
    finally:
        other_thread.close()
    connection.close()
    assert list(User.objects.values_list("email", flat=True)) == ["kept@example.com"]
