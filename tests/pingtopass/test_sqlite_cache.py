"""pingtopass/cache.py: the cache every process shares through a SQLite file when REDIS_URL is unset."""

import datetime
import multiprocessing
import sqlite3

import pytest

from pingtopass.cache import SQLiteCache

START = 1_800_000_000.0


@pytest.fixture
def clock(monkeypatch):
    """time.time() as the cache sees it (Django's timeouts and our expiry checks), moved by hand."""
    now = [START]
    monkeypatch.setattr("time.time", lambda: now[0])
    return now


def open_cache(path, **options):
    return SQLiteCache(str(path), {"TIMEOUT": 300, "OPTIONS": options})


@pytest.fixture
def cache(tmp_path):
    return open_cache(tmp_path / "cache.sqlite3")


def rows_in(path) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM cache").fetchone()[0]


def test_it_gets_what_was_set_and_a_default_for_what_was_not(cache):
    assert cache.get("missing") is None
    assert cache.get("missing", "fallback") == "fallback"
    cache.set("colour", "blue")
    cache.set("colour", "green")
    assert cache.get("colour") == "green"


def test_it_returns_a_pickled_dict_as_it_was(cache):
    session = {"_auth_user_id": "7", "since": datetime.datetime(2026, 12, 5, 9, 30), "flags": [1, 2.5, None, True]}
    cache.set("session:abc", session)
    assert cache.get("session:abc") == session
    assert cache.get("session:abc") is not session


def test_it_keeps_types_apart(cache):
    values = {"int": 3, "bool": True, "float": 2.5, "str": "3", "bytes": b"\x00\xff", "huge": 2**80, "none": None}
    for key, value in values.items():
        cache.set(key, value)
    for key, value in values.items():
        assert cache.get(key, "absent") == value and type(cache.get(key, "absent")) is type(value), key


def test_it_stores_a_big_value(cache):
    big = {"blob": b"x" * 5_000_000, "text": "é" * 100_000}
    cache.set("big", big)
    assert cache.get("big") == big


def test_it_keeps_unicode_keys_apart_through_make_key(tmp_path):
    cache = SQLiteCache(str(tmp_path / "c.sqlite3"), {"KEY_PREFIX": "ptp", "VERSION": 2})
    cache.set("examen:clé", 1)
    cache.set("examen:cle", 2)
    cache.set("試験:日本語", 3)
    assert (cache.get("examen:clé"), cache.get("examen:cle"), cache.get("試験:日本語")) == (1, 2, 3)
    assert cache.get("examen:clé", version=1) is None
    with sqlite3.connect(tmp_path / "c.sqlite3") as connection:
        assert "ptp:2:試験:日本語" in {key for (key,) in connection.execute("SELECT key FROM cache")}


def test_an_entry_expires_after_its_timeout(cache, clock):
    cache.set("short", "a", timeout=10)
    cache.set("default", "b")  # TIMEOUT: 300
    cache.set("forever", "c", timeout=None)
    clock[0] += 9
    assert cache.get("short") == "a" and cache.has_key("short")
    clock[0] += 2
    assert cache.get("short") is None and not cache.has_key("short")
    clock[0] += 300
    assert cache.get("default") is None
    clock[0] += 10 * 365 * 86400
    assert cache.get("forever") == "c"


def test_a_timeout_of_zero_caches_nothing(cache):
    cache.set("nothing", 1, timeout=0)
    assert cache.get("nothing") is None


def test_add_writes_only_a_missing_or_expired_key(cache, clock):
    assert cache.add("lock", "first", timeout=10) is True
    assert cache.add("lock", "second", timeout=10) is False
    assert cache.get("lock") == "first"
    clock[0] += 11
    assert cache.add("lock", "third", timeout=10) is True
    assert cache.get("lock") == "third"


def test_incr_counts_and_decr_counts_down(cache):
    cache.set("hits", 1)
    assert cache.incr("hits") == 2
    assert cache.incr("hits", 10) == 12
    assert cache.decr("hits", 5) == 7
    assert cache.get("hits") == 7


def test_incr_refuses_a_missing_or_expired_key(cache, clock):
    with pytest.raises(ValueError):
        cache.incr("never-set")
    cache.set("hits", 1, timeout=5)
    clock[0] += 6
    with pytest.raises(ValueError):
        cache.incr("hits")
    assert cache.get("hits") is None


