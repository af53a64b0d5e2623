"""The manifest of a backup: when it was taken, of which database, by which version of the app, and
how many rows each table held. django-dbbackup stores it in the backup's `.metadata` file, beside
the engine and connector it records itself (DBBACKUP_BACKUP_METADATA_SETTER = backup_metadata)."""

from django.db import connections
from django.utils import timezone

from ops.connectors import database_contents, dumped_contents
from ops.version import app_version

FORMAT = 1


def backup_metadata(metadata: dict) -> dict:
    """What django-dbbackup adds to a backup's metadata: the manifest of the dump just taken."""
    contents = dumped_contents() or {}
    return {
        "manifest": FORMAT,
        "taken_at": timezone.now().isoformat(timespec="seconds"),
        "app_version": app_version(),
        "database": contents.get("database"),
        "vendor": contents.get("vendor"),
        # None when the dump was made by a connector that does not count (not one of ours).
        "tables": contents.get("tables"),
        "migrations": contents.get("migrations"),
    }


def manifest_refusal(metadata: dict | None, filename: str) -> str | None:
    """Why restoring this backup into the running code is unsafe, or None when it is not."""
    if not metadata or "app_version" not in metadata:
        return (
            f"{filename} has no manifest, so nothing says which version of the app took it. Restore it "
            "with --force if you know its tables match this code's migrations."
        )
    if metadata["app_version"] != app_version():
        return (
            f"{filename} was taken by app version {metadata['app_version']}, and this is {app_version()}: its "
            "tables may not match this code's migrations. Restore it with the code of that version (then "
            "deploy this one, which migrates it), or pass --force to restore it here anyway and run "
            "`manage.py migrate` after."
        )
    return None


def manifest_differences(metadata: dict, *, using: str = "default") -> list[str]:
    """Tables whose rows in the database differ in number from the manifest's, in words."""
    expected = metadata.get("tables")
    if expected is None:
        return []
    connection = connections[using]
    with connection.cursor() as cursor:
        found = database_contents(cursor, connection.vendor)["tables"]
    return [
        f"{table}: {found.get(table, 'missing')} rows, the backup held {count}"
        for table, count in sorted(expected.items())
        if found.get(table) != count
    ]
