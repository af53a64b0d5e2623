"""A worker killed (SIGKILL) in the middle of a job, while a request to the model is in flight, and
a new worker started after it: the job shows stalled in between, then finishes on the new worker
without anyone's help, with exactly the questions asked for, and the lost request counted in its
cost.

The workers run as test_celery_worker.py's (a real `celery worker --pool=solo`, Redis as broker,
the test's database shared), with a lease of a few seconds and a broker visibility timeout to
match, so the test takes seconds where production takes minutes."""

import re
import subprocess
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from django.db.models import Sum

from aigen.costs import call_cost_estimate
from aigen.models import GenerationJob, JobQuestion, LLMCall
from aigen.selectors import budget_status
from aigen.services import generation_job_start
from exams.models import Question
from tests.aigen.fake_llm import Recorded, Reply
from tests.aigen.samples import batch, numbered
from tests.aigen.test_celery_worker import (  # noqa: F401 -- fixtures
    send_through_redis,
    shared_database_url,
    wait_for_final_status,
)
from tests.aigen.workers import worker_env, worker_start, worker_stop
from tests.factories import ObjectiveFactory

pytestmark = [pytest.mark.redis, pytest.mark.slow]
LIST = "/admin/aigen/generationjob/"
LEASE = 3  # seconds
KILLED_AT = 3  # the request in flight when the worker is killed; two answered batches of 5 before it
WRITE = re.compile(r"Write (\d+) new")


class Workers:
    """Worker processes on one queue of their own, all started the same way."""

    def __init__(self, env: dict, tmp_path: Path):
        self.queue = f"aigen-lost-{uuid.uuid4().hex[:10]}"
        self.env = {**env, "CACHE_KEY_PREFIX": self.queue}
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        number = len(self.processes) + 1
        process = worker_start(self.env, self.queue, self.tmp_path / f"worker-{number}.log", f"{self.queue}-{number}")
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            worker_stop(process)

    def logs(self) -> str:
        return "\n".join(f"--- {p.log_path.name}\n{p.log_path.read_text()[-3000:]}" for p in self.processes)


@pytest.fixture
def workers(redis_url, fake_llm, shared_database_url, tmp_path):  # noqa: F811 -- the imported fixture
    env = worker_env(
        redis_url=redis_url, fake_llm=fake_llm, database_url=shared_database_url, AI_TIMEOUT_SECONDS="20",
        AI_BATCH_SIZE="5", AI_JOB_LEASE_SECONDS=str(LEASE), CELERY_VISIBILITY_TIMEOUT="2",
    )
    started = Workers(env, tmp_path)
    try:
        yield started
    finally:
        started.stop()
        broker = redis.Redis.from_url(redis_url)
        if left := broker.keys(f"*{started.queue}*"):  # the queue, its bindings, the workers' cache
            broker.delete(*left)


@pytest.fixture
def worker(workers):
    """What test_celery_worker's send_through_redis publishes to."""
    return workers


class Model:
    """The fake model's answers: the items asked for, all new, after the last item of its previous
    answer (models repeat themselves); request KILLED_AT is held until the test lets it go."""

    def __init__(self):
        self.numbers = iter(range(1, 1000))
        self.last: dict | None = None
        self.count = 0
        self.release = threading.Event()

    def __call__(self, request: Recorded) -> Reply:
        self.count += 1
        items = [self.last] if self.last else []
        items += [numbered(next(self.numbers)) for _ in range(int(WRITE.search(request.prompt)[1]))]
        self.last = items[-1]
        return Reply(batch(*items), hold=self.release if self.count == KILLED_AT else None)


def wait_until(condition, *, seconds: float, workers: Workers, what: str):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {seconds} s; worker logs:\n{workers.logs()}")
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_is_killed_mid_request_finishes_on_a_new_worker(
    client, moderator, settings, fake_llm, workers, send_through_redis  # noqa: F811 -- the imported fixture
):
    settings.AI_JOB_LEASE_SECONDS = LEASE  # the admin's view of the lease is the workers'
    client.force_login(moderator)
    model = fake_llm.otherwise = Model()
    objective = ObjectiveFactory()
    first = workers.start()
    job = generation_job_start(exam=objective.domain.exam, count=30, objectives=[objective], type_mix={"single": 1})

    try:
        wait_until(lambda: len(fake_llm.requests) == KILLED_AT and fake_llm.in_flight, seconds=60, workers=workers,
                   what="no request in flight after two batches")
        time.sleep(LEASE + 1)  # the model takes longer than the lease to answer ...
        job.refresh_from_db()
        assert job.stalled_since is None, "the lease lapsed while the worker was alive"  # ... and the lease holds
        assert job.created_count == 10
        killed_request = fake_llm.in_flight[0]
        in_flight = LLMCall.objects.get(job=job, outcome="sent")  # on record before it left

        first.kill()
        first.wait()
    finally:
        model.release.set()  # the answer goes nowhere: its worker is gone

    wait_until(lambda: "Stalled since" in client.get(LIST).content.decode(), seconds=LEASE + 10, workers=workers,
               what="the job list never said the job was stalled")

    second = workers.start()
    job = wait_for_final_status(job, second, seconds=60)  # Redis's default visibility timeout was an hour

    assert (job.status, job.created_count) == ("succeeded", 30), workers.logs()
    stems = list(Question.objects.filter(ai_job_id=job.pk).values_list("stem", flat=True))
    assert len(stems) == len(set(stems)) == JobQuestion.objects.filter(job=job).count() == 30

    in_flight.refresh_from_db()
    estimate = call_cost_estimate(model="test/model", messages=killed_request.body["messages"], count=5)
    assert (in_flight.outcome, in_flight.cost_usd) == ("lost", estimate) and estimate > 0
    answered = job.calls.exclude(pk=in_flight.pk)
    assert set(answered.values_list("outcome", flat=True)) == {"ok"}
    assert answered.count() == len(fake_llm.requests) - 1
    assert job.cost_usd == job.calls.aggregate(total=Sum("cost_usd"))["total"] == budget_status().spent
    assert job.cost_usd == estimate + answered.count() * Decimal("0.007500")  # the fake's usage, at test prices

    page = client.get(f"{LIST}{job.pk}/change/").content.decode()
    assert "Lost with its worker" in page and "Stalled since" not in page
    assert not GenerationJob.objects.active().exists()
