"""Real Celery workers for the aigen tests (`celery -A pingtopass worker --pool=solo`, a
subprocess on a queue of its own), and `.delay()` in the test's process publishing to a broker
instead of running eagerly."""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.test import override_settings
from kombu import pools

from pingtopass.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parents[2]
PRICES = '{"test/model": {"prompt": 1.0, "completion": 2.0}, "default": {"prompt": 5.0, "completion": 5.0}}'


def worker_env(*, redis_url: str, fake_llm, database_url: str, **values: str) -> dict:
    """This process's environment with the worker's: the test's database, Redis as broker and
    cache, the fake model at test prices; then `values`."""
    return {
        **os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url,
        "AI_BASE_URL": fake_llm.base_url, "AI_API_KEY": "test-key", "AI_MODEL": "test/model", "AI_PRICES": PRICES,
        "AI_RETRY_BASE_SECONDS": "0.01", "AI_REQUESTS_PER_MINUTE": "1000", "AI_TIMEOUT_SECONDS": "5",
        "DJANGO_SETTINGS_MODULE": "pingtopass.settings",
        **values,
    }


def worker_start(env: dict, queue: str, log_path: Path, name: str | None = None) -> subprocess.Popen:
    """A worker consuming `queue`, named `name` (the queue's name by default), writing to log_path;
    the process, with .queue and .log_path set."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "pingtopass", "worker", "--pool=solo", "-Q", queue,
             "-n", f"{name or queue}@%h", "--without-heartbeat", "--without-mingle", "--without-gossip",
             "--loglevel=INFO"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    process.queue, process.log_path = queue, log_path
    return process


def worker_stop(process: subprocess.Popen) -> None:
    """Asked to stop, then killed if it has not within 10 s; nothing if it has already ended."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


PRODUCER_POOLS = ((celery_app, "_pool"), (celery_app.amqp, "_producer_pool"))


@contextmanager
def publishing_to(broker_url: str, monkeypatch, **settings):
    """`.delay()` in this process publishes to broker_url (with `settings` overridden too) instead
    of running eagerly; the producers are fresh on entry and closed on exit."""
    for owner, attribute in PRODUCER_POOLS:
        monkeypatch.setattr(owner, attribute, None)  # producers are cached per broker; start fresh
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=broker_url, **settings):
            yield
    finally:
        for owner, attribute in PRODUCER_POOLS:
            if (pool := getattr(owner, attribute)) is not None:
                pool.force_close_all()
        pools.reset()  # kombu keeps producer pools per broker, process-wide: forget the closed one