def test_incr_keeps_the_timeout(cache, clock):
    cache.set("hits", 1, timeout=60)
    cache.incr("hits")
    clock[0] += 61
    assert cache.get("hits") is None


def test_incr_adds_to_floats_and_to_integers_too_big_for_sqlite(cache):
    cache.set("ratio", 0.5)
    assert cache.incr("ratio") == 1.5
    cache.set("big", 2**62 - 1)
    assert cache.incr("big") == 2**62  # in SQL, past the size it stores as an integer
    assert cache.incr("big", 2**62 - 1) == 2**63 - 1
    assert cache.incr("big") == 2**63  # past SQLite's integers: exact, not a float
    assert cache.get("big") == 2**63 and type(cache.get("big")) is int


def test_touch_gives_a_live_key_a_new_timeout(cache, clock):
    cache.set("session", "s", timeout=10)
    assert cache.touch("session", timeout=100) is True
    assert cache.touch("gone", timeout=100) is False
    clock[0] += 50
    assert cache.get("session") == "s"


def test_delete_delete_many_and_clear(cache):
    cache.set_many({f"k{n}": n for n in range(10)})
    assert cache.delete("k0") is True
    assert cache.delete("k0") is False
    cache.delete_many(["k1", "k2", "missing"])
    assert sorted(cache.get_many([f"k{n}" for n in range(10)])) == [f"k{n}" for n in range(3, 10)]
    cache.clear()
    assert cache.get_many([f"k{n}" for n in range(10)]) == {}


def test_get_many_and_set_many_handle_more_keys_than_one_statement_binds(cache, clock):
    data = {f"question:{n}": {"n": n} for n in range(1_200)}
    assert cache.set_many(data, timeout=30) == []
    cache.set("question:5", "expired", timeout=1)
    clock[0] += 2
    found = cache.get_many([*data, "missing"])
    assert len(found) == 1_199 and "question:5" not in found
    assert found["question:1199"] == {"n": 1199}


def test_two_handles_on_one_file_see_each_others_writes(tmp_path):
    # As two gunicorn workers do: an invalidation made by one reaches the other.
    one, other = open_cache(tmp_path / "shared.sqlite3"), open_cache(tmp_path / "shared.sqlite3")
    one.set("catalogue", {"PTP-100": 8})
    assert other.get("catalogue") == {"PTP-100": 8}
    other.delete("catalogue")
    assert one.get("catalogue") is None


def test_expired_entries_are_culled_as_writes_go_on(tmp_path, clock):
    path = tmp_path / "cull.sqlite3"
    cache = open_cache(path, CULL_EVERY=10)
    for n in range(50):
        cache.set(f"old{n}", n, timeout=5)
    clock[0] += 6
    for n in range(50):
        cache.set(f"new{n}", n, timeout=60)
    assert rows_in(path) < 60  # at most a batch (CULL_EVERY) of the expired rows is left


def test_past_max_entries_the_soonest_to_expire_go(tmp_path):
    path = tmp_path / "full.sqlite3"
    cache = open_cache(path, MAX_ENTRIES=100, CULL_EVERY=10)
    for n in range(300):
        cache.set(f"k{n}", n, timeout=1_000 + n)  # the later written, the longer they live
    assert rows_in(path) <= 100 + 10
    assert cache.get("k299") == 299
    assert cache.get("k0") is None


# --- Several processes on one file --------------------------------------------------------------
def _count(cache, times):
    for _ in range(times):
        cache.incr("hits")


def _take_locks(path, keys, results):
    cache = open_cache(path)
    results.put(sum(cache.add(f"lock:{n}", True, timeout=60) for n in range(keys)))


def _run(target, *args, processes=4):
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=target, args=args) for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0] * processes


def test_incr_from_several_processes_at_once_loses_no_count(tmp_path):
    path = tmp_path / "shared.sqlite3"
    cache = open_cache(path)
    cache.set("hits", 0)
    # The children inherit this handle and its open connection, as gunicorn's workers would a
    # preloaded app's: each must open a connection of its own.
    _run(_count, cache, 250)
    assert cache.get("hits") == 1_000


def test_add_lets_exactly_one_process_take_each_key(tmp_path):
    # allauth's rate limits lock a counter with cache.add before they read and write it.
    path = tmp_path / "shared.sqlite3"
    results = multiprocessing.get_context("fork").Queue()
    _run(_take_locks, path, 200, results)
    assert sum(results.get(timeout=5) for _ in range(4)) == 200
