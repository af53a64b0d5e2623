"""A cache in a SQLite file of its own, shared by every process on the machine (REDIS_URL unset).

Without it each gunicorn worker would keep a cache of its own: a rate limit would count per worker
(allauth's five failed sign-ins per account would become five per worker) and invalidating the
catalogue counts or a blueprint would reach only the worker that did it.

Django's database and file caches count or list every entry on each write to cull them, which at
50,000 sessions costs more than the request; here a write touches one row, and culling runs every
CULL_EVERY writes of a process: up to that many expired rows go (through the index on expires),
and when the table holds more than MAX_ENTRIES the rows that would expire soonest go too.

The file is never the site's database, so cache writes never wait in its writers' queue, and it
works the same whatever DATABASE_URL says. Integers are stored as SQLite integers (as Redis does),
so `incr` is one UPDATE, atomic across processes; everything else is pickled.
"""

import itertools
import os
import pickle
import sqlite3
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

FOREVER = float("inf")
# Integers stored as SQLite integers: small enough that adding two of them in SQL cannot overflow
# (SQLite would turn the sum into an inexact float). Larger ones are pickled, and added in Python.
SQL_INTEGER_LIMIT = 2**62
CHUNK = 500  # keys per IN (...): well under SQLite's limit on bound parameters

SCHEMA = """
CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value BLOB NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS cache_expires ON cache (expires);
"""
UPSERT = ("INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) "
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires")


class SQLiteCache(BaseCache):
    pickle_protocol = pickle.HIGHEST_PROTOCOL

    def __init__(self, location, params):
        super().__init__(params)
        self._path = location
        options = params.get("OPTIONS", {})
        self._cull_every = int(options.get("CULL_EVERY", 100))
        self._busy_timeout = float(options.get("BUSY_TIMEOUT", 5.0))
        self._writes = itertools.count(1)
        self._local = threading.local()
        self._inherited = []

    # --- connection -------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            if getattr(local, "connection", None) is not None:
                # Opened before a fork: the parent still uses it. SQLite forbids using (or closing)
                # it in the child, so it is kept out of the collector's reach, never touched again.
                self._inherited.append(local.connection)
            local.connection = self._connect()
            local.pid = os.getpid()
        return local.connection

    def _connect(self) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(self._path, timeout=self._busy_timeout, isolation_level=None)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.executescript(SCHEMA)
        except sqlite3.OperationalError as exc:
            raise sqlite3.OperationalError(f"The cache file {self._path} (CACHE_PATH) cannot be used: {exc}") from exc
        return connection

    def _encode(self, value):
        if type(value) is int and abs(value) < SQL_INTEGER_LIMIT:
            return value
        return pickle.dumps(value, self.pickle_protocol)

    @staticmethod
    def _decode(value):
        return value if type(value) is int else pickle.loads(value)  # noqa: S301 -- our own writes

    def _expires(self, timeout) -> float:
        expires = self.get_backend_timeout(timeout)
        return FOREVER if expires is None else expires

    # --- one key ----------------------------------------------------------------------------
    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = self._connection().execute(
            "SELECT value FROM cache WHERE key = ? AND expires > ?", (key, time.time())).fetchone()
        return default if row is None else self._decode(row[0])

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        self._connection().execute(UPSERT, (key, self._encode(value), self._expires(timeout)))
        self._wrote()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        # One statement: two processes adding the same key at once cannot both succeed.
        cursor = self._connection().execute(
            UPSERT + " WHERE cache.expires <= ?", (key, self._encode(value), self._expires(timeout), time.time()))
        self._wrote()
        return cursor.rowcount == 1

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        cursor = self._connection().execute(
            "UPDATE cache SET expires = ? WHERE key = ? AND expires > ?", (self._expires(timeout), key, time.time()))
        return cursor.rowcount == 1

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._connection().execute("DELETE FROM cache WHERE key = ?", (key,)).rowcount == 1

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = self._connection().execute(
            "SELECT 1 FROM cache WHERE key = ? AND expires > ?", (key, time.time())).fetchone()
        return row is not None

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        connection = self._connection()
        if abs(delta) < SQL_INTEGER_LIMIT:
            rows = connection.execute(
                "UPDATE cache SET value = value + ? WHERE key = ? AND expires > ? "
                "AND typeof(value) = 'integer' AND abs(value) < ? RETURNING value",
                (delta, key, time.time(), SQL_INTEGER_LIMIT)).fetchall()
            if rows:
                return rows[0][0]
        # Not an integer SQLite can add to in place (a float, a pickled big int), or missing:
        # read, add and write under the write lock, so no other process writes in between.
        connection.execute("BEGIN IMMEDIATE")
        try:
            row = connection.execute(
                "SELECT value FROM cache WHERE key = ? AND expires > ?", (key, time.time())).fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = self._decode(row[0]) + delta
            connection.execute("UPDATE cache SET value = ? WHERE key = ?", (self._encode(value), key))
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        return value

    # --- many keys --------------------------------------------------------------------------
    def get_many(self, keys, version=None):
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        found = {}
        connection = self._connection()
        now = time.time()
        batch = list(names)
        for start in range(0, len(batch), CHUNK):
            chunk = batch[start:start + CHUNK]
            rows = connection.execute(
                f"SELECT key, value FROM cache WHERE key IN ({', '.join('?' * len(chunk))}) AND expires > ?",  # noqa: S608
                (*chunk, now))
            found.update((names[name], self._decode(value)) for name, value in rows)
        return found

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        expires = self._expires(timeout)
        rows = [(self.make_and_validate_key(key, version=version), self._encode(value), expires)
                for key, value in data.items()]
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany(UPSERT, rows)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        self._wrote()
        return []

    def delete_many(self, keys, version=None):
        batch = [self.make_and_validate_key(key, version=version) for key in keys]
        connection = self._connection()
        for start in range(0, len(batch), CHUNK):
            chunk = batch[start:start + CHUNK]
            connection.execute(f"DELETE FROM cache WHERE key IN ({', '.join('?' * len(chunk))})", chunk)  # noqa: S608

    def clear(self):
        self._connection().execute("DELETE FROM cache")

    # --- culling ----------------------------------------------------------------------------
    def _wrote(self):
        if next(self._writes) % self._cull_every == 0:
            self._cull()

    def _cull(self):
        """Drop what has expired, a batch at a time, then the soonest to expire beyond MAX_ENTRIES."""
        connection = self._connection()
        connection.execute(
            "DELETE FROM cache WHERE rowid IN (SELECT rowid FROM cache WHERE expires <= ? ORDER BY expires LIMIT ?)",
            (time.time(), self._cull_every))
        (entries,) = connection.execute("SELECT count(*) FROM cache").fetchone()
        if entries > self._max_entries:
            connection.execute(
                "DELETE FROM cache WHERE rowid IN (SELECT rowid FROM cache ORDER BY expires LIMIT ?)",
                (entries - self._max_entries + self._cull_every,))
