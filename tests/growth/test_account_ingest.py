from datetime import timedelta
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from growth.models import ChargedRead, Opportunity, WatchedSearch, XAccount, XApiCall
from growth.services import account_ingest
from growth.tasks import account_ingest_task
from growth.tokens import token_decrypt
from tests.growth.fake_x import Reply, payment_required, rate_limited, usage_capped

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_worker(settings):
    """Run a task as a worker would (not in-process), so a retry is queued with its countdown."""
    # Through Django's settings, which Celery's configuration reads: setting the key on the app's
    # conf would leave it there (as True) after the test, and no later test could turn eager off.
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def run(task, *args):
        task.push_request(id="test-task", args=list(args), kwargs={}, retries=0, is_eager=False, called_directly=False)
        try:
            return task.run(*args)
        finally:
            task.pop_request()

    return run


@pytest.fixture
def mention(fake_x):
    fake_x.user("200", "learner_ann", followers=900)
    fake_x.post("501", "@pingtopass how do I get faster at subnetting for SY0-701? CIDR math kills me", mention_us=True,
                likes=4, replies=1)
    fake_x.mentions = ["501"]
    return "501"


def test_it_makes_a_mention_a_summoned_opportunity_with_its_score_parts(fake_x, account, mention):
    result = account_ingest(account_id=account.pk)

    assert (result.found, result.opportunities, result.stopped) == (1, 1, "")
    opportunity = Opportunity.objects.get()
    assert (opportunity.source, opportunity.summoned, opportunity.status) == ("mention", True, "new")
    assert opportunity.post.author_username == "learner_ann" and opportunity.post.author_followers == 900
    assert set(opportunity.score_parts) == {"relevance", "reach", "velocity", "recency", "summoned"}
    assert opportunity.score_parts["summoned"]["value"] == 1
    assert opportunity.score_parts["relevance"]["value"] == 1  # subnetting, cidr, sy0-701
    assert 50 < opportunity.score <= 100
    [request] = fake_x.requests_to("GET", "/2/users/:id/mentions")
    assert request.path == "/2/users/100/mentions"
    assert request.headers["authorization"] == "Bearer access-1"
    assert request.query["expansions"] == "author_id"


def test_it_charges_each_post_and_user_read_once_a_utc_day(fake_x, account, mention):
    account_ingest(account_id=account.pk)
    XAccount.objects.filter(pk=account.pk).update(mentions_since_id="")  # read the same mention again
    account_ingest(account_id=account.pk)

    first, second = XApiCall.objects.filter(endpoint="users/:id/mentions").order_by("pk")
    assert (first.posts_read, first.users_read, first.cost_usd) == (1, 1, Decimal("0.0150"))
    assert (second.posts_read, second.users_read, second.cost_usd) == (0, 0, Decimal("0"))
    assert Opportunity.objects.count() == 1  # stored once
    assert ChargedRead.objects.count() == 2


def test_it_runs_due_searches_and_keeps_their_hits_unsummoned(fake_x, account):
    fake_x.user("300", "netstudent", followers=20)
    fake_x.post("601", "Anyone got good CIDR subnetting drills? #SecurityPlus", author="300")
    fake_x.search_results["#SecurityPlus -is:retweet"] = ["601"]
    search = WatchedSearch.objects.create(account=account, query="#SecurityPlus -is:retweet")
    WatchedSearch.objects.create(account=account, query="CCNA subnetting", is_active=False)

    result = account_ingest(account_id=account.pk)

    assert result.searches == 1
    opportunity = Opportunity.objects.get()
    assert (opportunity.source, opportunity.summoned, opportunity.search) == ("search", False, search)
    [request] = fake_x.requests_to("GET", "/2/tweets/search/recent")
    assert request.query["query"] == "#SecurityPlus -is:retweet" and request.query["max_results"] == "10"
    search.refresh_from_db()
    assert search.since_id == "601" and search.last_run_at is not None
    account_ingest(account_id=account.pk)  # not due again within the hour
    assert len(fake_x.requests_to("GET", "/2/tweets/search/recent")) == 1


