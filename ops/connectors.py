"""django-dbbackup connectors for our database backends (DBBACKUP_CONNECTOR_MAPPING in settings).

django-dbbackup picks a connector by ENGINE, and ours are custom backends. Each connector here
takes a consistent copy while the site runs and counts the rows of every table *in that copy*,
so the manifest (ops/manifest.py) says exactly what the backup holds:

- SQLite (pingtopass.db.sqlite): SQLite's online backup API over the live connection, never a
  file copy (a live WAL database is the file *and* its -wal, changing underneath). Restored the
  same way in reverse, through the live connection, so the WAL and other processes' connections
  stay coherent (and an in-memory test database can be restored at all).
- libSQL, a local file (pingtopass.db.libsql): `VACUUM INTO` through libSQL's own connection.
  Restored through libSQL's connection too: the backup is attached, and in one transaction every
  table is dropped and made again from the backup's schema and rows. Never through Python's
  sqlite3 on the live file: two SQLite libraries in one process do not see each other's POSIX
  locks, so the one that closes last believes it is alone and deletes the -wal and -shm the other
  still maps (every libSQL connection after that fails with "disk I/O error").
- PostgreSQL: pg_dump (custom format) inside an exported repeatable-read snapshot that the row
  counts are read in too; restored with pg_restore --clean in a single transaction.
"""

import contextlib
import os
import shutil
import sqlite3
import tempfile
from contextvars import ContextVar
from tempfile import SpooledTemporaryFile

from dbbackup.db.base import BaseDBConnector
from dbbackup.db.exceptions import DumpError
from dbbackup.db.postgresql import PgDumpBinaryConnector
from django.db import transaction

SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
POSTGRESQL_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"

# What the dump just taken holds, handed to the manifest (ops.manifest.backup_metadata), which
# django-dbbackup calls right after the dump, in the same thread.
_dumped: ContextVar[dict | None] = ContextVar("dumped", default=None)


def dumped_contents() -> dict | None:
    """The tables' row counts and applied migrations of the dump just taken, once."""
    contents = _dumped.get()
    _dumped.set(None)
    return contents


def database_contents(cursor, vendor: str) -> dict:
    """Row counts of every table and the last applied migration of each app, read with a DB-API
    cursor of any of our databases (a live one, or the copy a backup made)."""
    cursor.execute(POSTGRESQL_TABLES if vendor == "postgresql" else SQLITE_TABLES)
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute('SELECT COUNT(*) FROM "{}"'.format(table.replace('"', '""')))  # noqa: S608 -- a table name the database listed
        counts[table] = cursor.fetchone()[0]
    migrations = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = dict(cursor.fetchall())  # the last applied of each app wins
    return {"tables": counts, "migrations": migrations}


def _spooled_copy(path: str) -> SpooledTemporaryFile:
    spooled = SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115 -- handed to the caller, who closes it
    with open(path, "rb") as copy:
        shutil.copyfileobj(copy, spooled)
    spooled.seek(0)
    return spooled


@contextlib.contextmanager
def _scratch_file():
    with tempfile.TemporaryDirectory(prefix="pingtopass-backup-") as directory:
        yield os.path.join(directory, "database.sqlite3")


class _SQLiteFamilyConnector(BaseDBConnector):
    extension = "sqlite3"

    def _copy_into(self, path: str) -> None:
        raise NotImplementedError

    def create_dump(self):
        with _scratch_file() as path:
            self._copy_into(path)
            with contextlib.closing(sqlite3.connect(path)) as copy:
                if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    raise DumpError(f"The copy of database {self.database_name!r} failed SQLite's integrity check.")
                # The live database's journal mode travels with its pages; the copy itself is a
                # single file whatever the mode.
                contents = database_contents(copy.cursor(), "sqlite")
            _dumped.set({"database": self.database_name, "vendor": "sqlite", **contents})
            return _spooled_copy(path)

    def restore_dump(self, dump):
        with _scratch_file() as path:
            with open(path, "wb") as copy:
                shutil.copyfileobj(dump, copy)
            with contextlib.closing(sqlite3.connect(path)) as backup:
                sound = backup.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            if not sound:
                raise DumpError("The backup is not a sound SQLite database (integrity check failed); nothing was restored.")
            self._copy_from(path)

    def _copy_from(self, path: str) -> None:
        raise NotImplementedError


