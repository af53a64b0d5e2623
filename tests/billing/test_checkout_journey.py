"""In Chromium: a free learner meets the limits, goes from pricing through (fake) Stripe Checkout
and back, the signed webhook arrives, and the Pro features are open."""

import copy
import time
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from accounts.models import AuditEvent
from billing.entitlements import entitlements_for
from billing.services import webhook_endpoint_ensure
from study.models import StudySession
from study.services import SessionRequest, answer_record, session_start
from tests.answers import correct_post_data
from tests.billing.conftest import WEBHOOK_SECRET
from tests.billing.fake_stripe import event_payload, sign
from tests.browser.journeys import QUESTION_URL, TIMEOUT_MS, current_session, log_in
from tests.factories import reloaded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def both_themes(page: Page, shoot, name: str) -> None:
    page.emulate_media(color_scheme="light")
    shoot(f"{name}-light")
    page.emulate_media(color_scheme="dark")
    shoot(f"{name}-dark")
    page.emulate_media(color_scheme="light")


def post_webhook(url: str, event_type: str, obj: dict) -> int:
    payload = event_payload(event_type, obj, event_id="evt_checkout_journey", created=int(time.time()))
    request = urllib.request.Request(url, data=payload.encode(), method="POST", headers={
        "Content-Type": "application/json", "Stripe-Signature": sign(payload, WEBHOOK_SECRET)})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_from_pricing_through_checkout_to_pro(page: Page, live_server, learner, password, test_exam, fake_stripe, settings, shoot):
    # Checkout lives on the fake Stripe's origin here: let forms go there, as they may go to checkout.stripe.com.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(fake_stripe.url)
    settings.CONTENT_SECURITY_POLICY = policy
    endpoint = webhook_endpoint_ensure(secret=WEBHOOK_SECRET, base_url=live_server.url)
    practice = session_start(user=learner, exam=test_exam, request=SessionRequest(mode="practice", count=5))
    for item in practice.items.all():
        answer_record(item=item, data=correct_post_data(item), client_seconds=12)

    log_in(page, live_server, shoot, email=learner.email, password=password, prefix="journey")
    expect(page.locator("[data-allowance]")).to_have_text("15 of 20 free questions left today. Upgrade to Pro for unlimited practice.")
    expect(page.locator(".readiness [data-upgrade-prompt]")).to_contain_text("See your chance of passing")
    both_themes(page, shoot, "upgrade-prompt-dashboard")

    page.goto(f"{live_server.url}/exams/{test_exam.code}/")
    expect(page.get_by_role("button", name="Start exam simulation")).to_contain_text("1 free simulation per exam")
    expect(page.locator("#adaptive")).to_contain_text("Adaptive practice is part of Pro")
    both_themes(page, shoot, "upgrade-prompt-exam")

    page.locator("#adaptive").get_by_role("link", name="Upgrade to Pro").click()
    expect(page).to_have_url(f"{live_server.url}/pricing/")
    expect(page.get_by_role("heading", name="Plans and pricing")).to_be_visible()
    both_themes(page, shoot, "pricing")

    page.get_by_role("button", name="Start free trial — $12 a month").click()
    page.wait_for_url(f"{fake_stripe.url}/checkout/**")
    expect(page.get_by_role("heading", name="Pay PingToPass")).to_be_visible()
    shoot("fake-stripe-checkout")
    page.get_by_role("button", name="Pay").click()

    page.wait_for_url(f"{live_server.url}/billing/success/?session_id=cs_test_*", timeout=TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Welcome to Pro")).to_be_visible()
    both_themes(page, shoot, "success")
    [session] = fake_stripe.objects["checkout/sessions"].values()
    completed = {k: v for k, v in session.items() if not k.startswith("_")}
    assert post_webhook(live_server.url + endpoint.url.removeprefix(live_server.url), "checkout.session.completed", completed) == 200
    assert entitlements_for(reloaded(learner)).source == "trial"
    assert AuditEvent.objects.filter(action="subscription_changed", actor=learner).count() == 1  # return and webhook: one change

    page.get_by_role("link", name="Go to your dashboard").click()
    expect(page.locator("[data-allowance]")).to_have_count(0)
    expect(page.locator(".readiness [data-upgrade-prompt]")).to_have_count(0)
    page.get_by_role("button", name="Adaptive practice").click()
    page.wait_for_url(QUESTION_URL)
    assert current_session(page).mode == StudySession.Mode.ADAPTIVE

    page.goto(f"{live_server.url}/account/billing/")
    expect(page.locator("#plan-title")).to_have_text("Pro")
    expect(page.locator(".facts")).to_contain_text("Trial ends")
    expect(page.get_by_role("button", name="Manage billing on Stripe")).to_be_visible()
    both_themes(page, shoot, "account")
