"""A DB-API 2.0 layer over libsql_experimental, shaped like the sqlite3 module Django's backend uses.

libsql_experimental 0.0.55 is not a drop-in sqlite3, and this module fixes that in one place:

- Every database error arrives as ValueError with only a message. Errors are mapped to the PEP 249
  classes by that message; a trigger's ``RAISE(ABORT, '...')`` message, which names no constraint,
  is recognised by reading the triggers' own SQL.
- Only None/int/float/str/bytes bind, and ints beyond 32 bits come back as floats. Dates, times,
  Decimals, UUIDs and buffers are converted the way Django's sqlite3 adapters do, large ints are
  written into the SQL as literals, and lists are accepted as parameter sequences.
- A result set read past its end starts again from the first row; cursors here stop at the end.
- It holds the GIL while SQLite waits for a lock, so a busy timeout inside libSQL would stop the
  thread holding the lock from finishing. Connections use ``busy_timeout = 0`` and wait in Python
  instead (the GIL is released while sleeping), retrying only statements that had no effect.
- There is no implicit BEGIN: ``autocommit = False`` opens a transaction before the next statement.

Embedded replicas (``sync_url``) share one libSQL connection per process and file, serialised by a
lock held for whole transactions, because libSQL syncs the same file the queries read; see
:class:`Replica`.
"""

import contextlib
import datetime
import decimal
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence

import libsql_experimental

logger = logging.getLogger("pingtopass.db.libsql")

apilevel = "2.0"
threadsafety = 1
paramstyle = "qmark"


class Warning(Exception):  # noqa: A001 - the name PEP 249 gives it
    pass


class Error(Exception):
    pass


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


# --- Errors ------------------------------------------------------------------------------------
_CONSTRAINT = re.compile(r"constraint failed|datatype mismatch", re.I)
_LOCKED = re.compile(r"database (table )?is locked|database is busy", re.I)
_TOO_BIG = re.compile(r"too big|too large", re.I)
_CORRUPT = re.compile(r"malformed|file is not a database", re.I)
_MISUSE = re.compile(r"API misuse|column index out of range|Unsupported parameter type", re.I)
_REMOTE = re.compile(
    r"sync error|replication error|write delegation|hrana|connection (reset|refused|closed|aborted)|"
    r"broken pipe|timed out|timeout|error trying to connect|error sending request|tcp connect|"
    r"stream error|unavailable|dns error",
    re.I,
)
_AUTH = re.compile(r"unauthori[sz]ed|forbidden|permission denied|\b40[13]\b|auth", re.I)
_ROLLBACK_TO = re.compile(r"\s*ROLLBACK\s+(TRANSACTION\s+)?TO\b", re.I)
_NO_SUCH_FUNCTION = re.compile(r"no such function: (\w+)", re.I)
_TRIGGER_RAISE = re.compile(r"RAISE\s*\(\s*(?:ABORT|FAIL|ROLLBACK)\s*,\s*'((?:[^']|'')*)'\s*\)", re.I)
# Functions Django's sqlite3 backend registers in Python; libsql_experimental cannot register them.
PYTHON_FUNCTIONS = frozenset({
    "django_date_extract", "django_date_trunc", "django_datetime_cast_date", "django_datetime_cast_time",
    "django_datetime_extract", "django_datetime_trunc", "django_time_extract", "django_time_trunc",
    "django_time_diff", "django_timestamp_diff", "django_format_dtdelta",
    "bitxor", "lpad", "md5", "mod", "rand", "repeat", "rpad", "sha1", "sha224", "sha256", "sha384", "sha512",
    "stddev_pop", "stddev_samp", "var_pop", "var_samp",
})


def is_transient(message: str) -> bool:
    """A network failure talking to the primary that may pass (never a refused token)."""
    return bool(_REMOTE.search(message)) and not _AUTH.search(message)


