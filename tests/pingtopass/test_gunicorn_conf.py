"""gunicorn.conf.py, as production runs it: a real gunicorn with one worker on a local port."""

import json
import os
import urllib.request

from tests.servers import gunicorn_server


def worker_gc(tmp_path, **env) -> dict:
    with (
        gunicorn_server({**os.environ, **env}, tmp_path, app="tests.pingtopass.gc_probe_app:application",
                        ready_path="/", args=("--workers", "1")) as (base, _),
        urllib.request.urlopen(f"{base}/", timeout=2) as response,
    ):
        return json.loads(response.read())


def test_a_worker_freezes_what_it_loaded_and_collects_less_often(tmp_path):
    gc = worker_gc(tmp_path)
    # What the worker imported to serve (gunicorn itself, the app) is out of the collector's
    # reach; CPython's default is no object frozen and a young collection every 700 allocations.
    assert gc["frozen"] > 10_000
    assert gc["threshold"] == [20_000, 50, 100]


def test_the_thresholds_can_be_set_from_the_environment(tmp_path):
    assert worker_gc(tmp_path, GC_THRESHOLD="700,10,10")["threshold"] == [700, 10, 10]
