"""Growth's ingest task through a real Celery worker (a `celery worker --pool=solo` subprocess, Redis
as the broker, the test's database shared, as aigen's worker tests run it) against the scripted X
server: X rate-limits the first read, the worker defers the task to X's reset through the broker
(a retry with its countdown, which no in-process run can show), and the second run reads the
mention into an opportunity, each read charged once."""

import re
import time
import uuid
from decimal import Decimal

import pytest
import redis

from growth.models import Opportunity, XAccount, XApiCall
from growth.tasks import account_ingest_task
from tests.aigen.test_celery_worker import shared_database_url  # noqa: F401 -- a fixture
from tests.aigen.workers import publishing_to, worker_env, worker_start, worker_stop
from tests.growth.fake_x import rate_limited

pytestmark = [pytest.mark.redis, pytest.mark.slow]
RETRY = re.compile(r"Task growth\.account_ingest\[[\w-]+\] retry")
SUCCEEDED = re.compile(r"Task growth\.account_ingest\[[\w-]+\] succeeded")


@pytest.fixture
def worker(redis_url, fake_llm, fake_x, shared_database_url, tmp_path):  # noqa: F811 -- the imported fixture
    """A worker on a queue of its own, its X client pointed at the fake X server."""
    queue = f"growth-test-{uuid.uuid4().hex[:10]}"
    env = worker_env(
        redis_url=redis_url, fake_llm=fake_llm, database_url=shared_database_url, CACHE_KEY_PREFIX=queue,
        GROWTH_X_API_BASE_URL=fake_x.base_url, GROWTH_X_CLIENT_ID="client-id", GROWTH_X_CLIENT_SECRET="client-secret",
        GROWTH_X_TIMEOUT_SECONDS="2", GROWTH_X_MONTHLY_CAP_USD="100", GROWTH_SEARCH_MAX_RESULTS="10",
        GROWTH_X_NETWORK_RETRIES="1", GROWTH_X_RETRY_BASE_SECONDS="1", OAUTHLIB_INSECURE_TRANSPORT="1",
    )
    process = worker_start(env, queue, tmp_path / "worker.log")
    try:
        yield process
    finally:
        worker_stop(process)
        redis.Redis.from_url(redis_url).delete(queue)


def wait_until(condition, worker, seconds=30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(f"timed out; worker log:\n{worker.log_path.read_text()[-4000:]}")


@pytest.mark.django_db(transaction=True)
def test_the_ingest_task_runs_on_a_worker_and_waits_for_xs_rate_limit_reset(fake_x, account, worker, redis_url,
                                                                             monkeypatch):
    fake_x.user("200", "learner_ann", followers=900)
    fake_x.post("501", "@pingtopass how do I get faster at subnetting for SY0-701?", mention_us=True)
    fake_x.mentions = ["501"]
    fake_x.fail("GET /2/users/:id/mentions", rate_limited(reset_in=2))

    with publishing_to(redis_url, monkeypatch, CELERY_TASK_DEFAULT_QUEUE=worker.queue):
        account_ingest_task.delay(account.pk)
        wait_until(lambda: SUCCEEDED.search(worker.log_path.read_text()), worker)

    reads = fake_x.requests_to("GET", "/2/users/:id/mentions")
    assert len(reads) == 2  # the 429, then one read once the reset had passed: nothing sent in between
    assert RETRY.search(worker.log_path.read_text())
    opportunity = Opportunity.objects.get()
    assert (opportunity.post.x_id, opportunity.source, opportunity.summoned) == ("501", "mention", True)
    calls = list(XApiCall.objects.order_by("pk").values_list("endpoint", "outcome", "cost_usd"))
    assert calls == [("users/:id/mentions", "rate", Decimal("0")),
                     ("users/:id/mentions", "ok", Decimal("0.0150"))]  # one post and one user read, charged once
    account = XAccount.objects.get(pk=account.pk)
    assert (account.status, account.mentions_since_id) == ("active", "501")
