"""gunicorn configuration for bench/load.py --gunicorn-config bench/worker_probe.py: the
production configuration (gunicorn.conf.py), plus a probe of where each worker's wall time goes.

Every 500 requests each worker writes /tmp/ptp-worker-probe-<pid>.txt with, per request since it
started: the whole time from accepting the connection to closing it, the part spent closing
(gunicorn's close_graceful, which waits for the client to close its side), the time spent
waiting for the SQLite writers' queue and holding it (pingtopass/db/sqlite/base.py), and how
many write transactions a request took. It wraps gunicorn's and our own functions, so it costs
some CPU itself: compare figures from probed runs with each other only.
"""

import os
import time
from pathlib import Path

_conf = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
exec(compile(_conf.read_text(), str(_conf), "exec"))  # noqa: S102 -- the production settings, as gunicorn would read them
_production_post_worker_init = post_worker_init  # noqa: F821 -- defined by the file above

_seen = {"requests": 0, "handle": 0.0, "close": 0.0, "wait": 0.0, "hold": 0.0, "writes": 0}


def _report():
    n = max(_seen["requests"], 1)
    Path(f"/tmp/ptp-worker-probe-{os.getpid()}.txt").write_text(
        f"requests {_seen['requests']}: per request, ms: whole {1000 * _seen['handle'] / n:.2f}, "
        f"closing {1000 * _seen['close'] / n:.2f}, waiting for the writers' queue {1000 * _seen['wait'] / n:.2f}, "
        f"holding it {1000 * _seen['hold'] / n:.2f}; write transactions {_seen['writes'] / n:.2f}\n")


def post_worker_init(worker):
    from gunicorn import util
    from gunicorn.workers import sync

    from pingtopass.db.sqlite import base

    close, handle = util.close_graceful, sync.SyncWorker.handle
    enter, leave = base.DatabaseWrapper._queue_enter, base.DatabaseWrapper._queue_leave

    def timed_close(sock, *args, **kwargs):
        started = time.perf_counter()
        try:
            return close(sock, *args, **kwargs)
        finally:
            _seen["close"] += time.perf_counter() - started

    def timed_handle(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return handle(self, *args, **kwargs)
        finally:
            _seen["handle"] += time.perf_counter() - started
            _seen["requests"] += 1
            if _seen["requests"] % 500 == 0:
                _report()

    def timed_enter(self):
        started = time.perf_counter()
        enter(self)
        self._probe_held_since = time.perf_counter()
        _seen["wait"] += self._probe_held_since - started
        _seen["writes"] += 1

    def timed_leave(self):
        if self._queue_held:
            _seen["hold"] += time.perf_counter() - self._probe_held_since
        leave(self)

    util.close_graceful, sync.SyncWorker.handle = timed_close, timed_handle
    base.DatabaseWrapper._queue_enter, base.DatabaseWrapper._queue_leave = timed_enter, timed_leave
    _production_post_worker_init(worker)
