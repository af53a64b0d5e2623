"""In Chromium: a moderator works the growth queue. The model drafts a reply to a post that did
not mention us (htmx swaps the card in place), the moderator edits and approves it, opens the reply
on X through the intent link, marks it posted, and reads the account's metrics chart. Screenshots
at desktop width in light and at phone width in dark."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from growth.models import DailyMetrics, Draft, FoundPost, Opportunity, Tweet, VoiceProfile, XAccount
from tests.aigen.fake_llm import Reply
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODEL_DRAFT = "Count the host bits: a /26 leaves 6, so 62 hosts."
EDITED = "Count the host bits: a /26 leaves 6 of them, so 62 usable hosts. Drill it daily!"


@pytest.fixture
def opportunity():
    account = XAccount.objects.create(username="pingtopass", status=XAccount.Status.ACTIVE, followers=1180)
    VoiceProfile.objects.create(account=account, persona="A patient CompTIA instructor", audience="Security+ candidates",
                                tone="warm and precise", words_to_avoid="guaranteed")
    post = FoundPost.objects.create(x_id="601", author_username="netstudent", author_followers=20, likes=3,
                                    text="Anyone got CIDR subnetting drills? #SecurityPlus",
                                    posted_at=timezone.now() - timedelta(minutes=30))
    today = timezone.now().date()
    for days_ago, followers in ((4, 1100), (3, 1120), (2, 1135), (1, 1160), (0, 1180)):
        DailyMetrics.objects.create(account=account, day=today - timedelta(days=days_ago), followers=followers,
                                    new_followers=20, impressions=900, engagements=45, posts=1, replies=2)
    mention = FoundPost.objects.create(x_id="602", author_username="learner_ann", author_followers=900,
                                       text="@pingtopass is port 443 always HTTPS on the exam?",
                                       posted_at=timezone.now() - timedelta(minutes=10))
    summoned = Opportunity.objects.create(
        account=account, post=mention, source="mention", summoned=True, score=81,
        score_parts={"relevance": {"value": 0.5, "weight": 35}, "summoned": {"value": 1, "weight": 20}},
        expires_at=timezone.now() + timedelta(hours=23))
    Draft.objects.create(account=account, kind="reply", opportunity=summoned, written_by="ai", status="pending",
                         text="By default, yes: 443 is HTTPS. Services can run elsewhere, so read the question.")
    summoned.status = "drafted"
    summoned.save(update_fields=["status"])
    return Opportunity.objects.create(
        account=account, post=post, source="search", summoned=False, score=64,
        score_parts={"relevance": {"value": 1, "weight": 35}, "summoned": {"value": 0, "weight": 20}},
        expires_at=timezone.now() + timedelta(hours=23))


def test_a_moderator_approves_a_drafted_reply_posts_it_by_hand_and_reads_the_metrics(
    page: Page, live_server, moderator, opportunity, fake_llm, shoot,
):
    fake_llm.script(Reply(MODEL_DRAFT, usage=(300, 40)))
    sign_in(page, live_server, moderator)
    page.emulate_media(color_scheme="light")
    page.goto(f"{live_server.url}/growth/")
    card = page.locator(f"#opportunity-{opportunity.pk}")
    expect(card).to_contain_text("Not summoned: you post it by hand")
    shoot("growth-queue-desktop-light")
    page.evaluate("window.stillTheSamePage = true")  # gone if anything below reloads the page

    card.get_by_role("button", name="Draft a reply").click()
    draft_text = card.get_by_label("Draft reply (the model)")
    expect(draft_text).to_have_value(MODEL_DRAFT)
    draft_text.fill(EDITED)
    card.get_by_role("button", name="Approve").click()

    intent = card.get_by_role("link", name="Open the reply on X")
    expect(intent).to_be_visible()
    expect(card).to_contain_text(f"Approved reply: {EDITED}")
    assert page.evaluate("window.stillTheSamePage") is True and urlsplit(page.url).path == "/growth/"
    draft = Draft.objects.get(opportunity=opportunity)
    assert (draft.status, draft.text, draft.approved_by_id) == ("approved", EDITED, moderator.pk)
    page.mouse.move(0, 0)
    page.evaluate("window.scrollTo(0, 0)")  # the pinned header is drawn where the page is scrolled to
    shoot("growth-queue-approved-desktop-light")

    # X itself is not reached from the test: the intent page is answered here.
    page.context.route("https://x.com/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>Post on X</title>"))
    with page.expect_popup() as opened:
        intent.click()
    popup = opened.value
    link = urlsplit(popup.url)
    assert (link.netloc, link.path) == ("x.com", "/intent/post")
    assert parse_qs(link.query) == {"in_reply_to": ["601"], "text": [EDITED]}
    popup.close()

    card.get_by_label("Your reply's URL (optional)").fill("https://x.com/pingtopass/status/777")
    card.get_by_role("button", name="I posted it").click()
    expect(card.get_by_role("status")).to_contain_text("Posted")
    expect(card.get_by_role("link", name="see it on X")).to_have_attribute("href", "https://x.com/pingtopass/status/777")
    assert page.evaluate("window.stillTheSamePage") is True
    tweet = Tweet.objects.get()
    assert (tweet.x_id, tweet.via, tweet.is_reply, tweet.draft_id) == ("777", "hand", True, draft.pk)

    page.get_by_role("link", name="Metrics").click()
    page.wait_for_url("**/growth/metrics/")
    chart = page.locator("svg.trend-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.dot-accuracy")).to_have_count(5)
    expect(page.get_by_role("heading", name="Followers, @pingtopass")).to_be_visible()
    shoot("growth-metrics-desktop-light")

    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme="dark")
    page.goto(f"{live_server.url}/growth/")
    expect(page.locator(f"#opportunity-{opportunity.pk}")).to_have_count(0)  # posted: off the queue
    expect(page.locator("article.card").filter(has_text="@learner_ann")).to_contain_text("Summoned: the API may reply")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    shoot("growth-queue-phone-dark")
    page.goto(f"{live_server.url}/growth/metrics/?days=90")
    expect(page.locator("svg.trend-chart circle.dot-accuracy")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    shoot("growth-metrics-phone-dark")
