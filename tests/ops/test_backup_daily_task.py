"""The daily backup (Celery beat): the database and the uploaded files, retention, and a status
that /health/ reports, failed or stale included."""

import tarfile
from datetime import timedelta

import pytest
from django.utils import timezone

from ops.services import backup_status_record
from ops.tasks import backup_take_daily_task
from tests.factories import UserFactory


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "exhibits").mkdir(parents=True)
    (settings.MEDIA_ROOT / "exhibits" / "topology.png").write_bytes(b"\x89PNG a network diagram")
    return settings.MEDIA_ROOT


def test_it_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["backup-daily"]
    assert entry["task"] == "ops.backup_take_daily"
    assert entry["schedule"].hour == {settings.BACKUP_HOUR_UTC}


@pytest.mark.django_db(transaction=True)
def test_it_backs_up_the_database_and_the_uploads_and_health_says_so(backup_dir, media, client):
    UserFactory()
    name = backup_take_daily_task.apply().get()

    files = sorted(p.name for p in backup_dir.iterdir())
    assert name in files and f"{name}.metadata" in files
    [archive] = [f for f in files if f.endswith(".tar.gz")]
    with tarfile.open(backup_dir / archive) as tar:
        assert tar.extractfile("exhibits/topology.png").read() == b"\x89PNG a network diagram"

    backup = client.get("/health/").json()["checks"]["backup"]
    assert backup["ok"] is True and backup["age_hours"] < 0.1 and backup["last_success_at"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_backup_is_logged_and_makes_health_degraded(backup_dir, settings, tmp_path, client, logged_warnings):
    settings.MEDIA_ROOT = tmp_path / "not-a-folder"
    settings.MEDIA_ROOT.write_text("a file where the uploads folder should be")
    logged = logged_warnings("pingtopass.ops")

    with pytest.raises(NotADirectoryError):
        backup_take_daily_task.apply()

    assert [r.getMessage() for r in logged] == ["backup failed"]
    body = client.get("/health/").json()
    assert client.get("/health/").status_code == 200
    assert body["status"] == "degraded"
    assert body["checks"]["backup"]["ok"] is False and body["checks"]["backup"]["error"] == "BackupFailed"
    assert "not-a-folder" not in str(body)  # the public page names the kind of failure; the log has the rest


@pytest.mark.django_db
def test_health_reports_a_backup_older_than_allowed_as_stale(backup_dir, settings, client):
    settings.BACKUP_MAX_AGE_HOURS = 26
    backup_status_record(ok=True, name="default-pingtopass-x.sqlite3.gz", now=timezone.now() - timedelta(hours=30))

    body = client.get("/health/").json()

    assert body["status"] == "degraded"
    assert body["checks"]["backup"] | {"latency_ms": 0} == {
        "ok": False, "latency_ms": 0, "error": "BackupStale", "age_hours": 30.0,
        "attempted_at": body["checks"]["backup"]["attempted_at"], "last_success_at": body["checks"]["backup"]["last_success_at"],
    }


@pytest.mark.django_db
def test_health_remembers_the_last_good_backup_after_a_failure(backup_dir, client):
    backup_status_record(ok=True, name="default-pingtopass-x.sqlite3.gz", now=timezone.now() - timedelta(hours=2))
    status = backup_status_record(ok=False, error="OSError: disk full")

    backup = client.get("/health/").json()["checks"]["backup"]

    assert backup["ok"] is False and backup["error"] == "BackupFailed"
    assert backup["last_success_at"] == status["last_success_at"] != status["attempted_at"]


@pytest.mark.django_db
def test_health_is_ok_before_the_first_backup(backup_dir, client):
    body = client.get("/health/").json()
    assert body["status"] == "ok"
    assert body["checks"]["backup"]["ok"] is True and body["checks"]["backup"]["detail"] == "no backup recorded yet"
