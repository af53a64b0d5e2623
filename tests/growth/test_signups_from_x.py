"""Sign-ups from X in the daily metrics: a person opens one of our accounts' links on X (the UTM
tags growth puts on a question of the day), signs up, and that account's day counts them."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from accounts.models import SignupSource
from growth.models import DailyMetrics, XAccount
from growth.services import metrics_collect
from growth.services.drafting import practice_link
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def open_link_and_sign_up(client, url: str, email: str) -> None:
    parts = urlsplit(url)
    assert client.get(f"{parts.path}?{parts.query}").status_code == 200
    response = client.post("/accounts/signup/", {"email": email, "password1": "a-long-enough-passphrase",
                                                 "password2": "a-long-enough-passphrase"})
    assert response.status_code == 302
    client.logout()


def test_a_sign_up_by_an_accounts_link_on_x_counts_in_that_accounts_day(client, fake_x, account, exam):
    question = QuestionFactory(exam=exam, objective=exam.domains.get().objectives.get())
    other = XAccount.objects.create(username="pingtopass_net")
    open_link_and_sign_up(client, practice_link(question, account=account), "ann@example.com")
    open_link_and_sign_up(client, practice_link(question, account=other), "bo@example.com")
    open_link_and_sign_up(client, f"/exams/{exam.code}/?utm_source=newsletter&utm_content=pingtopass-q1",
                          "cy@example.com")
    SignupSource.objects.create(user=UserFactory(), utm_source="x", utm_content=f"pingtopass-q{question.pk}",
                                created_at=timezone.now() - timedelta(days=1))  # yesterday's

    assert SignupSource.objects.get(user__email="ann@example.com").utm_content == f"pingtopass-q{question.pk}"
    row = metrics_collect(account_id=account.pk)

    assert isinstance(row, DailyMetrics) and row.signups == 1
    assert DailyMetrics.objects.get(account=account).cost_per_signup == row.cost / 1


def test_the_metrics_page_shows_xs_own_count_of_the_projects_usage(client, fake_x, account, moderator, settings):
    """GET /2/usage/tweets is read (free of charge, with the app's bearer token) with each day's collection."""
    settings.GROWTH_X_APP_BEARER_TOKEN = "app-only-token"
    metrics_collect(account_id=account.pk)
    assert any(r.path.startswith("/2/usage/tweets") for r in fake_x.requests)
    client.force_login(moderator)
    page = client.get(f"/growth/metrics/?account={account.pk}").content.decode()
    assert "X project usage this period: 120 of 10,000 posts read, resetting on day 1 of the month" in page