class SQLiteConnector(_SQLiteFamilyConnector):
    """pingtopass.db.sqlite: SQLite's online backup API, both ways, over the live connection."""

    def _copy_into(self, path: str) -> None:
        self.connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(path)) as copy:
            self.connection.connection.backup(copy)

    def _copy_from(self, path: str) -> None:
        self.connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(path)) as backup:
            backup.backup(self.connection.connection)


class LibSQLConnector(_SQLiteFamilyConnector):
    """pingtopass.db.libsql on a local file. An embedded replica of a Turso database is a cache of
    the primary, which is what to back up (Turso keeps point-in-time copies of it)."""

    def _refuse_replica(self) -> None:
        if self.connection.settings_dict["OPTIONS"].get("sync_url"):
            raise DumpError(
                "This database is an embedded replica of a Turso database: back up the primary instead "
                "(Turso's point-in-time restore, or `turso db shell <database> .dump`)."
            )
        if self.connection.settings_dict["OPTIONS"].get("encryption_key"):
            raise DumpError("An encrypted libSQL file cannot be backed up through SQLite: copy it with the site stopped.")

    def _copy_into(self, path: str) -> None:
        self._refuse_replica()
        with self.connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [path])

    def _copy_from(self, path: str) -> None:
        self._refuse_replica()
        with self.connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: set before it
            cursor.execute("ATTACH DATABASE %s AS backup", [path])
            try:
                with transaction.atomic(using=self.connection.alias):
                    _replace_main_with_backup(cursor)
            finally:
                cursor.execute("DETACH DATABASE backup")
                cursor.execute("PRAGMA foreign_keys = ON")


def _quoted(name: str) -> str:
    return '"{}"'.format(name.replace('"', '""'))


def _replace_main_with_backup(cursor) -> None:
    """Every table, index, view and trigger of `main` replaced by the attached `backup`'s: tables
    made and filled first, then their indexes, views and triggers (so no trigger fires on the
    copy). The backup is a copy of this same kind of database, so its CREATE statements run as is."""
    cursor.execute(  # not SQLite's own tables (sqlite_sequence, ...)
        "SELECT type, name FROM main.sqlite_master WHERE type IN ('view', 'table') "
        "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type DESC"
    )
    for kind, name in cursor.fetchall():
        cursor.execute(f"DROP {kind.upper()} main.{_quoted(name)}")
    cursor.execute(
        "SELECT type = 'table', name, sql FROM backup.sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
        "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid"
    )
    for is_table, name, sql in cursor.fetchall():
        cursor.execute(sql)
        if is_table:
            cursor.execute(f"INSERT INTO main.{_quoted(name)} SELECT * FROM backup.{_quoted(name)}")  # noqa: S608 -- names the backup listed
    cursor.execute("SELECT 1 FROM backup.sqlite_master WHERE name = 'sqlite_sequence'")
    if cursor.fetchone():  # AUTOINCREMENT counters, so ids after the restore follow the backup's
        cursor.execute("DELETE FROM main.sqlite_sequence")
        cursor.execute("INSERT INTO main.sqlite_sequence SELECT * FROM backup.sqlite_sequence")


class PostgreSQLConnector(PgDumpBinaryConnector):
    """pg_dump in the snapshot the row counts are read in; pg_restore --clean, all or nothing.
    Owners and grants are left out, so a backup restores into a database of another role."""

    pg_options = "--no-owner --no-privileges"

    def _create_dump(self):
        raw = self.connection.get_new_connection(self.connection.get_connection_params())
        try:
            raw.autocommit = True  # the transaction below is ours, at the isolation level it needs
            with raw.cursor() as cursor:
                cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute("SET LOCAL statement_timeout = 0")  # counting a large table takes its time
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                contents = database_contents(cursor, "postgresql")
                self.dump_suffix = f"--no-owner --no-privileges --snapshot={snapshot}"
                dump = super()._create_dump()
        finally:
            raw.close()
        _dumped.set({"database": self.database_name, "vendor": "postgresql", **contents})
        return dump
