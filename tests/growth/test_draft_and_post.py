from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.models import AuditEvent
from aigen.models import LLMCall
from aigen.selectors import budget_status
from growth.models import DailyMetrics, Draft, Opportunity, Tweet, XAccount, XApiCall
from growth.services import (
    DraftError,
    DraftRefused,
    account_ingest,
    draft_approve,
    draft_create,
    draft_mark_posted,
    draft_post,
    draft_write,
    intent_url,
    metrics_collect,
    reply_write,
)
from growth.services.posting import MustPostByHand
from growth.xapi import CreditsDepleted
from tests.aigen.fake_llm import Reply as LLMReply
from tests.factories import LLMCallFactory
from tests.growth.fake_x import payment_required

pytestmark = pytest.mark.django_db


@pytest.fixture
def summoned(fake_x, account):
    fake_x.user("200", "learner_ann", followers=900)
    fake_x.post("501", "@pingtopass how do I get faster at subnetting?", mention_us=True)
    fake_x.mentions = ["501"]
    account_ingest(account_id=account.pk)
    return Opportunity.objects.get(post__x_id="501")


@pytest.fixture
def unsummoned(fake_x, account):
    fake_x.user("300", "netstudent", followers=20)
    fake_x.post("601", "Anyone got CIDR subnetting drills? #SecurityPlus", author="300")
    fake_x.search_results["#SecurityPlus"] = ["601"]
    account.searches.create(query="#SecurityPlus")
    account_ingest(account_id=account.pk)
    return Opportunity.objects.get(post__x_id="601")


def test_it_drafts_a_reply_in_the_accounts_voice_and_logs_the_call(fake_llm, summoned, moderator):
    fake_llm.script(LLMReply('"Count the borrowed bits: /26 leaves 6 host bits, so 62 hosts. Drill it daily!"', usage=(300, 40)))

    draft = draft_write(opportunity=summoned, user=moderator)

    assert draft.text == "Count the borrowed bits: /26 leaves 6 host bits, so 62 hosts. Drill it daily!"
    assert (draft.kind, draft.written_by, draft.status) == ("reply", "ai", "pending")
    summoned.refresh_from_db()
    assert summoned.status == "drafted"
    [request] = fake_llm.requests
    assert "A patient CompTIA instructor" in request.prompt and "guaranteed, cheat" in request.prompt
    assert "how do I get faster at subnetting?" in request.prompt
    assert "response_format" not in request.body  # plain text, not the question schema
    call = LLMCall.objects.get()  # in aigen's log, with generation's calls
    assert (call.purpose, call.job, call.subject) == ("growth_draft", None, summoned.account)
    assert (call.outcome, call.prompt_tokens, call.completion_tokens) == ("ok", 300, 40)
    assert call.cost_usd == Decimal("0.000380")  # 300 × $1/M + 40 × $2/M
    assert budget_status().spent == call.cost_usd
    event = AuditEvent.objects.get(action="growth_draft_written")
    assert event.detail["cost_usd"] == "0.000380" and event.detail["llm_calls"] == [call.pk]


def test_it_flags_a_word_the_voice_avoids(fake_llm, summoned):
    fake_llm.script(LLMReply("Our course is guaranteed to get you through."))
    draft = draft_write(opportunity=summoned)
    assert draft.warnings == ["Uses “guaranteed”, which the voice avoids."]


def test_it_drafts_nothing_when_the_months_ai_budget_is_spent(fake_llm, summoned, settings):
    settings.AI_MONTHLY_BUDGET_USD = 0.001
    LLMCallFactory(cost_usd=Decimal("0.001"))  # a generation job spent it: one budget for every purpose

    with pytest.raises(DraftRefused, match="monthly AI budget"):
        draft_write(opportunity=summoned)
    assert fake_llm.requests == []


def test_a_failed_draft_still_costs_and_is_on_record_for_the_account(fake_llm, summoned):
    fake_llm.script(LLMReply("", usage=(200, 0)))  # an empty answer: the model was paid, no draft came

    with pytest.raises(DraftRefused, match="did not write a draft"):
        draft_write(opportunity=summoned)

    call = LLMCall.objects.about(summoned.account).get()
    assert (call.purpose, call.outcome, call.cost_usd) == ("growth_draft", "invalid", Decimal("0.000200"))
    assert not Draft.objects.exists()


def test_the_days_ai_cost_of_an_account_is_its_draft_calls_only(fake_llm, fake_x, summoned):
    fake_llm.script(LLMReply("Count the host bits.", usage=(300, 40)))
    draft_write(opportunity=summoned)
    LLMCallFactory(cost_usd=Decimal("0.5"))  # a generation job's call is not the account's cost
    other = XAccount.objects.create(username="other_brand")
    LLMCallFactory(job=None, purpose="growth_draft", subject=other, cost_usd=Decimal("0.25"))

    metrics_collect(account_id=summoned.account.pk)

    assert DailyMetrics.objects.get(account=summoned.account).ai_cost_usd == Decimal("0.0004")  # $0.00038, kept to 4 places