def test_it_pauses_the_account_on_402_and_reads_nothing_more(fake_x, account, mention):
    fake_x.fail("GET /2/users/:id/mentions", payment_required())

    result = account_ingest(account_id=account.pk)

    assert "credits ran out" in result.stopped
    account.refresh_from_db()
    assert account.status == XAccount.Status.PAUSED
    assert "402" in account.status_reason and "Buy credits" in account.status_reason
    assert XApiCall.objects.get().outcome == "credits"
    requests_before = len(fake_x.requests)
    assert "paused" in account_ingest(account_id=account.pk).stopped.lower()
    assert len(fake_x.requests) == requests_before  # no retry loop


def test_it_pauses_on_a_usage_cap_even_while_the_rate_limit_shows_room(fake_x, account, mention):
    fake_x.fail("GET /2/users/:id/mentions", usage_capped())

    result = account_ingest(account_id=account.pk)

    account.refresh_from_db()
    assert account.status == XAccount.Status.PAUSED and "UsageCapExceeded" in account.status_reason
    assert "usage cap" in result.stopped
    assert XApiCall.objects.get().outcome == "cap"


def test_it_defers_the_task_until_the_rate_limit_resets(fake_x, account, mention, as_worker):
    fake_x.fail("GET /2/users/:id/mentions", rate_limited(reset_in=600))

    with pytest.raises(Retry) as retry:
        as_worker(account_ingest_task, account.pk)

    assert 590 <= retry.value.when <= 602
    account.refresh_from_db()
    assert account.status == XAccount.Status.ACTIVE
    assert timezone.now() + timedelta(seconds=590) < account.rate_limited_until
    assert len(fake_x.requests_to("GET", "/2/users/:id/mentions")) == 1  # nothing sent before the reset


def test_it_refreshes_the_token_once_on_401_and_keeps_the_new_one_encrypted(fake_x, account, mention):
    fake_x.tokens = {"access-2"}  # X no longer takes access-1

    result = account_ingest(account_id=account.pk)

    assert result.opportunities == 1
    account.refresh_from_db()
    assert token_decrypt(account.access_token) == "access-2" and token_decrypt(account.refresh_token) == "refresh-2"
    assert "access-2" not in account.access_token  # stored encrypted
    [refresh] = fake_x.requests_to("POST", "/2/oauth2/token")
    assert refresh.body["grant_type"] == ["refresh_token"] and refresh.body["refresh_token"] == ["refresh-1"]
    assert list(XApiCall.objects.order_by("pk").values_list("outcome", flat=True)) == ["auth", "ok"]


def test_it_marks_the_account_for_reconnecting_when_the_refresh_fails(fake_x, account, mention):
    fake_x.tokens, fake_x.refresh_tokens = {"access-9"}, {"refresh-9"}

    result = account_ingest(account_id=account.pk)

    account.refresh_from_db()
    assert account.status == XAccount.Status.NEEDS_RECONNECT
    assert "reconnect" in result.stopped
    assert len(fake_x.requests_to("POST", "/2/oauth2/token")) == 1  # once, no loop


@pytest.mark.parametrize("body", ["<html>Bad gateway</html>", '{"data": [{"text": "no id"}]}', '{"data": "nope"}'])
def test_it_records_a_malformed_answer_and_stores_nothing(fake_x, account, body):
    fake_x.fail("GET /2/users/:id/mentions", Reply(200, body))

    result = account_ingest(account_id=account.pk)

    assert "not readable" in result.stopped or "no id" in result.stopped
    assert not Opportunity.objects.exists()
    assert XApiCall.objects.get().outcome == "malformed"


def test_it_sends_nothing_past_the_monthly_spending_cap(fake_x, account, mention):
    XApiCall.objects.create(account=account, endpoint="earlier", outcome="ok", cost_usd=Decimal("9.95"))

    result = account_ingest(account_id=account.pk)

    assert "monthly X cap" in result.stopped
    assert fake_x.requests == []


def test_it_retries_a_network_error_with_backoff_a_bounded_number_of_times(fake_x, account, settings, as_worker):
    settings.GROWTH_X_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.GROWTH_X_RETRY_BASE_SECONDS = 30

    with pytest.raises(Retry) as retry:
        as_worker(account_ingest_task, account.pk)
    assert retry.value.when == 30
    assert XApiCall.objects.get().outcome == "network"
