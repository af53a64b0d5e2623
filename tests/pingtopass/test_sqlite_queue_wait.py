"""A writer waits for SQLite no longer than the busy timeout in all (pingtopass/db/sqlite/base.py):
behind a writer that holds on, it gives up in the writers' queue with "database is locked", as
SQLite itself would, instead of waiting until the writer ahead lets go; the time spent queued
counts against the busy timeout; and a place given up never keeps the queue."""

import fcntl
import os
import sqlite3
import threading
import time

import pytest
from django.db import OperationalError

from tests.pingtopass.test_sqlite_writer_queue import _atomic, _connection, _count, _increment, counter_db  # noqa: F401

BUSY_TIMEOUT = 1  # seconds (20 in production)


def _write(path, in_transaction: bool):
    conn = _connection(path, timeout=BUSY_TIMEOUT)
    try:
        if in_transaction:
            _increment(conn)
        else:
            with conn.cursor() as cursor:
                cursor.execute("UPDATE counter SET n = n + 1")
    finally:
        conn.close()


def _in_thread(target, cap: float):
    """Run `target` in a thread (a connection of its own); returns the thread, what it raised, and
    whether it ended within `cap` seconds."""
    raised = []

    def run():
        try:
            target()
        except Exception as exc:  # noqa: BLE001 -- returned to the test
            raised.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(cap)
    return thread, raised, not thread.is_alive()


@pytest.mark.parametrize("in_transaction", [True, False], ids=["transaction", "single statement"])
def test_a_writer_behind_one_that_holds_on_gives_up_after_the_busy_timeout(counter_db, in_transaction):  # noqa: F811
    ahead = _connection(counter_db, timeout=BUSY_TIMEOUT)
    with _atomic(ahead):
        with ahead.cursor() as cursor:
            cursor.execute("UPDATE counter SET n = n + 10")
        thread, raised, ended = _in_thread(lambda: _write(counter_db, in_transaction), cap=BUSY_TIMEOUT * 6)
    thread.join()  # unbounded, it would write now that the writer ahead has let go
    ahead.close()

    assert ended, "still waiting in the queue long after the busy timeout"
    assert len(raised) == 1 and isinstance(raised[0], OperationalError)
    assert str(raised[0]).startswith("database is locked")
    assert _count(counter_db) == 10

    # The place it gave up is let go: the next writers get through.
    thread, raised, ended = _in_thread(lambda: [_write(counter_db, in_transaction), _write(counter_db, True)], cap=10)
    assert ended and raised == []
    assert _count(counter_db) == 12


def test_the_time_queued_counts_against_the_busy_timeout(counter_db):  # noqa: F811
    # Another program holds SQLite's lock all along, and a writer ahead holds the queue for most
    # of the busy timeout: the writer gives up once the busy timeout is spent in all, not after
    # the time queued and the whole busy timeout again.
    budget, queued = 2.0, 1.4
    other_program = sqlite3.connect(counter_db, isolation_level=None)
    other_program.execute("BEGIN IMMEDIATE")
    fd = os.open(f"{counter_db}-writers.lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    threading.Timer(queued, os.close, args=[fd]).start()
    writer = _connection(counter_db, timeout=budget)
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        _increment(writer)
    waited = time.monotonic() - started
    other_program.execute("ROLLBACK")
    other_program.close()

    assert waited < queued + budget - 0.4  # well short of queued + budget
    _increment(writer)  # the busy timeout is whole again for the next write
    assert _count(counter_db) == 1
    with writer.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == budget * 1000
    writer.close()