def test_a_summoned_reply_is_posted_once_through_the_api_after_approval(fake_x, summoned, moderator):
    draft = reply_write(opportunity=summoned, text="Try /26 drills.", user=moderator)
    with pytest.raises(DraftError, match="only an approved draft"):
        draft_post(draft_id=draft.pk)
    assert fake_x.created == []

    draft_approve(draft=draft, user=moderator, text="Try /26 drills daily.")
    posted = draft_post(draft_id=draft.pk, user=moderator)
    again = draft_post(draft_id=draft.pk, user=moderator)

    [request] = fake_x.created
    assert request.body == {"text": "Try /26 drills daily.", "reply": {"in_reply_to_tweet_id": "501"}}
    assert request.headers["authorization"] == "Bearer access-1"
    assert posted.status == again.status == "posted"
    tweet = Tweet.objects.get()
    assert (tweet.draft, tweet.via, tweet.is_reply, tweet.x_id) == (draft, "api", True, fake_x.timeline[0])
    summoned.refresh_from_db()
    assert summoned.status == "posted"
    assert XApiCall.objects.get(endpoint="POST tweets").cost_usd == Decimal("0.015")
    assert list(AuditEvent.objects.filter(target_id=str(draft.pk), action__startswith="growth_draft").order_by("pk")
                .values_list("action", flat=True)) == ["growth_draft_created", "growth_draft_approved", "growth_draft_posted"]


def test_a_reply_that_was_not_summoned_is_never_posted_through_the_api(fake_x, unsummoned, moderator):
    assert not unsummoned.summoned
    draft = reply_write(opportunity=unsummoned, text="Try /26 drills!", user=moderator)
    draft_approve(draft=draft, user=moderator)

    with pytest.raises(MustPostByHand):
        draft_post(draft_id=draft.pk)

    assert fake_x.created == []
    link = urlsplit(intent_url(draft))
    assert (link.scheme, link.netloc, link.path) == ("https", "x.com", "/intent/post")
    assert parse_qs(link.query) == {"in_reply_to": ["601"], "text": ["Try /26 drills!"]}
    draft_mark_posted(draft=draft, user=moderator, post_url="https://x.com/pingtopass/status/777")
    draft.refresh_from_db()
    assert draft.status == "posted" and Tweet.objects.get().via == "hand" and Tweet.objects.get().x_id == "777"
    assert fake_x.created == []


def test_a_reply_posted_by_hand_is_marked_posted_when_it_shows_in_our_timeline(fake_x, unsummoned, moderator):
    draft = reply_write(opportunity=unsummoned, text="Drill /26!", user=moderator)
    draft_approve(draft=draft, user=moderator)
    fake_x.post("888", "Drill /26!", author="100", replied_to="601", impressions=40, likes=2)
    fake_x.timeline = ["888"]

    metrics_collect(account_id=unsummoned.account.pk)

    draft.refresh_from_db()
    assert draft.status == "posted"
    assert Tweet.objects.get().x_id == "888"


def test_a_402_on_posting_pauses_the_account_and_keeps_the_draft_approved(fake_x, summoned, moderator):
    draft = reply_write(opportunity=summoned, text="Try /26 drills.", user=moderator)
    draft_approve(draft=draft, user=moderator)
    fake_x.fail("POST /2/tweets", payment_required())

    with pytest.raises(CreditsDepleted):
        draft_post(draft_id=draft.pk)

    draft.refresh_from_db()
    assert draft.status == "approved" and "credits" in draft.error
    assert XAccount.objects.get().status == "paused"
    with pytest.raises(Exception, match="paused"):
        draft_post(draft_id=draft.pk)
    assert len(fake_x.created) == 1


def test_approval_of_a_post_with_a_link_is_refused_past_the_accounts_cap(fake_x, account, moderator):
    XApiCall.objects.create(account=account, endpoint="earlier", outcome="ok", cost_usd=Decimal("9.90"))
    with_link = draft_create(account=account, user=moderator, text="Question of the day: https://pingtopass.com/x")
    without = draft_create(account=account, user=moderator, text="Question of the day: what is a /26?")
    assert (with_link.expected_cost, without.expected_cost) == (Decimal("0.20"), Decimal("0.015"))

    with pytest.raises(DraftError, match=r"would cost \$0.200"):
        draft_approve(draft=with_link, user=moderator)
    approved = draft_approve(draft=without, user=moderator)
    assert approved.status == "approved" and approved.scheduled_for is not None


def test_an_approved_post_goes_out_at_its_slot(fake_x, account, moderator):
    from django.utils import timezone

    from growth.tasks import posts_publish_due_task

    draft = draft_approve(draft=draft_create(account=account, user=moderator, text="Subnetting tip: count host bits."),
                          user=moderator)
    assert posts_publish_due_task.delay().get() == {}  # not yet
    Draft.objects.filter(pk=draft.pk).update(scheduled_for=timezone.now())

    assert posts_publish_due_task.delay().get() == {draft.pk: "posted"}
    [request] = fake_x.created
    assert request.body == {"text": "Subnetting tip: count host bits."}