def _error_class(message: str, trigger_messages: Callable[[], set[str]]) -> type[Error]:
    if _CONSTRAINT.search(message):
        return IntegrityError
    if _LOCKED.search(message) or _REMOTE.search(message):
        return OperationalError
    if _TOO_BIG.search(message):
        return DataError
    if _CORRUPT.search(message):
        return DatabaseError
    if _MISUSE.search(message):
        return InterfaceError
    match = _NO_SUCH_FUNCTION.search(message)
    if match and match.group(1).lower() in PYTHON_FUNCTIONS:
        return NotSupportedError
    if message in trigger_messages():
        return IntegrityError
    return OperationalError


# --- Parameters --------------------------------------------------------------------------------
_INT32 = range(-(2**31), 2**31)
_INT64 = range(-(2**63), 2**63)
# "?" placeholders, skipping string literals, quoted identifiers and comments.
_QMARK_TOKENS = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|--[^\n]*|/\*.*?\*/|\?""", re.S)


def adapt(value, index: int = 0):
    """One parameter as libSQL can bind it; the same text Django's sqlite3 adapters produce."""
    if value is None or isinstance(value, (int, float, str, bytes)):
        return value
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise ProgrammingError(f"Error binding parameter {index}: type {type(value).__name__!r} is not supported")


def bind(sql: str, parameters) -> tuple[str, tuple | None]:
    """The statement and parameters to hand to libSQL.

    Integers outside 32 bits would reach SQLite as floats (losing digits past 2**53), so they
    are written into the statement as literals, which is exact and safe for an int.
    """
    if parameters is None:
        return sql, None
    if isinstance(parameters, (str, bytes)) or not isinstance(parameters, Sequence):
        raise ProgrammingError("parameters must be a sequence (tuple or list)")
    params = tuple(adapt(value, i) for i, value in enumerate(parameters, start=1))
    big = [i for i, v in enumerate(params) if isinstance(v, int) and not isinstance(v, bool) and v not in _INT32]
    if not big:
        return sql, params
    for i in big:
        if params[i] not in _INT64:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
    position = -1
    bound = []

    def substitute(match: re.Match) -> str:
        nonlocal position
        if match.group() != "?":
            return match.group()
        position += 1
        if position >= len(params):
            return "?"
        value = params[position]
        if position in big:
            return str(value) if value >= 0 else f"({value})"
        bound.append(value)
        return "?"

    sql = _QMARK_TOKENS.sub(substitute, sql)
    return sql, tuple(bound)


def _first_word(sql: str) -> str:
    match = re.match(r"\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*(\w+)", sql, re.S)
    return match.group(1).upper() if match else ""


def _changes_rows(sql: str) -> bool:
    return _first_word(sql) in ("INSERT", "UPDATE", "DELETE")


# --- Results -----------------------------------------------------------------------------------
class _Rows:
    """A statement's rows: the first, read when it ran, then the rest from libSQL."""

    def __init__(self, first, raw_cursor):
        self._first = first
        self._raw_cursor = raw_cursor if first is not None else None

    def fetchone(self):
        if self._first is not None:
            row, self._first = self._first, None
            return row
        return self._raw_cursor.fetchone() if self._raw_cursor else None

    def fetchmany(self, size: int):
        if self._first is not None:
            return [self.fetchone(), *self.fetchmany(size - 1)]
        return self._raw_cursor.fetchmany(size) if self._raw_cursor and size > 0 else []

    def fetchall(self):
        first = [self.fetchone()] if self._first is not None else []
        return first + (self._raw_cursor.fetchall() if self._raw_cursor else [])


class _Fetched:
    """Rows read up front (embedded replicas read them while holding the replica lock)."""

    def __init__(self, rows: list):
        self._rows = rows
        self._next = 0

    def fetchone(self):
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchmany(self, size: int):
        rows = self._rows[self._next : self._next + size]
        self._next += len(rows)
        return rows

    def fetchall(self):
        rows = self._rows[self._next :]
        self._next = len(self._rows)
        return rows


class _Result:
    def __init__(self, description, rowcount: int, lastrowid, rows):
        self.description = description or None
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self.rows = rows


