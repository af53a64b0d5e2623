"""Queueing a task without letting a broker outage become a 500.

settings.py bounds a publish (CELERY_BROKER_TIMEOUT), so a broker that refuses or hangs answers
within seconds; what to tell the user, and what becomes of the work, is the caller's to
decide from the False returned here."""

import logging

import redis
from kombu.exceptions import OperationalError

logger = logging.getLogger("pingtopass.queue")

# kombu reports a broker it cannot reach as its OperationalError; redis-py's own errors are listed
# too in case a path lets one through unwrapped.
BROKER_UNAVAILABLE = (OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def enqueue(task, *args) -> bool:
    """Queue `task(*args)`. False, with the cause logged, when the broker did not take it; run
    in-process (CELERY_TASK_ALWAYS_EAGER), the task's own errors still propagate."""
    try:
        task.delay(*args)
    except BROKER_UNAVAILABLE as exc:
        logger.warning("Task %s%r not queued, the broker is unavailable: %s: %s", task.name, args, type(exc).__name__, exc)
        return False
    return True
