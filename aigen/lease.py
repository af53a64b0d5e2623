"""A running generation job's hold on its worker, kept in GenerationJob.heartbeat_at.

The worker renews the lease at every step (a batch, a request sent or answered, a wait for the
rate limit), and a thread renews it every third of settings.AI_JOB_LEASE_SECONDS in between, so a
request that takes longer than the lease (a ten-question batch can take minutes) never makes a
live worker look lost and its job run twice at once. The thread dies with the process, so the job
of a killed worker lapses within one lease: the job list shows it stalled and the sweep
(aigen.services.generation_jobs_resume, on beat) queues it again.

The thread also stops renewing once the worker has made no step for longer than a request and its
backoff can take: a worker that hangs loses its job like one that died."""

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from aigen.models import GenerationJob

logger = logging.getLogger("pingtopass.aigen")


class JobLease:
    def __init__(self, job_id: int):
        self.job_id = job_id
        self.seconds = settings.AI_JOB_LEASE_SECONDS
        self.quiet_limit = settings.AI_TIMEOUT_SECONDS + settings.AI_RETRY_MAX_SECONDS + self.seconds
        self._last_step = time.monotonic()
        self._done = threading.Event()
        self._keeper = threading.Thread(target=self._keep, name=f"aigen-job-{job_id}-lease", daemon=True)

    def __enter__(self) -> "JobLease":
        self._keeper.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._done.set()
        self._keeper.join()

    def renew(self) -> None:
        """The worker made a step: renew now."""
        self._last_step = time.monotonic()
        self._write()

    def _write(self) -> None:
        GenerationJob.objects.filter(pk=self.job_id, status=GenerationJob.Status.RUNNING).update(
            heartbeat_at=timezone.now()
        )

    def _keep(self) -> None:
        quiet = False
        try:
            while not self._done.wait(self.seconds / 3):
                if time.monotonic() - self._last_step > self.quiet_limit:
                    if not quiet:
                        logger.warning("generation job %s: no step for %.0f s, its lease is left to lapse",
                                       self.job_id, self.quiet_limit)
                    quiet = True
                    continue
                quiet = False
                try:
                    self._write()
                except DatabaseError:  # the next tick tries again; the job itself goes on
                    logger.warning("generation job %s: could not renew its lease", self.job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection
