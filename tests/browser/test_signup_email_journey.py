"""A fresh install names itself in its mail (issue 29, defect 6): a newcomer signs up in Chromium,
the confirmation email goes out over SMTP to a real server on 127.0.0.1 and greets from the site's
name and domain (never "example.com"), and its link, opened in the same browser, confirms the
address and signs the learner in."""

import re

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.journeys import TIMEOUT_MS
from tests.servers import smtp_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "new.learner@example.org"
PASSPHRASE = "a-long-enough-passphrase"


@pytest.fixture
def mail_over_smtp(settings):
    """The site sends its mail as production does: Django's SMTP backend, to a server on 127.0.0.1."""
    with smtp_server() as inbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", inbox.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
        yield inbox


@pytest.fixture
def fresh_install(db):
    """The database as `make setup` leaves it: django.contrib.sites' default row ("example.com", as
    a new database or a test flush has it), then the seed."""
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": "example.com", "name": "example.com"})
    Site.objects.clear_cache()
    call_command("seed", "--env", "test", verbosity=0)


def test_the_signup_email_names_the_site_and_its_link_confirms_in_the_browser(
        page: Page, live_server, mail_over_smtp, fresh_install, shoot):
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    page.get_by_label("Email").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSPHRASE)
    page.locator("input[name=password2]").fill(PASSPHRASE)
    shoot("signup-email-form")
    page.locator("form.auth-form [type=submit]").click()
    page.wait_for_url(f"{live_server.url}/accounts/confirm-email/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your email address")
    shoot("signup-email-sent")

    (message,) = mail_over_smtp.wait_for(1)
    assert message["To"] == EMAIL
    body = message.get_content()
    assert f"Hello from {settings.SITE_NAME}!" in body
    assert f"on {settings.SITE_DOMAIN}." in body
    assert "example.com" not in body and "example.com" not in message["Subject"]
    assert message["Subject"].startswith("[PingToPass] ")
    link = re.search(rf"{re.escape(live_server.url)}/accounts/confirm-email/\S+/", body)
    assert link, f"no confirmation link to this site in:\n{body}"
    assert not User.objects.get(email=EMAIL).emailaddress_set.get().verified

    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm email address")
    expect(page.locator("main")).to_contain_text(EMAIL)
    shoot("signup-email-confirm")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(lambda url: "/accounts/confirm-email/" not in url)
    expect(page.locator(".account-menu > summary")).to_be_visible()  # signed in
    assert User.objects.get(email=EMAIL).emailaddress_set.get().verified
    shoot("signup-email-confirmed")