class Cursor:
    arraysize = 1

    def __init__(self, connection: "Connection"):
        self.connection = connection
        self._result: _Result | None = None
        self._done = True

    @property
    def description(self):
        return self._result.description if self._result else None

    @property
    def rowcount(self) -> int:
        return self._result.rowcount if self._result else -1

    @property
    def lastrowid(self):
        return self._result.lastrowid if self._result else None

    def execute(self, sql: str, parameters=None):
        self._result = None
        self._result = self.connection._execute(sql, parameters)
        self._done = self._result.description is None
        return self

    def executemany(self, sql: str, seq_of_parameters):
        total = 0
        for parameters in seq_of_parameters:
            self.execute(sql, parameters)
            total += max(self.rowcount, 0)
        if self._result:
            self._result.rowcount = total
        return self

    def fetchone(self):
        if self._done:
            return None
        row = self.connection._fetch(self._result.rows.fetchone)
        if row is None:
            self._done = True
        return row

    def fetchmany(self, size: int | None = None):
        if self._done:
            return []
        size = size or self.arraysize
        rows = self.connection._fetch(lambda: self._result.rows.fetchmany(size))
        if len(rows) < size:
            self._done = True
        return rows

    def fetchall(self):
        if self._done:
            return []
        rows = self.connection._fetch(self._result.rows.fetchall)
        self._done = True
        return rows

    def __iter__(self):
        while (row := self.fetchone()) is not None:
            yield row

    def close(self):
        self._result = None
        self._done = True

    def setinputsizes(self, sizes):
        pass

    def setoutputsize(self, size, column=None):
        pass


