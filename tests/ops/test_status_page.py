"""/status/ shows the backups beside the database, cache and task queue, in words."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from ops.services import backup_status_record

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr><th scope="row">Backups<span class="small muted status-role">[^<]*</span></th>\s*<td>(.*?)</td>', re.S)


def backups_row(client) -> tuple[int, str]:
    response = client.get("/status/")
    [cell] = ROW.findall(response.content.decode())
    return response.status_code, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()


def test_it_says_when_no_backup_was_taken_yet(client, backup_dir):
    assert backups_row(client) == (200, "Working no backup recorded yet")


def test_it_says_how_old_the_last_good_backup_is(client, backup_dir):
    backup_status_record(ok=True, name="default-pingtopass.sqlite3.gz", now=timezone.now() - timedelta(hours=2, minutes=5))
    assert backups_row(client) == (200, "Working the last good one was taken 2 hours ago")
    assert "Everything is working." in client.get("/status/").content.decode()


def test_it_says_when_the_last_backup_failed(client, backup_dir):
    backup_status_record(ok=True, name="default-pingtopass.sqlite3.gz", now=timezone.now() - timedelta(hours=5))
    backup_status_record(ok=False, error="OSError: disk full", now=datetime(2025, 6, 1, 3, 17, 42, tzinfo=UTC))

    status, cell = backups_row(client)

    assert status == 200  # the site still serves: "degraded"
    assert cell == "Failing the last backup failed, at 2025-06-01 03:17 UTC"
    html = client.get("/status/").content.decode()
    assert "some parts are slow or paused" in html and "disk full" not in html  # the log has the error


def test_it_says_when_the_last_good_backup_is_too_old(client, backup_dir, settings):
    settings.BACKUP_MAX_AGE_HOURS = 26
    backup_status_record(ok=True, name="default-pingtopass.sqlite3.gz", now=timezone.now() - timedelta(hours=30))
    assert backups_row(client) == (200, "Failing the last good one was taken 30 hours ago, too long ago")
