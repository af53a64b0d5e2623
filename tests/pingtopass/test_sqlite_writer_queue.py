"""The default SQLite backend queues writers on a lock file (pingtopass/db/sqlite/base.py): writers in
many threads and processes all get through, none waits on SQLite's sleeping busy handler, and a
failed transaction never keeps the queue."""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db.utils import load_backend

ROOT = Path(__file__).resolve().parents[2]


def _connection(path, alias="queue-test", timeout=20):
    backend = load_backend("pingtopass.db.sqlite")
    settings = {
        "ENGINE": "pingtopass.db.sqlite", "NAME": str(path), "USER": "", "PASSWORD": "", "HOST": "", "PORT": "",
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout,
                    "init_command": f"PRAGMA journal_mode=WAL;PRAGMA busy_timeout={timeout * 1000};"},
        "ATOMIC_REQUESTS": False, "AUTOCOMMIT": True, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None, "TEST": {},
    }
    return backend.DatabaseWrapper(settings, alias)


def _increment(conn, hold=0.0):
    with _atomic(conn), conn.cursor() as cursor:
        cursor.execute("UPDATE counter SET n = n + 1")
        time.sleep(hold)


class _atomic:
    """transaction.atomic for a connection outside settings.DATABASES."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        self.conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.conn.commit()
            else:
                self.conn.rollback()
        finally:
            self.conn.set_autocommit(True)


@pytest.fixture
def counter_db(tmp_path, django_db_blocker):
    """A database file of its own (the suite's SQLite databases are in memory, with no queue)."""
    path = tmp_path / "queue.db"
    with django_db_blocker.unblock():
        conn = _connection(path)
        with conn.cursor() as cursor:
            cursor.execute("CREATE TABLE counter (n INTEGER)")
            cursor.execute("INSERT INTO counter VALUES (0)")
        conn.close()
        yield path


def _count(path):
    conn = _connection(path)
    with conn.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        n = cursor.fetchone()[0]
    conn.close()
    return n


def test_writers_in_many_threads_queue_and_all_get_through(counter_db):
    # Eight writers holding the lock 5 ms each, 40 times over: queued, none gives up with "database
    # is locked", whether it writes in a transaction or with a single statement outside one. The
    # busy timeout is 2 s: at 1 s, writers left polling on SQLite's busy handler gave up (2 of 8),
    # but so, once in a CI run on a busy machine, did a queued one (flock does not wake waiters in
    # order), so the margin is wider than the bare need.
    errors = []

    def writer(in_transaction):
        conn = _connection(counter_db, timeout=2)
        try:
            for _ in range(40):
                if in_transaction:
                    _increment(conn, hold=0.005)
                else:
                    with conn.cursor() as cursor:
                        cursor.execute("UPDATE counter SET n = n + 1")
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(n % 4 != 0,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _count(counter_db) == 320
    assert Path(str(counter_db) + "-writers.lock").exists()


def test_a_writer_in_another_process_waits_in_the_queue(counter_db):
    conn = _connection(counter_db)
    script = (
        f"import sys, time\nsys.path.insert(0, {str(ROOT)!r})\nfrom django.conf import settings\n"
        "settings.configure()\nfrom tests.pingtopass.test_sqlite_writer_queue import _connection, _increment\n"
        f"conn = _connection({str(counter_db)!r})\n_increment(conn)\nprint(time.time())\n"
    )
    with _atomic(conn):
        with conn.cursor() as cursor:
            cursor.execute("UPDATE counter SET n = n + 10")
        other = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        time.sleep(2.0)
        assert other.poll() is None  # still waiting for this transaction
        committed = time.time()
    done = float(other.communicate(timeout=30)[0].strip())
    conn.close()
    assert done >= committed  # its write went in after this one, not beside it
    assert _count(counter_db) == 11


def test_a_failed_transaction_leaves_the_queue(counter_db):
    conn = _connection(counter_db)
    with pytest.raises(ZeroDivisionError), _atomic(conn):
        with conn.cursor() as cursor:
            cursor.execute("UPDATE counter SET n = n + 100")
        1 / 0  # noqa: B018
    other = _connection(counter_db, timeout=1)
    _increment(other)  # would block for ever if the failed transaction still held the queue
    other.close()
    conn.close()
    assert _count(counter_db) == 1
