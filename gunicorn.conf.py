"""gunicorn's settings for production (Dockerfile, docker-compose.yml, README) and bench/load.py.

Processes, not threads, carry the load: with one thread per worker no request waits on another's
Python for the GIL. bench/load.py measured, at 600 learners on 2 cores, p95 47 ms with 4
workers × 1 thread, 56 ms with 3 × 2, 71 ms with 2 × 2 and 78 ms with 2 × 4. The gthread
worker keeps connections alive between requests, which the sync worker cannot.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread"
keepalive = 2
timeout = 60
backlog = 2048
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
