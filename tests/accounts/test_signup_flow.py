import re

import pytest
from django.core import mail
from django.test import override_settings

from accounts.models import User

pytestmark = pytest.mark.django_db


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_it_signs_up_verifies_the_email_then_logs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "New.Learner@Example.com", "password1": "a-long-enough-passphrase", "password2": "a-long-enough-passphrase"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new.learner@example.com")
    assert user.role == "learner"

    # Verification is mandatory: the account cannot sign in before confirming.
    client.logout()
    blocked = client.post("/accounts/login/", {"login": "new.learner@example.com", "password": "a-long-enough-passphrase"})
    assert blocked.status_code == 302 and blocked["Location"] == "/accounts/confirm-email/"
    assert not client.get("/sessions/").wsgi_request.user.is_authenticated

    assert len(mail.outbox) >= 1
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)
    page = client.get(link)
    assert page.status_code == 200 and b"Confirm" in page.content
    confirmed = client.post(link)
    assert confirmed.status_code == 302

    client.logout()
    logged_in = client.post("/accounts/login/", {"login": "new.learner@example.com", "password": "a-long-enough-passphrase"})
    assert logged_in.status_code == 302
    assert client.get("/sessions/").status_code == 200


def test_it_shows_styled_auth_pages_in_the_site_layout(client):
    for url in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        page = client.get(url).content.decode()
        assert 'class="site-header"' in page and "auth-card" in page, url


def test_it_sends_a_password_reset_email(client, learner):
    response = client.post("/accounts/password/reset/", {"email": learner.email})
    assert response.status_code == 302
    assert mail.outbox and learner.email in mail.outbox[-1].to
    assert "/accounts/password/reset/key/" in mail.outbox[-1].body


def test_google_sign_in_appears_only_when_configured(client, settings):
    assert b"Google" not in client.get("/accounts/login/").content
    settings.SOCIALACCOUNT_PROVIDERS = {"google": {
        **settings.SOCIALACCOUNT_PROVIDERS["google"],
        "APPS": [{"client_id": "test-client.apps.googleusercontent.com", "secret": "test-secret", "key": ""}],
    }}
    page = client.get("/accounts/login/").content.decode()
    assert "Google" in page and "/accounts/google/login/" in page
