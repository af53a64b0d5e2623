"""gunicorn configuration for bench/load.py --gunicorn-config bench/worker_probe.py: the
production configuration (gunicorn.conf.py), plus a probe of where each worker's wall time goes.

Each worker appends a line per request to /tmp/ptp-worker-probe-<pid>.csv (every 100 requests):
when it ended, which endpoint it was (bench/load.py's names), then in milliseconds the whole time from accepting the connection to closing it;
the part spent closing (gunicorn's close_graceful, which waits for the client to close its
side); the time spent waiting for the SQLite writers' queue and holding it
(pingtopass/db/sqlite/base.py); the time the worker was runnable but waiting for a core (the
kernel's run delay, /proc/self/schedstat); and its own CPU. bench/load.py prints their means and
p50/p95 over each step's measured window, for all requests and per endpoint. The probe wraps gunicorn's and our own functions, so
it costs some CPU itself: compare probed runs with each other only.
"""

import os
import re
import time
from pathlib import Path

_conf = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
exec(compile(_conf.read_text(), str(_conf), "exec"))  # noqa: S102 -- the production settings, as gunicorn would read them
_production_post_worker_init = post_worker_init  # noqa: F821 -- defined by the file above

PARTS = ("whole", "closing", "queue wait", "queue hold", "run delay", "cpu")
FILES = "/tmp/ptp-worker-probe-*.csv"
_rows: list[str] = []  # requests not written out yet
_current = {"wait": 0.0, "hold": 0.0, "endpoint": "other"}
ENDPOINTS = [(re.compile(pattern), name) for pattern, name in (
    (r"^/sessions/\d+/q/\d+/answer/$", "answer"), (r"^/sessions/\d+/q/\d+/$", "question"),
    (r"^/sessions/\d+/submit/$", "submit"), (r"^/sessions/\d+/results/$", "results"),
    (r"^/exams/[^/]+/start/$", "start session"), (r"^/exams/[^/]+/$", "exam page"),
)]


def _endpoint(path: str) -> str:
    return next((name for pattern, name in ENDPOINTS if pattern.match(path)), "other")


def _run_delay() -> float:
    """Seconds this process has spent runnable but not running, since it started."""
    with open("/proc/self/schedstat") as f:
        return int(f.read().split()[1]) / 1e9


def _flush():
    with open(f"/tmp/ptp-worker-probe-{os.getpid()}.csv", "a") as f:
        f.write("".join(_rows))
    _rows.clear()


def summary(started: float, ended: float) -> list[str]:
    """Mean, p50 and p95 of each part over the requests that ended between two time.time()s."""
    import glob

    rows = []
    for name in glob.glob(FILES):
        for line in Path(name).read_text().splitlines():
            fields = line.split(",")
            if len(fields) == len(PARTS) + 2 and started <= float(fields[0]) <= ended:
                rows.append((fields[1], [float(v) for v in fields[2:]]))
    if not rows:
        return []
    lines = [f"worker probe, {len(rows)} requests, ms (mean / p50 / p95):", f"    {'':<14}" + "".join(f"{p:>21}" for p in PARTS)]
    for endpoint in ["all", *sorted({e for e, _ in rows})]:
        mine = [values for e, values in rows if endpoint in ("all", e)]
        cells = []
        for n in range(len(PARTS)):
            values = sorted(v[n] for v in mine)
            cells.append(f"{sum(values) / len(values):.1f}/{values[len(values) // 2]:.1f}/{values[int(len(values) * 0.95)]:.1f}")
        lines.append(f"    {endpoint:<14}" + "".join(f"{c:>21}" for c in cells))
    return lines


def post_worker_init(worker):
    from gunicorn import util
    from gunicorn.workers import sync

    from pingtopass.db.sqlite import base

    close, handle = util.close_graceful, sync.SyncWorker.handle
    enter, leave = base.DatabaseWrapper._queue_enter, base.DatabaseWrapper._queue_leave
    closing = [0.0]

    def timed_close(sock, *args, **kwargs):
        started = time.perf_counter()
        try:
            return close(sock, *args, **kwargs)
        finally:
            closing[0] += time.perf_counter() - started

    def timed_handle(self, *args, **kwargs):
        started, delay, cpu = time.perf_counter(), _run_delay(), time.process_time()
        closing[0] = _current["wait"] = _current["hold"] = 0.0
        _current["endpoint"] = "other"
        try:
            return handle(self, *args, **kwargs)
        finally:
            parts = (time.perf_counter() - started, closing[0], _current["wait"], _current["hold"],
                     _run_delay() - delay, time.process_time() - cpu)
            _rows.append(f"{time.time():.3f},{_current['endpoint']}," + ",".join(f"{1000 * v:.3f}" for v in parts) + "\n")
            if len(_rows) >= 100:
                _flush()

    def timed_enter(self):
        started = time.perf_counter()
        enter(self)
        self._probe_held_since = time.perf_counter()
        _current["wait"] += self._probe_held_since - started

    def timed_leave(self):
        if self._queue_held:
            _current["hold"] += time.perf_counter() - self._probe_held_since
        leave(self)

    app = worker.wsgi

    def named_app(environ, start_response):
        _current["endpoint"] = _endpoint(environ.get("PATH_INFO", ""))
        return app(environ, start_response)

    worker.wsgi = named_app
    util.close_graceful, sync.SyncWorker.handle = timed_close, timed_handle
    base.DatabaseWrapper._queue_enter, base.DatabaseWrapper._queue_leave = timed_enter, timed_leave
    _production_post_worker_init(worker)
