"""One job end to end through a real Celery worker (a subprocess) with Redis as the broker, and
the id of the request that queued it on the worker's log lines.

The worker must read and write the same database as the test: the test runs outside a
transaction and hands the worker a DATABASE_URL for its test database (PostgreSQL or a SQLite
file). pytest's usual SQLite test database lives in memory, which another process cannot open, so
for the length of this test it is copied to a file that both processes use."""

import json
import re
import sqlite3
import time
import uuid
from contextlib import closing
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from aigen.models import GenerationJob
from aigen.services import generation_job_start
from exams.models import Question
from tests.aigen.fake_llm import Reply
from tests.aigen.samples import batch, good
from tests.aigen.test_job_start_view import form_data
from tests.aigen.workers import publishing_to, worker_env, worker_start, worker_stop
from tests.factories import ObjectiveFactory

pytestmark = [pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def shared_database_url(transactional_db, tmp_path):
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(settings_dict["USER"] or "", safe="")
        if settings_dict["PASSWORD"]:
            credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
        host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
        yield f"postgres://{credentials}@{host}/{settings_dict['NAME']}"
        return
    if connection.vendor != "sqlite":
        pytest.skip(f"no way to share a {connection.vendor} test database with the worker")
    if not connection.is_in_memory_db():
        # The worker opens the same file with the same backend (libSQL's on the libSQL run).
        scheme = "libsql" if settings_dict["ENGINE"] == "pingtopass.db.libsql" else "sqlite"
        yield f"{scheme}:///{settings_dict['NAME']}"
        return
    connection.ensure_connection()
    memory, name = connection.connection, settings_dict["NAME"]
    path = tmp_path / "shared.sqlite3"
    with closing(sqlite3.connect(path)) as copy:
        memory.backup(copy)
    # Django never closes an in-memory database (closing would destroy it); keep it aside and
    # let the connection open the file instead, then put everything back.
    connection.connection, settings_dict["NAME"] = None, str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        connection.connection, settings_dict["NAME"] = memory, name


@pytest.fixture
def worker(redis_url, fake_llm, shared_database_url, tmp_path):
    """`celery -A pingtopass worker --pool=solo` on a queue of its own, pointed at the fake model."""
    queue = f"aigen-test-{uuid.uuid4().hex[:10]}"
    env = worker_env(redis_url=redis_url, fake_llm=fake_llm, database_url=shared_database_url, CACHE_KEY_PREFIX=queue)
    process = worker_start(env, queue, tmp_path / "worker.log")
    try:
        yield process
    finally:
        worker_stop(process)
        redis.Redis.from_url(redis_url).delete(queue)


@pytest.fixture
def send_through_redis(redis_url, worker, monkeypatch):
    """Make `.delay()` in this process publish to Redis, on the worker's queue, instead of running eagerly."""
    with publishing_to(redis_url, monkeypatch, CELERY_TASK_DEFAULT_QUEUE=worker.queue):
        yield


def wait_for_final_status(job, worker, seconds=60) -> GenerationJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_active:
            return job
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"job still {job.status}; worker log:\n{worker.log_path.read_text()[-4000:]}")


RECEIVED = re.compile(r"Task aigen\.generation_job_run\[([\w-]+)\] received")
SUCCEEDED = re.compile(r"Task aigen\.generation_job_run\[([\w-]+)\] succeeded")


def wait_for_task_run_lines(worker, seconds=10) -> tuple[str, list[dict]]:
    """The task's id, and the worker's JSON lines of its run: those after "received" up to
    "succeeded" (written just after the job's last commit, so it may still be coming)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        lines = [json.loads(line) for line in worker.log_path.read_text().splitlines() if line.startswith("{")]
        messages = [line["message"] for line in lines]
        received = [i for i, message in enumerate(messages) if RECEIVED.search(message)]
        done = [i for i, message in enumerate(messages) if SUCCEEDED.search(message)]
        if received and done:
            return SUCCEEDED.search(messages[done[0]])[1], lines[received[0] + 1:done[0] + 1]
        time.sleep(0.1)
    pytest.fail(f"no success line; worker log:\n{worker.log_path.read_text()[-4000:]}")


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_end_to_end_through_a_real_worker(fake_llm, worker, send_through_redis):
    objective = ObjectiveFactory()
    fake_llm.script(Reply(batch(*good(3))))

    job = generation_job_start(exam=objective.domain.exam, count=3, objectives=[objective])
    job = wait_for_final_status(job, worker)

    assert (job.status, job.created_count) == ("succeeded", 3), worker.log_path.read_text()[-4000:]
    assert Question.objects.filter(ai_job_id=job.pk, review_status="pending", source="ai").count() == 3
    assert job.calls.get().outcome == "ok"
    assert len(fake_llm.requests) == 1
    task_id, run = wait_for_task_run_lines(worker)
    # Queued outside any request, the lines of the task's run go by its own id: the model call's
    # and the success line at least.
    assert len(run) >= 2 and {line["request_id"] for line in run} == {task_id}


@pytest.mark.django_db(transaction=True)
def test_the_worker_logs_the_id_of_the_request_that_queued_the_job(client, moderator, fake_llm, worker,
                                                                    send_through_redis):
    objective = ObjectiveFactory()
    fake_llm.script(Reply(batch(*good(3))))
    client.force_login(moderator)

    response = client.post("/admin/aigen/generationjob/add/", form_data(objective.domain.exam, [objective]),
                           HTTP_X_REQUEST_ID="moderator-start-0001")
    assert response.status_code == 302 and response["X-Request-ID"] == "moderator-start-0001"
    job = wait_for_final_status(GenerationJob.objects.get(), worker)

    assert job.status == "succeeded", worker.log_path.read_text()[-4000:]
    _, run = wait_for_task_run_lines(worker)
    assert len(run) >= 2 and {line["request_id"] for line in run} == {"moderator-start-0001"}
