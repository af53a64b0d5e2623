"""gunicorn's settings for production (Dockerfile, docker-compose.yml, README) and bench/load.py.

Processes, not threads, carry the load: with one thread per worker no request waits on another's
Python for the GIL. bench/load.py measured, at 600 learners on 2 cores, p95 47 ms with 4
workers × 1 thread, 56 ms with 3 × 2, 71 ms with 2 × 2 and 78 ms with 2 × 4 (gthread).
At 1,000 learners, later: 183 ms with 4 sync workers, 189 ms with 3 and 571 ms with 8.

Sync workers, since a practice answer carries the next question: a learner now makes one
request per question, ten seconds apart, so keep-alive (gthread's gain) rarely saves a
connection, while a gthread worker accepts connections it is too busy to serve and they wait
behind it even when another worker is idle; a sync worker only accepts when free. At 600
learners: p95 97 ms with sync, 183 ms with gthread (4 workers each, in the same hour). Put a
buffering proxy in front for slow clients, as gunicorn advises for sync workers.
GUNICORN_WORKER_CLASS=gthread (with GUNICORN_THREADS) brings the threaded worker back.

Each worker, once it has loaded the application, freezes what it holds so far (Django, the
URLconf, the templates: some 180,000 objects) out of the garbage collector's reach, and collects
the youngest generation every 20,000 allocations instead of 700. A full collection otherwise
walked all of it every few seconds under load. At 1,000 learners (bench/load.py) the workers'
CPU per request went from 10.2 to 9.5 ms and the step's p95 from 76 to 56-61 ms. GC_THRESHOLD
(three integers, e.g. "700,10,10" for CPython's defaults) overrides the thresholds.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
keepalive = 2
timeout = 60
backlog = 2048
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")

gc_threshold = tuple(int(n) for n in os.environ.get("GC_THRESHOLD", "20000,50,100").split(","))


def post_worker_init(worker):
    """The application is loaded: leave what it holds to the collector no more (see above)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*gc_threshold)