# --- Connections -------------------------------------------------------------------------------
class Connection:
    """A local libSQL file."""

    def __init__(self, raw, *, database: str, transaction_mode: str | None = None, timeout: float = 5.0):
        self._raw = raw
        self.database = database
        self.transaction_mode = transaction_mode
        self.timeout = timeout
        self.autocommit = True
        self.sqlite_version_info = tuple(int(part) for part in self._raw_query("SELECT sqlite_version()")[0][0].split("."))

    @property
    def in_transaction(self) -> bool:
        return self._raw.in_transaction

    def cursor(self, factory: Callable[["Connection"], Cursor] | None = None) -> Cursor:
        return (factory or Cursor)(self)

    def execute(self, sql: str, parameters=None) -> Cursor:
        return self.cursor().execute(sql, parameters)

    def commit(self):
        if self.in_transaction:
            self._execute("COMMIT", None)

    def rollback(self):
        if self.in_transaction:
            self._execute("ROLLBACK", None)

    def close(self):
        self._raw.close()

    # Everything below runs statements; subclasses wrap it (see ReplicaConnection).
    def _execute(self, sql: str, parameters) -> _Result:
        sql, params = bind(sql, parameters)
        if not self.autocommit and not self.in_transaction and _first_word(sql) not in ("BEGIN", "COMMIT", "END", "ROLLBACK"):
            self._run(f"BEGIN {self.transaction_mode or ''}".strip(), None)
        raw_cursor, first_row = self._run(sql, params)
        description = raw_cursor.description
        # libSQL counts the changes of a statement returning rows before it has run.
        rowcount = raw_cursor.rowcount if _changes_rows(sql) and not description else -1
        return _Result(description, rowcount, raw_cursor.lastrowid, _Rows(first_row, raw_cursor))

    def _run(self, sql: str, params):
        """Run one statement, waiting (GIL released) while another connection holds the lock."""
        # A statement refused for a lock changed nothing when it ran outside a transaction (or
        # was the COMMIT itself), so running it again is safe.
        safe = not self.in_transaction or _first_word(sql) in ("COMMIT", "END")

        def run():
            raw_cursor = self._raw.cursor()
            raw_cursor.execute(sql, params)
            # libSQL runs a statement that returns rows (a SELECT, an INSERT ... RETURNING) only
            # when its first row is read, so that is where its lock or constraint errors appear.
            return raw_cursor, raw_cursor.fetchone() if raw_cursor.description else None

        try:
            return _waiting_for_locks(run, timeout=self._lock_wait_left() if safe else 0)
        except ValueError as exc:
            raise self._error(str(exc)) from exc

    def _lock_wait_left(self) -> float:
        """Seconds a statement may still wait for another connection's lock."""
        return self.timeout

    def _fetch(self, fetch: Callable):
        try:
            return fetch()
        except ValueError as exc:
            raise self._error(str(exc)) from exc

    def _error(self, message: str) -> Error:
        return _error_class(message, self._current_trigger_messages)(message)

    def _raw_query(self, sql: str) -> list:
        return self._raw.cursor().execute(sql).fetchall()

    def _current_trigger_messages(self) -> set[str]:
        # Read when an error needs classifying (rarely), from sqlite_master: a replica would
        # forward PRAGMA schema_version to the primary.
        try:
            rows = self._raw_query("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
        except ValueError:
            return set()
        return {message.replace("''", "'") for (sql,) in rows for message in _TRIGGER_RAISE.findall(sql or "")}


def _waiting_for_locks(operation: Callable, *, timeout: float):
    """Run ``operation`` again while SQLite says another connection holds the lock."""
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        try:
            return operation()
        except ValueError as exc:
            if not _LOCKED.search(str(exc)) or time.monotonic() >= deadline:
                raise
            time.sleep(min(0.001 * 2**attempt, 0.05))
            attempt += 1


def _retry(operation: Callable, *, what: str, attempts: int, backoff: float):
    """Run a remote operation that is safe to repeat, backing off between transient failures."""
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except ValueError as exc:
            message = str(exc)
            if not is_transient(message) or attempt == attempts:
                raise OperationalError(f"{what} failed after {attempt} attempt(s): {message}") from exc
            delay = backoff * 2 ** (attempt - 1)
            logger.warning("%s failed (attempt %d of %d), retrying in %.1fs: %s", what, attempt, attempts, delay, message)
            time.sleep(delay)


class Replica:
    """A Turso embedded replica: one local file kept in sync with the primary.

    libSQL applies the primary's changes to the same file the queries read, so each process keeps
    one connection per replica file, and every statement, transaction and sync takes this
    replica's lock. Reads are served from the local file, so only opening and syncing talk to the
    primary on their own, and those are retried. Writes (and the transactions holding them) are
    forwarded by libSQL to the primary and never retried: a write that failed on the way back may
    have been applied.
    """

    _registry: dict[tuple, "Replica"] = {}
    _registry_lock = threading.Lock()

    def __init__(self, raw, *, database: str, sync_url: str, sync_interval: float | None = None,
                 remote_retries: int = 3, remote_backoff: float = 0.5):
        self.raw = raw
        self.database = database
        self.sync_url = sync_url
        self.sync_interval = sync_interval
        self.remote_retries = remote_retries
        self.remote_backoff = remote_backoff
        self.lock = threading.RLock()
        self.last_sync = 0.0

    @classmethod
    def open(cls, *, database: str, sync_url: str, auth_token: str, encryption_key: str | None = None,
             **options) -> "Replica":
        """Open the file and sync it once; raises OperationalError if the primary stays unreachable."""
        kwargs = {"sync_url": sync_url, "auth_token": auth_token, "isolation_level": None}
        if encryption_key:
            kwargs["encryption_key"] = encryption_key
        attempts, backoff = options.get("remote_retries", 3), options.get("remote_backoff", 0.5)
        raw = _retry(
            lambda: libsql_experimental.connect(database, **kwargs),
            what=f"Opening the libSQL embedded replica {database} of {sync_url}", attempts=attempts, backoff=backoff,
        )
        replica = cls(raw, database=database, sync_url=sync_url, **options)
        replica.sync()
        return replica

    @classmethod
    def for_file(cls, **options) -> "Replica":
        """This process's replica of the file, opened on first use."""
        # A forked child must not reuse its parent's connection (its runtime did not survive the fork).
        key = (os.getpid(), os.path.abspath(options["database"]), options["sync_url"])
        with cls._registry_lock:
            if key not in cls._registry:
                cls._registry[key] = cls.open(**options)
            return cls._registry[key]

    def sync(self):
        """Pull the primary's changes now; raises OperationalError once the retries are spent."""
        with self.lock:
            self.last_sync = time.monotonic()
            _retry(self.raw.sync, what=f"Syncing the libSQL embedded replica {self.database} from {self.sync_url}",
                   attempts=self.remote_retries, backoff=self.remote_backoff)

    def sync_if_due(self):
        """Sync when the interval has passed; on failure keep serving the last synced data."""
        if self.sync_interval is None or time.monotonic() - self.last_sync < self.sync_interval:
            return
        try:
            self.sync()
        except OperationalError as exc:
            logger.warning("Serving the last synced data: %s", exc)


class ReplicaConnection(Connection):
    """One thread's view of a process-wide :class:`Replica`."""

    def __init__(self, replica: Replica, *, transaction_mode: str | None = None, timeout: float = 5.0):
        self._replica = replica
        self._holds_transaction = False
        self._began = False
        self._queued = 0.0  # seconds the statement running waited for the replica's lock
        self.timeout = timeout
        with self._locked():
            super().__init__(replica.raw, database=replica.database, transaction_mode=transaction_mode, timeout=timeout)

    @property
    def in_transaction(self) -> bool:
        # libSQL forwards a transaction to the primary; whether its local flag follows that could
        # not be checked here, so a BEGIN seen on this connection counts too.
        return self._began or self._raw.in_transaction

    def close(self):
        # The libSQL connection belongs to the process; only this thread's transaction ends here.
        if self._holds_transaction:
            self.rollback()

    @contextlib.contextmanager
    def _locked(self):
        started = time.monotonic()
        if not self._replica.lock.acquire(timeout=self.timeout):
            raise OperationalError("database is locked: another thread kept the libSQL replica in a transaction")
        self._queued = time.monotonic() - started
        try:
            yield
        finally:
            self._replica.lock.release()

    def _execute(self, sql: str, parameters) -> _Result:
        with self._locked():
            if not self._holds_transaction:
                self._replica.sync_if_due()
            word = _first_word(sql)
            try:
                result = super()._execute(sql, parameters)
                result.rows = _Fetched(self._fetch(result.rows.fetchall) if result.description else [])
                self._began = self._began or word == "BEGIN"
                return result
            finally:
                if word in ("COMMIT", "END") or (word == "ROLLBACK" and not _ROLLBACK_TO.match(sql)):
                    self._began = False
                self._hold_lock_while_in_transaction()

    def _lock_wait_left(self) -> float:
        # The wait for the replica's lock and then for SQLite's share one timeout, as in the
        # SQLite backend's writers' queue.
        return max(self.timeout - self._queued, 0.0)

    def _hold_lock_while_in_transaction(self):
        """Keep the replica to this thread from BEGIN to COMMIT/ROLLBACK."""
        in_transaction = self.in_transaction
        if in_transaction and not self._holds_transaction:
            self._replica.lock.acquire()
            self._holds_transaction = True
        elif not in_transaction and self._holds_transaction:
            self._replica.lock.release()
            self._holds_transaction = False


def connect(database: str, *, transaction_mode: str | None = None, timeout: float = 5.0, sync_url: str | None = None,
            auth_token: str = "", sync_interval: float | None = None, encryption_key: str | None = None,
            remote_retries: int = 3, remote_backoff: float = 0.5) -> Connection:
    """Open a local libSQL file, or (with ``sync_url``) this process's embedded replica of it."""
    if sync_url:
        replica = Replica.for_file(
            database=database, sync_url=sync_url, auth_token=auth_token, sync_interval=sync_interval,
            encryption_key=encryption_key, remote_retries=remote_retries, remote_backoff=remote_backoff,
        )
        return ReplicaConnection(replica, transaction_mode=transaction_mode, timeout=timeout)
    kwargs = {"encryption_key": encryption_key} if encryption_key else {}
    try:
        raw = _waiting_for_locks(
            lambda: libsql_experimental.connect(database, isolation_level=None, **kwargs), timeout=timeout
        )
    except ValueError as exc:
        raise OperationalError(f"unable to open libSQL database {database}: {exc}") from exc
    raw.cursor().execute("PRAGMA busy_timeout = 0")
    return Connection(raw, database=database, transaction_mode=transaction_mode, timeout=timeout)
