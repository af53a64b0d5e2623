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

Both caches the site runs on (this file, or Redis with REDIS_URL) fail soft (FailSoft below): the
cache is a cache, and sessions are in the database too (cached_db), so an unusable cache costs
speed, never the site.
"""

import itertools
import logging
import math
import os
import pickle
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger("pingtopass.cache")

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


class SQLiteFileCache(BaseCache):
    """The cache file itself: an error of the file (locked past BUSY_TIMEOUT, disk full, unreadable)
    raises. The site uses SQLiteCache, below, which serves without it instead."""

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
        self._delete_made_keys([self.make_and_validate_key(key, version=version) for key in keys])

    def _delete_made_keys(self, batch: list[str]) -> None:
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


# --- failing soft ---------------------------------------------------------------------------
class CacheUnavailable(Exception):
    """The cache cannot be reached. Only `incr` raises it, having no honest answer without the
    cache; every other operation answers as an empty cache that keeps nothing would."""


class Breaker:
    """Whether a cache is worth asking, for this process (its threads share one per cache).

    After a failure the cache is skipped for `cool_down` seconds, so a Redis that hangs costs one
    socket timeout per cool-down rather than one per request; then the first operation tries it
    again, and one that succeeds closes the breaker. An outage is logged at its first failure and
    then at most once per `log_interval`, with how many operations failed since; its end is logged
    too. The counts go to /health/.

    Keys whose write or delete never reached the cache are remembered (up to MAX_LOST) and deleted
    before anything else once it answers: a cache that kept its data through the outage (a network
    cut, a hang) would otherwise serve what they replaced, such as the session of a learner who
    signed out meanwhile (cached_db deleted it from the database only)."""

    MAX_LOST = 20_000

    def __init__(self, name: str, *, cool_down: float, log_interval: float):
        self.name = name
        self.cool_down = cool_down
        self.log_interval = log_interval
        self.failures = 0  # operations that failed, since the process started
        self.skipped = 0  # operations not tried while the breaker was open
        self.error = ""  # the last failure, its kind and message (for the log, not for /health/)
        self.error_kind = ""
        self.lost: set[str] = set()
        self._untracked = 0  # lost keys beyond MAX_LOST
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._reported_at = -math.inf
        self._unreported = 0
        self._outage_reported = False
        self._lock = threading.Lock()

    @property
    def closed(self) -> bool:
        return self._down_since is None

    def allow(self) -> bool:
        """May an operation use the cache now? Always while closed; while open, only the first
        operation after each cool-down."""
        if self._down_since is None:
            return True
        with self._lock:
            now = time.monotonic()
            if self._down_since is None:
                return True
            if now < self._retry_at:
                self.skipped += 1
                return False
            self._retry_at = now + self.cool_down  # the others skip while this one tries
            return True

    def failed(self, exc: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self.failures += 1
            self._unreported += 1
            if self._down_since is None:
                self._down_since = now
            self._retry_at = now + self.cool_down
            self.error_kind = type(exc).__name__
            self.error = f"{self.error_kind}: {exc}"
            report = now - self._reported_at >= self.log_interval
            if report:
                self._reported_at, self._outage_reported = now, True
                count, self._unreported = self._unreported, 0
        if report:
            logger.warning(
                "Cache %s unreachable, serving without it and trying again every %g s: %s "
                "(%d failed operation%s since the last report)",
                self.name, self.cool_down, self.error, count, "" if count == 1 else "s",
            )

    def succeeded(self) -> None:
        if self._down_since is None:
            return
        with self._lock:
            if self._down_since is None:
                return
            down_for, self._down_since = time.monotonic() - self._down_since, None
            reported, self._outage_reported = self._outage_reported, False
            untracked, self._untracked = self._untracked, 0
        if reported:
            logger.warning("Cache %s reachable again after %.1f s: in use again", self.name, down_for)
        if untracked:
            logger.warning(
                "Cache %s: %d writes made during the outage were not tracked (past %d keys); entries "
                "they replaced may be served until they expire", self.name, untracked, self.MAX_LOST,
            )

    def lose(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                if len(self.lost) < self.MAX_LOST:
                    self.lost.add(key)
                else:
                    self._untracked += 1

    def forget(self, keys: Iterable[str]) -> None:
        with self._lock:
            self.lost.difference_update(keys)

    def report(self) -> dict:
        """For /health/, which is public: counts and the kind of the last failure, no message."""
        with self._lock:
            report = {"failures": self.failures, "skipped": self.skipped}
            if self._down_since is not None:
                report.update(cause=self.error_kind, retry_in_s=round(max(0.0, self._retry_at - time.monotonic()), 1))
            return report


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker(name: str, *, cool_down: float, log_interval: float) -> Breaker:
    # Django makes a cache object per thread: the breaker is per process, shared by its threads.
    with _breakers_lock:
        if name not in _breakers:
            _breakers[name] = Breaker(name, cool_down=cool_down, log_interval=log_interval)
        return _breakers[name]


def cache_reachable(cache) -> bool:
    """For what must fail closed without the cache: False while its breaker is open, or when a
    round trip to it fails now. A cache without a breaker is taken as reachable."""
    breaker = getattr(cache, "breaker", None)
    if breaker is None:
        return True
    cache.has_key("cache-reachable")  # a real round trip, or skipped while the breaker is open
    return breaker.closed


_UNAVAILABLE = object()


class FailSoft:
    """Mixed in before a cache backend: when the backend raises one of `unavailable` (or its
    breaker is open) an operation answers as an empty cache would: a miss, a write that kept
    nothing, and `add` False, so nobody believes they took a lock they did not. `incr` raises
    CacheUnavailable, for its caller to decide (pingtopass/ratelimit.py).

    OPTIONS: COOL_DOWN, seconds a process skips the cache after a failure (default 5), and
    LOG_INTERVAL, seconds between reports of one outage (default 30)."""

    unavailable: tuple[type[Exception], ...] = ()

    def __init__(self, location, params):
        options = dict(params.get("OPTIONS", {}))
        cool_down = float(options.pop("COOL_DOWN", 5))
        log_interval = float(options.pop("LOG_INTERVAL", 30))
        super().__init__(location, {**params, "OPTIONS": options})
        # The name goes to the log: a password in a Redis URL does not.
        name = f"{type(self).__name__} {re.sub(r'//[^@/]*@', '//', str(location))}"
        self.breaker = _breaker(name, cool_down=cool_down, log_interval=log_interval)

    def _attempt(self, operation: Callable, *args, soft=None, lost: Callable[[], Iterable[str]] | None = None):
        breaker = self.breaker
        if breaker.allow():
            try:
                if breaker.lost:
                    self._forget_lost()
                result = operation(*args)
            except self.unavailable as exc:
                breaker.failed(exc)
            else:
                breaker.succeeded()
                return result
        if lost is not None:
            breaker.lose(lost())
        return soft

    def _forget_lost(self) -> None:
        # _delete_made_keys: the backend's delete of keys already made (prefixed and versioned).
        keys = list(self.breaker.lost)
        self._delete_made_keys(keys)
        self.breaker.forget(keys)

    def get(self, key, default=None, version=None):
        return self._attempt(super().get, key, default, version, soft=default)

    def get_many(self, keys, version=None):
        return self._attempt(super().get_many, keys, version, soft={})

    def has_key(self, key, version=None):
        return self._attempt(super().has_key, key, version, soft=False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._attempt(super().set, key, value, timeout, version, lost=lambda: [self.make_key(key, version)])

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().add, key, value, timeout, version, soft=False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().touch, key, timeout, version, soft=False)

    def delete(self, key, version=None):
        return self._attempt(super().delete, key, version, soft=False, lost=lambda: [self.make_key(key, version)])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().set_many, data, timeout, version, soft=list(data),
                             lost=lambda: [self.make_key(key, version) for key in data])

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._attempt(super().delete_many, keys, version, lost=lambda: [self.make_key(key, version) for key in keys])

    def incr(self, key, delta=1, version=None):
        value = self._attempt(super().incr, key, delta, version, soft=_UNAVAILABLE)
        if value is _UNAVAILABLE:
            raise CacheUnavailable(f"{self.breaker.name}: {self.breaker.error}")
        return value

    def clear(self):
        self._attempt(super().clear)


class SQLiteCache(FailSoft, SQLiteFileCache):
    """The cache file, failing soft: a file locked past BUSY_TIMEOUT, a full disk or an unreadable
    file is skipped like an unreachable Redis."""

    unavailable = (sqlite3.DatabaseError,)


class FailSoftRedisCache(FailSoft, RedisCache):
    """Django's Redis cache, failing soft. settings.py gives it connect and read timeouts well
    under a request's budget: a Redis that hangs is noticed within a second, not at gunicorn's 60."""

    unavailable = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
                   redis.exceptions.ReadOnlyError, redis.exceptions.OutOfMemoryError)

    def __init__(self, server, params):
        super().__init__(server, params)
        # One immediate retry when a connection drops (Redis restarted and closed the pooled
        # ones), none after a timeout: a Redis that hangs costs one socket_timeout, not several.
        self._options.setdefault("retry", Retry(NoBackoff(), 1, supported_errors=(redis.exceptions.ConnectionError,)))

    def _delete_made_keys(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):
            self._cache.delete_many(keys[start:start + 1000])
