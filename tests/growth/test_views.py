from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import SignupSource
from growth.models import DailyMetrics, Draft, Opportunity
from growth.services import account_ingest, opportunities_expire, posts_purge, reply_write
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [("get", "/growth/"), ("get", "/growth/metrics/"), ("post", "/growth/opportunities/1/draft/"),
         ("post", "/growth/drafts/1/approve/"), ("post", "/growth/drafts/1/post/"), ("post", "/growth/metrics/enter/"),
         ("get", "/growth/accounts/1/connect/"), ("post", "/growth/opportunities/add/")]


@pytest.fixture
def staff_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def opportunity(fake_x, account):
    fake_x.user("300", "netstudent", followers=20)
    fake_x.post("601", "Anyone got CIDR subnetting drills? #SecurityPlus", author="300")
    fake_x.search_results["#SecurityPlus"] = ["601"]
    account.searches.create(query="#SecurityPlus")
    account_ingest(account_id=account.pk)
    return Opportunity.objects.get()


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_it_does_not_exist_for_a_learner(learner_client, account, method, path):
    assert getattr(learner_client, method)(path).status_code == 404


def test_it_sends_someone_signed_out_to_sign_in(client):
    response = client.get("/growth/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_queue_shows_an_opportunity_with_its_score_and_the_by_hand_rule(staff_client, opportunity, moderator):
    reply_write(opportunity=opportunity, text="Try subnettingpractice drills!", user=moderator)
    response = staff_client.get("/growth/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "@netstudent" in html and f"Score {opportunity.score}" in html
    assert "Not summoned: you post it by hand" in html
    assert "Try subnettingpractice drills!" in html
    assert "X spend this month" in html


def test_htmx_approve_returns_the_card_with_the_intent_link(staff_client, opportunity, moderator, fake_x):
    draft = reply_write(opportunity=opportunity, text="Draft", user=moderator)
    response = staff_client.post(f"/growth/drafts/{draft.pk}/approve/", {"text": "Edited: drill /26 daily."},
                                 HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<article class="card" id="opportunity-{opportunity.pk}"')
    assert "https://x.com/intent/post?in_reply_to=601&amp;text=Edited%3A+drill+%2F26+daily." in html
    draft.refresh_from_db()
    assert (draft.status, draft.text) == ("approved", "Edited: drill /26 daily.")
    response = staff_client.post(f"/growth/drafts/{draft.pk}/post/", HTTP_HX_REQUEST="true")
    assert "your own X session" in response.content.decode()
    assert fake_x.created == []
    response = staff_client.post(f"/growth/drafts/{draft.pk}/posted/", {"post_url": ""}, HTTP_HX_REQUEST="true")
    assert "Posted" in response.content.decode()
    assert Draft.objects.get(pk=draft.pk).status == "posted"


@pytest.mark.parametrize("text", ["", "x" * 281, "   "])
def test_it_refuses_an_empty_or_too_long_draft_on_the_card(staff_client, opportunity, moderator, text):
    draft = reply_write(opportunity=opportunity, text="Draft", user=moderator)
    response = staff_client.post(f"/growth/drafts/{draft.pk}/approve/", {"text": text}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert Draft.objects.get(pk=draft.pk).status == "pending"


@pytest.mark.parametrize(("method", "path", "data"), [
    ("post", "/growth/drafts/99999999999999999999/approve/", {}),
    ("post", "/growth/drafts/9223372036854775807/approve/", {"text": "hi"}),
    ("get", "/growth/metrics/?account=99999999999999999999999&days=abc", {}),
    ("get", "/growth/metrics/?account=-1&days=1000000", {}),
    ("post", "/growth/opportunities/add/", {"account": "99999999999999999999999", "url": "https://x.com/a/status/1"}),
    ("post", "/growth/opportunities/add/", {"account": "1", "url": "javascript:alert(1)"}),
    ("post", "/growth/posts/add/", {"account": "abc", "text": ""}),
    ("post", "/growth/metrics/enter/", {"account": "1", "day": "99999-01-01", "followers": "-5"}),
    ("post", "/growth/metrics/enter/", {"account": "1", "day": "2026-01-01", "followers": "9" * 30}),
])
def test_bad_input_gets_a_clear_answer_never_a_500(staff_client, account, method, path, data):
    response = getattr(staff_client, method)(path, data)
    assert response.status_code in (200, 302, 404)


def test_a_pasted_url_that_is_not_a_post_is_refused_with_a_message(staff_client, account, fake_x):
    response = staff_client.post("/growth/opportunities/add/", {"account": account.pk, "url": "https://example.com/x"},
                                 follow=True)
    assert "not the address of a post on X" in response.content.decode()
    assert fake_x.requests == []


def test_a_pasted_post_url_becomes_an_opportunity(staff_client, account, fake_x):
    fake_x.user("300", "netstudent", followers=20)
    fake_x.post("601", "@pingtopass CIDR question", author="300", mention_us=True)
    response = staff_client.post("/growth/opportunities/add/", {"account": account.pk,
                                                                "url": "https://twitter.com/netstudent/status/601?s=20"})
    assert response.status_code == 302
    opportunity = Opportunity.objects.get()
    assert (opportunity.source, opportunity.summoned) == ("manual", True)


def test_the_metrics_page_draws_followers_against_the_target(staff_client, account):
    today = timezone.now().date()
    for n, followers in enumerate([1000, 1010, 1030]):
        DailyMetrics.objects.create(account=account, day=today - timedelta(days=2 - n), followers=followers,
                                    new_followers=10 * n, impressions=100, engagements=5, signups=1)
    response = staff_client.get(f"/growth/metrics/?account={account.pk}&days=90")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg class="trend-chart"' in html and 'class="series-accuracy"' in html and 'class="series-readiness"' in html
    assert html.count('class="dot-accuracy"') == 3
    assert "1,030 followers" in html and 'aria-current="page">90 days' in html
    assert "5%" in html  # engagement rate


def test_a_moderator_enters_a_days_figures_by_hand(staff_client, account, moderator):
    day = timezone.now().date() - timedelta(days=1)
    DailyMetrics.objects.create(account=account, day=day - timedelta(days=1), followers=990)
    signed_up = datetime.combine(day, time(12), tzinfo=UTC)
    SignupSource.objects.create(user=UserFactory(), utm_source="x", utm_content="pingtopass-q1", created_at=signed_up)
    response = staff_client.post(reverse("growth:metrics_enter"), {
        "account": account.pk, "day": day.isoformat(), "followers": 1000, "impressions": 400, "engagements": 20,
        "signups": 7})  # not the moderator's to say: counted from our own records
    assert response.status_code == 302
    row = DailyMetrics.objects.get(day=day)
    assert (row.followers, row.new_followers, row.signups, row.entered_by) == (1000, 10, 1, moderator)
    assert row.engagement_rate == 0.05


def test_open_opportunities_expire_after_a_day_and_old_posts_are_purged(opportunity, moderator):
    draft = reply_write(opportunity=opportunity, text="Late", user=moderator)
    later = timezone.now() + timedelta(hours=25)

    assert opportunities_expire(now=later) == 1
    assert posts_purge(now=later) == 1

    opportunity.refresh_from_db()
    draft.refresh_from_db()
    assert (opportunity.status, draft.status) == ("expired", "rejected")
    assert (opportunity.post.text, opportunity.post.author_username) == ("", "")


def test_htmx_draft_asks_the_model_and_shows_the_editable_draft(staff_client, opportunity, fake_llm):
    from tests.aigen.fake_llm import Reply

    fake_llm.script(Reply("Count host bits: /26 gives 62 hosts."))
    response = staff_client.post(f"/growth/opportunities/{opportunity.pk}/draft/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Count host bits: /26 gives 62 hosts.</textarea>" in html and "Draft again" in html


def test_drafting_without_ai_configured_says_so_on_the_card(staff_client, opportunity):
    response = staff_client.post(f"/growth/opportunities/{opportunity.pk}/draft/", HTTP_HX_REQUEST="true")
    assert "AI drafting is not configured" in response.content.decode()
