"""What the moderator role may do with the growth system in admin: keep the accounts' voices and
searches, review drafts, read what X and our logs recorded; never add or remove a brand account.
A learner sees none of it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from growth.models import DailyMetrics, Draft, FoundPost, Opportunity, Tweet, VoiceProfile, XAccount, XApiCall

pytestmark = pytest.mark.django_db

CHANGE = ["xaccount", "draft"]  # voices and searches are edited on their account's page
VIEW_ONLY = ["opportunity", "foundpost", "tweet", "dailymetrics", "xapicall"]


@pytest.fixture
def growth_rows():
    account = XAccount.objects.create(username="pingtopass", status=XAccount.Status.ACTIVE)
    post = FoundPost.objects.create(x_id="501", author_username="learner_ann", text="How do I subnet?")
    opportunity = Opportunity.objects.create(account=account, post=post, source="mention", summoned=True,
                                             expires_at=timezone.now() + timedelta(hours=24))
    draft = Draft.objects.create(account=account, kind="reply", opportunity=opportunity, text="Count host bits.")
    tweet = Tweet.objects.create(account=account, text="A post", via="api", x_id="777")
    metrics = DailyMetrics.objects.create(account=account, day=timezone.now().date(), followers=1200)
    call = XApiCall.objects.create(account=account, endpoint="users/me", outcome="ok")
    return {"xaccount": account, "opportunity": opportunity, "foundpost": post, "draft": draft, "tweet": tweet,
            "dailymetrics": metrics, "xapicall": call}


def test_a_moderator_finds_the_growth_models_in_admin(client, moderator, growth_rows):
    client.force_login(moderator)

    index = client.get("/admin/").content.decode()
    for name in ("X accounts", "Drafts", "Opportunities", "Tweets", "Daily metrics", "X API calls"):
        assert f">{name}</a>" in index, name
    for model in CHANGE + VIEW_ONLY:
        assert client.get(f"/admin/growth/{model}/").status_code == 200, model


def test_a_moderator_edits_an_accounts_voice_and_searches_but_never_adds_an_account(client, moderator, growth_rows):
    account = growth_rows["xaccount"]
    client.force_login(moderator)
    url = f"/admin/growth/xaccount/{account.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="voice-0-persona"' in page and 'name="searches-0-query"' in page and 'name="_save"' in page

    response = client.post(url, {
        "username": "pingtopass", "can_read": "on", "can_post": "on", "monthly_cap_usd": "25.00",
        "monthly_follower_target": "750",
        "voice-TOTAL_FORMS": "1", "voice-INITIAL_FORMS": "0", "voice-MIN_NUM_FORMS": "0", "voice-MAX_NUM_FORMS": "1",
        "voice-0-persona": "A patient CompTIA instructor", "voice-0-audience": "Security+ candidates",
        "voice-0-tone": "warm", "voice-0-account": account.pk,
        "searches-TOTAL_FORMS": "1", "searches-INITIAL_FORMS": "0", "searches-MIN_NUM_FORMS": "0",
        "searches-MAX_NUM_FORMS": "1000", "searches-0-query": "#SecurityPlus -is:retweet", "searches-0-is_active": "on",
        "searches-0-every_minutes": "60", "searches-0-account": account.pk,
    })

    assert response.status_code == 302, response.content.decode()[:3000]
    account.refresh_from_db()
    assert account.monthly_follower_target == 750
    assert VoiceProfile.objects.get(account=account).persona == "A patient CompTIA instructor"
    assert list(account.searches.values_list("query", flat=True)) == ["#SecurityPlus -is:retweet"]
    assert client.get("/admin/growth/xaccount/add/").status_code == 403
    assert client.get(f"/admin/growth/xaccount/{account.pk}/delete/").status_code == 403


def test_what_x_and_our_logs_recorded_is_read_only_for_a_moderator(client, moderator, growth_rows):
    client.force_login(moderator)
    for model in VIEW_ONLY:
        page = client.get(f"/admin/growth/{model}/{growth_rows[model].pk}/change/").content.decode()
        assert 'name="_save"' not in page, model
        assert client.get(f"/admin/growth/{model}/{growth_rows[model].pk}/delete/").status_code == 403, model
    draft = client.get(f"/admin/growth/draft/{growth_rows['draft'].pk}/change/").content.decode()
    assert 'name="_save"' in draft  # a pending draft is the moderator's to edit


@pytest.mark.parametrize("model", CHANGE + VIEW_ONLY)
def test_a_learner_sees_no_growth_model(client, learner, growth_rows, model):
    client.force_login(learner)
    response = client.get(f"/admin/growth/{model}/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    index = client.get("/admin/", follow=True).content.decode()
    assert "X accounts" not in index
