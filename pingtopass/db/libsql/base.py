"""libSQL database backend: Django's SQLite backend on libsql_experimental.

Everything SQL is SQLite's (the vendor stays "sqlite", so SQLite-specific migrations and
``as_sqlite()`` SQL apply); what differs is the driver (``dbapi``), the functions Django runs in
Python on SQLite (``functions``, ``compiler``), and embedded replicas of a Turso primary.
"""

import os
import re
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper
from django.utils.asyncio import async_unsafe

from . import dbapi as Database
from .creation import DatabaseCreation
from .features import DatabaseFeatures
from .operations import DatabaseOperations

OPTIONS = {
    "init_command": "PRAGMAs to run on each new connection, separated by ';'",
    "transaction_mode": "DEFERRED, IMMEDIATE or EXCLUSIVE: how atomic blocks BEGIN",
    "timeout": "seconds to wait for another connection's lock",
    "encryption_key": "key of an encrypted libSQL file",
    "sync_url": "the Turso primary this file is an embedded replica of",
    "auth_token": "the token for sync_url",
    "sync_interval": "seconds between syncs from the primary",
    "remote_retries": "attempts at opening or syncing a replica when the network fails",
    "remote_backoff": "seconds before the first retry, doubling after each",
}

FORMAT_QMARK_REGEX = re.compile(r"(?<!%)%s")
PYFORMAT_REGEX = re.compile(r"(?<!%)%\((\w+)\)s")


class CursorWrapper(Database.Cursor):
    """Django's "format" (``%s``) and "pyformat" (``%(name)s``) placeholders to libSQL's qmark.

    Like the sqlite3 backend's SQLiteCursorWrapper; named parameters become positional ones
    because libsql_experimental binds only sequences.
    """

    def execute(self, query, params=None):
        if params is None:
            return super().execute(query)
        query, names = self.convert_query(query, params)
        return super().execute(query, self._ordered(params, names))

    def executemany(self, query, param_list):
        param_list = list(param_list)
        if not param_list:
            return self
        query, names = self.convert_query(query, param_list[0])
        return super().executemany(query, [self._ordered(params, names) for params in param_list])

    @staticmethod
    def convert_query(query, params):
        if not isinstance(params, Mapping):
            return FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%"), None
        names = []

        def placeholder(match):
            names.append(match.group(1))
            return "?"

        return PYFORMAT_REGEX.sub(placeholder, query).replace("%%", "%"), names

    @staticmethod
    def _ordered(params, names):
        return params if names is None else tuple(params[name] for name in names)


class DatabaseWrapper(SQLiteDatabaseWrapper):
    display_name = "libSQL"
    Database = Database
    creation_class = DatabaseCreation
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations
    # "iregex" goes through DatabaseOperations.regex_lookup(): libSQL's REGEXP has no (?i).
    operators = {lookup: sql for lookup, sql in SQLiteDatabaseWrapper.operators.items() if lookup != "iregex"}

    def get_connection_params(self):
        name = self.settings_dict["NAME"]
        where = f"settings.DATABASES[{self.alias!r}]"
        if not name:
            raise ImproperlyConfigured("settings.DATABASES is improperly configured. Please supply the NAME value.")
        name = str(name)
        if name == ":memory:" or "mode=memory" in name:
            raise ImproperlyConfigured(f"{where}: the libSQL backend needs a database file; in-memory databases are not supported.")
        options = dict(self.settings_dict["OPTIONS"])
        if unknown := sorted(set(options) - set(OPTIONS)):
            raise ImproperlyConfigured(f"{where}['OPTIONS'] has unknown keys {unknown}; the libSQL backend reads {sorted(OPTIONS)}.")
        self.init_commands = options.pop("init_command", "").split(";")
        transaction_mode = options.pop("transaction_mode", None)
        if transaction_mode is not None and transaction_mode.upper() not in self.transaction_modes:
            raise ImproperlyConfigured(
                f"{where}['OPTIONS']['transaction_mode'] is improperly configured to '{transaction_mode}'. "
                f"Use one of {', '.join(repr(mode) for mode in sorted(self.transaction_modes))}, or None."
            )
        self.transaction_mode = transaction_mode.upper() if transaction_mode else None
        if options.get("sync_url"):
            self._check_replica_options(where, options)
        self._check_writable(where, name, replica=bool(options.get("sync_url")))
        return {"database": name, "transaction_mode": self.transaction_mode, **options}

    @staticmethod
    def _check_replica_options(where, options):
        if not options.get("auth_token"):
            raise ImproperlyConfigured(
                f"{where}: the embedded replica of {options['sync_url']} needs an auth token. Add "
                "?authToken=<token> to DATABASE_URL (create one with `turso db tokens create <database>`)."
            )
        interval = options.get("sync_interval")
        if interval is not None and not (isinstance(interval, (int, float)) and interval > 0):
            raise ImproperlyConfigured(f"{where}['OPTIONS']['sync_interval'] must be a number of seconds above 0, not {interval!r}.")

    @staticmethod
    def _check_writable(where, path, *, replica):
        what = "embedded replica file (LIBSQL_REPLICA_PATH)" if replica else "libSQL database file"
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise ImproperlyConfigured(f"{where}: the {what} {path} cannot be created: {directory} is not an existing directory.")
        if not os.access(directory, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
            raise ImproperlyConfigured(f"{where}: the {what} {path} is not writable by this process.")

    @async_unsafe
    def get_new_connection(self, conn_params):
        conn = Database.connect(**conn_params)
        # An embedded replica forwards PRAGMAs to the primary, or refuses them.
        if not conn_params.get("sync_url"):
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA legacy_alter_table = OFF")
        for init_command in self.init_commands:
            if init_command := init_command.strip():
                conn.execute(init_command)
        return conn

    def get_database_version(self):
        self.ensure_connection()
        return self.connection.sqlite_version_info

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)

    def _set_autocommit(self, autocommit):
        # libsql_experimental's isolation_level is read-only; the connection begins transactions
        # itself when autocommit is off (dbapi.Connection._execute).
        self.connection.autocommit = autocommit
