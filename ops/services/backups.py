"""Taking, pruning and reporting backups: what the daily task and `manage.py deploy` call.

The backups themselves are django-dbbackup's (`dbbackup`, `mediabackup`), made through our
connectors (ops/connectors.py) with a manifest (ops/manifest.py). The status of the last attempt
is a small JSON file beside them in the backup storage, which /health/ reads: it outlives a
restore of the database, and every process of every host sees the same one.
"""

import json
import logging
from datetime import datetime
from io import StringIO

from dbbackup.signals import post_backup
from dbbackup.storage import get_storage
from dbbackup.utils import filename_to_date
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

logger = logging.getLogger("pingtopass.ops")

PREDEPLOY = "predeploy"


def _server_name(*, predeploy: bool) -> str:
    return f"{settings.DBBACKUP_HOSTNAME}-{PREDEPLOY}" if predeploy else settings.DBBACKUP_HOSTNAME


def backup_create(*, predeploy: bool = False) -> str:
    """Back up the database, compressed, with its manifest; return the backup's file name."""
    written: list[str] = []

    def collect(sender, filename, **kwargs):
        written.append(filename)

    post_backup.connect(collect, weak=False)
    try:
        call_command("dbbackup", "--compress", "--noinput", "--quiet", "--servername", _server_name(predeploy=predeploy),
                     stdout=StringIO())
    finally:
        post_backup.disconnect(collect)
    return written[-1]


def backup_media_create() -> str | None:
    """Back up the uploaded files (question exhibits), compressed; None when there are none yet."""
    try:
        default_storage.listdir("")
    except FileNotFoundError:  # MEDIA_ROOT is made by the first upload
        return None
    call_command("mediabackup", "--compress", "--noinput", "--quiet", "--servername", _server_name(predeploy=False),
                 stdout=StringIO())
    return get_storage().get_latest_backup(content_type="media")


def backups_to_keep(names: list[str], *, daily: int, weekly: int, predeploy: int) -> set[str]:
    """Of these backup file names, the ones retention keeps: the newest of each of the last `daily`
    days and `weekly` ISO weeks that have backups, the last `predeploy` taken by a deploy, and the
    newest of all whatever the settings say."""
    dated = sorted(((filename_to_date(name), name) for name in names if filename_to_date(name)), reverse=True)
    keep = {dated[0][1]} if dated else set()
    days: dict = {}
    weeks: dict = {}
    for taken, name in dated:  # newest first: the first seen of a day or week is its newest
        days.setdefault(taken.date(), name)
        weeks.setdefault(taken.isocalendar()[:2], name)
    keep.update(list(days.values())[:daily])
    keep.update(list(weeks.values())[:weekly])
    keep.update([name for _, name in dated if f"-{PREDEPLOY}-" in name][:predeploy])
    return keep


def backup_prune() -> list[str]:
    """Delete the backups (database and media) retention does not keep; return their names."""
    storage = get_storage()
    deleted = []
    for content_type in ("db", "media"):
        names = storage.list_backups(content_type=content_type)
        keep = backups_to_keep(names, daily=settings.BACKUP_KEEP_DAILY, weekly=settings.BACKUP_KEEP_WEEKLY,
                               predeploy=settings.BACKUP_KEEP_PREDEPLOY)
        for name in sorted(set(names) - keep):
            storage.delete_file(name)
            if storage.storage.exists(f"{name}.metadata"):
                storage.delete_file(f"{name}.metadata")
            deleted.append(name)
    return deleted


def backup_status_read() -> dict | None:
    """The last attempt's status as /health/ reads it, or None before the first."""
    storage = get_storage().storage
    try:
        with storage.open(settings.BACKUP_STATUS_FILE) as status:
            return json.load(status)
    except FileNotFoundError:
        return None


def backup_status_record(*, ok: bool, name: str = "", error: str = "", now: datetime | None = None) -> dict:
    """Write the status of a backup attempt for /health/: when, whether it worked, the last good one."""
    now = now or timezone.now()
    previous = backup_status_read() or {}
    status = {
        "ok": ok,
        "attempted_at": now.isoformat(),
        "last_success_at": now.isoformat() if ok else previous.get("last_success_at"),
        "last_success": name if ok else previous.get("last_success", ""),
        "error": "" if ok else error,
    }
    storage = get_storage().storage
    storage.delete(settings.BACKUP_STATUS_FILE)  # a storage saves beside an existing name, never over it
    storage.save(settings.BACKUP_STATUS_FILE, ContentFile(json.dumps(status).encode()))
    return status


def backup_take_daily() -> str:
    """The scheduled backup: the database and the uploaded files, then retention. A failure is
    logged and recorded for /health/, and raised."""
    try:
        name = backup_create()
        if settings.BACKUP_MEDIA:
            backup_media_create()
        deleted = backup_prune()
    except Exception as exc:  # whatever broke, /health/ must say so
        logger.exception("backup failed")
        backup_status_record(ok=False, error=f"{type(exc).__name__}: {exc}")
        raise
    backup_status_record(ok=True, name=name)
    logger.info("backup %s taken; %d old backups pruned", name, len(deleted))
    return name
