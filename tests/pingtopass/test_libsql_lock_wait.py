"""The libSQL backend's threads queue for an embedded replica's lock (pingtopass/db/libsql/dbapi.py):
the time a statement waits there counts against the timeout it then has for SQLite's own lock,
as the SQLite backend's writers' queue counts against the busy timeout."""

import threading
import time

import libsql_experimental
import pytest

from pingtopass.db.libsql import dbapi


def test_the_wait_for_the_replicas_lock_counts_against_the_timeout(tmp_path):
    budget, queued = 2.0, 1.4
    path = str(tmp_path / "replica.db")
    raw = libsql_experimental.connect(path, isolation_level=None)
    raw.cursor().execute("PRAGMA journal_mode=WAL")
    raw.cursor().execute("PRAGMA busy_timeout = 0")
    replica = dbapi.Replica(raw, database=path, sync_url="unused")
    writer = dbapi.ReplicaConnection(replica, transaction_mode="IMMEDIATE", timeout=budget)
    other_process = dbapi.connect(path, timeout=0.1)  # holds SQLite's lock all along
    other_process.execute("BEGIN IMMEDIATE")
    taken = threading.Event()

    def another_thread_holds_the_replica():
        with replica.lock:
            taken.set()
            time.sleep(queued)

    holder = threading.Thread(target=another_thread_holds_the_replica)
    holder.start()
    taken.wait(5)
    started = time.monotonic()
    with pytest.raises(dbapi.OperationalError, match="database is locked"):
        writer.execute("BEGIN IMMEDIATE")
    waited = time.monotonic() - started
    holder.join()
    other_process.rollback()
    other_process.close()

    assert waited < queued + budget - 0.4  # well short of the replica's wait and a whole timeout again
    writer.execute("BEGIN IMMEDIATE")  # the next statement has the whole timeout (and the lock is free)
    writer.rollback()
