"""gunicorn.conf.py, as production runs it: a real gunicorn with one worker on a local port."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def worker_gc(**env) -> dict:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tests.pingtopass.gc_probe_app:application", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "/dev/null"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    return json.loads(response.read())
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not serve: {server.stderr.read().decode()[-2000:] if server.poll() is not None else 'timeout'}")
                time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(10)


def test_a_worker_freezes_what_it_loaded_and_collects_less_often():
    gc = worker_gc()
    # What the worker imported to serve (gunicorn itself, the app) is out of the collector's
    # reach; CPython's default is no object frozen and a young collection every 700 allocations.
    assert gc["frozen"] > 10_000
    assert gc["threshold"] == [20_000, 50, 100]


def test_the_thresholds_can_be_set_from_the_environment():
    assert worker_gc(GC_THRESHOLD="700,10,10")["threshold"] == [700, 10, 10]
