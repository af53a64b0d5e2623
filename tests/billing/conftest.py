import itertools
import time

import pytest
import stripe

from billing.services import webhook_endpoint_ensure
from tests.billing.fake_stripe import FakeStripe, event_payload, sign

SECRET_KEY = "sk_test_" + "PingToPassFakeKey0123456789"
WEBHOOK_SECRET = "whsec_PingToPassTestSigningSecret"
MONTHLY, YEARLY = "price_PingToPassProMonthly", "price_PingToPassProYearly"


@pytest.fixture
def fake_stripe(settings):
    """A running fake Stripe API with the two Pro prices, and the site configured to use it."""
    server = FakeStripe().start()
    server.add_price(MONTHLY, amount=1200, interval="month")
    server.add_price(YEARLY, amount=9900, interval="year")
    previous = stripe.api_base
    stripe.api_base = server.url
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PRICE_PRO_MONTHLY = MONTHLY
    settings.STRIPE_PRICE_PRO_YEARLY = YEARLY
    yield server
    stripe.api_base = previous
    server.stop()
    assert not server.unknown, f"the site called Stripe API paths the fake does not know: {server.unknown}"


_event_ids = itertools.count(1)


class Webhooks:
    """Posts Stripe-signed events to dj-stripe's endpoint, like Stripe does."""

    def __init__(self, client, endpoint):
        self.client = client
        self.url = endpoint.url.removeprefix("http://testserver")

    def send(self, event_type: str, obj: dict, *, created: int | None = None, event_id: str | None = None,
             secret: str = WEBHOOK_SECRET):
        payload = event_payload(
            event_type, obj, event_id=event_id or f"evt_{next(_event_ids):06d}PingToPass",
            created=int(time.time()) if created is None else created,
        )
        return self.post(payload, sign(payload, secret))

    def post(self, payload: str, signature: str | None):
        headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
        return self.client.post(self.url, data=payload, content_type="application/json", **headers)


@pytest.fixture
def webhooks(db, fake_stripe, settings):
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    endpoint = webhook_endpoint_ensure(secret=WEBHOOK_SECRET, base_url="http://testserver")
    from django.test import Client

    return Webhooks(Client(), endpoint)


@pytest.fixture
def customer(fake_stripe, learner):
    """The learner's Stripe customer, created through dj-stripe as checkout would."""
    from billing.services import customer_for_user

    return customer_for_user(user=learner)


@pytest.fixture
def shoot(page, artifacts_dir):
    """Save a full-page screenshot as test-artifacts/screenshots/billing-<name>.png."""
    import os

    def _shoot(name: str) -> str:
        path = os.path.join(artifacts_dir, f"billing-{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return _shoot
