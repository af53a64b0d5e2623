"""Django's SQLite backend, with writers queued fairly across threads and processes.

SQLite lets one writer in at a time. A writer that finds the lock taken sleeps in SQLite's busy
handler for 1, 2, 5 ... then 100 ms at a time and retries, and whoever asks at the moment the
lock is free gets it: under steady load a waiting writer can lose that race for seconds while
newcomers pass it (seen in bench/load.py as multi-second p99s with the CPU half idle).

Here every write transaction (``transaction_mode`` IMMEDIATE or EXCLUSIVE) first takes an
exclusive ``flock`` on a lock file beside the database and keeps it until commit or rollback. The
kernel wakes a waiter the moment the lock is released, and Python releases the GIL while it
waits, so writers queue instead of polling. A write statement run in autocommit mode (outside
any transaction) takes its place in the same queue: left to poll, it would starve behind the
queued transactions handing SQLite's lock straight on to each other. SQLite's own lock and busy
timeout stay underneath for anything else (another program).

A writer waits no longer than SQLite's busy timeout in all, in the queue and then for SQLite's own
lock, and then fails with "database is locked" as SQLite would: left unbounded, writers queued
behind a stuck one waited as long as it held on, and then the busy timeout on top. A stuck writer
holds the queue as it would hold SQLite's lock; gunicorn's worker timeout ends such a request, and
the lock goes with the process. In-memory databases have no queue.
"""

import contextlib
import fcntl
import os
import re
import threading
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class QueuedCursorWrapper(base.SQLiteCursorWrapper):
    """Runs a write statement made outside any transaction in the writers' queue."""

    db = None  # the DatabaseWrapper, set by create_cursor

    @contextlib.contextmanager
    def _queued(self, query):
        db = self.db
        if db is None or not db.autocommit or db._queue_held or not _WRITE.match(query):
            yield
            return
        left = db._queue_enter()
        try:
            with db._busy_timeout(left):
                yield
        finally:
            db._queue_leave()

    def execute(self, query, params=None):
        with self._queued(query):
            return super().execute(query, params)

    def executemany(self, query, param_list):
        with self._queued(query):
            return super().executemany(query, param_list)


class _QueueWaiter:
    """A connection's place in the writers' queue when it has to wait, held by a thread of its own:
    the kernel has no timed flock, so the thread blocks in flock while the connection waits for it
    with a timeout. A place given up is kept: the connection's next write takes it over, and if
    none has by the time the turn comes, the thread lets go at once."""

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # its own: a flock belongs to an open file
        self._state = threading.Condition()
        self._wanted = False  # a write waits for the turn
        self._granted = False  # the turn is the waiting write's
        self._closed = False
        threading.Thread(target=self._wait_for_turns, name="sqlite-writers-queue", daemon=True).start()

    def _wait_for_turns(self):
        while True:
            with self._state:
                self._state.wait_for(lambda: self._wanted or self._closed)
                if self._closed:
                    break
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            with self._state:
                if self._wanted and not self._closed:
                    self._wanted, self._granted = False, True
                    self._state.notify_all()
                    continue  # the write holds the lock; it lets go (release)
            fcntl.flock(self.fd, fcntl.LOCK_UN)  # given up on: the next in the queue goes
        os.close(self.fd)

    def take(self, timeout: float) -> bool:
        """True once the lock is the caller's; False if it was not within `timeout` seconds."""
        with self._state:
            self._wanted = True
            self._state.notify_all()
            if self._state.wait_for(lambda: self._granted, timeout):
                self._granted = False
                return True
            self._wanted = False
            return False

    def release(self):
        fcntl.flock(self.fd, fcntl.LOCK_UN)

    def close(self):
        """The thread ends (once any turn it waits for comes) and closes its descriptor."""
        with self._state:
            self._closed = True
            self._state.notify_all()


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd: int | None = None  # this connection's descriptor of the lock file
    _queue_waiter: _QueueWaiter | None = None  # its place in the queue when it has to wait
    _queue_held: bool = False
    _queue_held_by_waiter: bool = False
    _lock_budget = 5.0  # seconds a writer may wait for the lock: SQLite's busy timeout, read when connecting

    def _queue_path(self) -> str | None:
        name = str(self.settings_dict["NAME"] or "")
        if not name or name == ":memory:" or "mode=memory" in name or self.transaction_mode not in ("IMMEDIATE", "EXCLUSIVE"):
            return None
        return name.removeprefix("file:").split("?", 1)[0] + "-writers.lock"

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        # The busy timeout in force: the "timeout" option, or a PRAGMA in init_command.
        self._lock_budget = conn.execute("PRAGMA busy_timeout").fetchone()[0] / 1000
        return conn

    def _queue_enter(self) -> float | None:
        """Take this connection's turn in the writers' queue. Returns the seconds left for SQLite's
        own lock after waiting in the queue (None: no wait); raises OperationalError when the
        whole busy timeout went by in the queue."""
        if self._queue_fd is None:
            path = self._queue_path()
            if path is None:
                return None
            self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._queue_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            started = time.monotonic()
            if self._queue_waiter is None:
                self._queue_waiter = _QueueWaiter(self._queue_path())
            if not self._queue_waiter.take(self._lock_budget):
                raise OperationalError(
                    f"database is locked: waited {self._lock_budget:g} s in the writers' queue"
                ) from None
            self._queue_held = self._queue_held_by_waiter = True
            return max(self._lock_budget - (time.monotonic() - started), 0.0)
        self._queue_held = True
        return None

    def _queue_leave(self) -> None:
        if not self._queue_held:
            return
        if self._queue_held_by_waiter:
            self._queue_waiter.release()
        else:
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)
        self._queue_held = self._queue_held_by_waiter = False

    @contextlib.contextmanager
    def _busy_timeout(self, seconds: float | None):
        """SQLite's busy timeout lowered to what the queue left of it, for one statement."""
        if seconds is None:
            yield
            return
        self.connection.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        try:
            yield
        finally:
            self.connection.execute(f"PRAGMA busy_timeout = {int(self._lock_budget * 1000)}")

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=QueuedCursorWrapper)
        cursor.db = self
        return cursor

    def _start_transaction_under_autocommit(self):
        left = self._queue_enter()
        try:
            with self._busy_timeout(left):
                super()._start_transaction_under_autocommit()
        except BaseException:
            self._queue_leave()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._queue_leave()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._queue_leave()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._queue_leave()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None
            if self._queue_waiter is not None:
                self._queue_waiter.close()
                self._queue_waiter = None
