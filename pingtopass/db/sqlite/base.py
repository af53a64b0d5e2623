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

A stuck writer holds the queue as it would hold SQLite's lock; gunicorn's worker timeout ends
such a request, and the lock goes with the process. In-memory databases have no queue.
"""

import contextlib
import fcntl
import os
import re

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
        db._queue_enter()
        try:
            yield
        finally:
            db._queue_leave()

    def execute(self, query, params=None):
        with self._queued(query):
            return super().execute(query, params)

    def executemany(self, query, param_list):
        with self._queued(query):
            return super().executemany(query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd: int | None = None
    _queue_held = False

    def _queue_path(self) -> str | None:
        name = str(self.settings_dict["NAME"] or "")
        if not name or name == ":memory:" or "mode=memory" in name or self.transaction_mode not in ("IMMEDIATE", "EXCLUSIVE"):
            return None
        return name.removeprefix("file:").split("?", 1)[0] + "-writers.lock"

    def _queue_enter(self) -> None:
        if self._queue_fd is None:
            path = self._queue_path()
            if path is None:
                return
            self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._queue_fd, fcntl.LOCK_EX)
        self._queue_held = True

    def _queue_leave(self) -> None:
        if self._queue_held:
            self._queue_held = False
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=QueuedCursorWrapper)
        cursor.db = self
        return cursor

    def _start_transaction_under_autocommit(self):
        self._queue_enter()
        try:
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
