"""Pricing, Checkout, the return from Checkout, the billing page and the customer portal."""

import pytest
from django.test import Client
from djstripe.models import Customer

from billing.entitlements import entitlements_for
from tests.billing.conftest import MONTHLY, YEARLY
from tests.factories import SubscriptionFactory, UserFactory, reloaded

pytestmark = pytest.mark.django_db


def test_without_stripe_keys_pricing_shows_the_plans_and_says_payments_are_off(client, learner_client, settings):
    settings.STRIPE_SECRET_KEY = ""
    for c in (client, learner_client):
        page = c.get("/pricing/").content.decode()
        assert "Payments are not configured on this site yet" in page
        assert "$12" in page and "$99" in page and "20 practice questions a day" in page and "Adaptive practice" in page
    assert "Payments not configured" in learner_client.get("/pricing/").content.decode()
    refused = learner_client.post("/billing/checkout/", {"interval": "monthly"}, follow=True)
    assert "Payments are not configured" in refused.content.decode()
    assert "Payments are not configured" in learner_client.get("/account/billing/").content.decode()


def test_checkout_sends_the_learner_to_stripe_with_their_customer_and_return_urls(learner_client, learner, fake_stripe):
    page = learner_client.get("/pricing/").content.decode()
    assert "Start free trial — $12 a month" in page and "Start free trial — $99 a year" in page

    response = learner_client.post("/billing/checkout/", {"interval": "yearly"})

    assert response.status_code == 303 and response["Location"].startswith(f"{fake_stripe.url}/checkout/cs_test_")
    [form] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    customer = Customer.objects.get(subscriber=learner)
    assert form["customer"] == customer.id and form["mode"] == "subscription" and form["client_reference_id"] == str(learner.pk)
    assert form["line_items"] == [{"price": YEARLY, "quantity": "1"}]
    assert form["success_url"] == "http://testserver/billing/success/?session_id={CHECKOUT_SESSION_ID}"
    assert form["cancel_url"] == "http://testserver/billing/cancel/"
    assert form["subscription_data"]["trial_period_days"] == "7"
    assert fake_stripe.calls("POST", "/v1/customers")[0]["metadata"] == {"djstripe_subscriber": str(learner.pk)}


def test_a_returning_subscriber_gets_no_second_trial(learner_client, learner, fake_stripe):
    SubscriptionFactory(user=learner, status="canceled")
    assert "Go Pro — $12 a month" in learner_client.get("/pricing/").content.decode()
    learner_client.post("/billing/checkout/", {"interval": "monthly"})
    [form] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert "trial_period_days" not in form["subscription_data"] and form["line_items"][0]["price"] == MONTHLY


def test_checkout_is_refused_politely_for_bad_choices_and_current_subscribers(learner_client, learner, fake_stripe):
    bad = learner_client.post("/billing/checkout/", {"interval": "weekly"}, follow=True)
    assert "Choose the monthly or the yearly plan." in bad.content.decode()
    SubscriptionFactory(user=learner)
    again = learner_client.post("/billing/checkout/", {"interval": "monthly"})
    assert again["Location"] == "/account/billing/"
    assert not fake_stripe.calls("POST", "/v1/checkout/sessions")


def test_returning_from_checkout_unlocks_pro_without_waiting_for_the_webhook(learner_client, learner, fake_stripe):
    url = learner_client.post("/billing/checkout/", {"interval": "monthly"})["Location"]
    session = fake_stripe.complete_checkout(url.rsplit("/", 1)[1])

    page = learner_client.get(f"/billing/success/?session_id={session['id']}").content.decode()

    assert "Welcome to Pro" in page and "Your trial runs until" in page
    assert entitlements_for(reloaded(learner)).is_pro


def test_someone_elses_checkout_session_does_not_unlock_anything(learner_client, learner, fake_stripe):
    client = Client()
    client.force_login(UserFactory())
    url = client.post("/billing/checkout/", {"interval": "monthly"})["Location"]
    session = fake_stripe.complete_checkout(url.rsplit("/", 1)[1])

    page = learner_client.get(f"/billing/success/?session_id={session['id']}").content.decode()

    assert "This checkout belongs to another account." in page and 'http-equiv="refresh"' not in page
    assert not entitlements_for(reloaded(learner)).is_pro


def test_a_cancelled_checkout_says_nothing_was_charged(learner_client):
    assert "Nothing was charged" in learner_client.get("/billing/cancel/").content.decode()


def test_the_billing_page_shows_plan_status_renewal_and_opens_the_portal(learner_client, learner, fake_stripe, customer):
    subscription = SubscriptionFactory(user=learner, customer_id=customer.id)
    page = learner_client.get("/account/billing/").content.decode()
    assert "Pro" in page and "Active" in page and "Renews on" in page
    assert subscription.current_period_end.strftime("%B %-d, %Y") in page and "No invoices yet." in page

    response = learner_client.post("/account/billing/portal/")

    assert response.status_code == 303 and response["Location"].startswith(f"{fake_stripe.url}/portal/bps_")
    [form] = fake_stripe.calls("POST", "/v1/billing_portal/sessions")
    assert form == {"customer": customer.id, "return_url": "http://testserver/account/billing/"}


def test_the_billing_page_of_a_free_learner_offers_pro(learner_client, fake_stripe):
    page = learner_client.get("/account/billing/").content.decode()
    assert "Free" in page and "See Pro plans" in page and "Manage billing on Stripe" not in page
    no_customer = learner_client.post("/account/billing/portal/", follow=True)
    assert "There is no billing account to manage yet" in no_customer.content.decode()


def test_stripe_being_down_gives_a_clear_message_not_an_error(learner_client, learner, fake_stripe, customer):
    fake_stripe.fail_with = 500
    SubscriptionFactory(user=learner, customer_id=customer.id)
    portal = learner_client.post("/account/billing/portal/", follow=True)
    assert portal.status_code == 200 and "Stripe could not open the billing portal just now" in portal.content.decode()
    learner.subscriptions.all().delete()
    checkout = learner_client.post("/billing/checkout/", {"interval": "monthly"}, follow=True)
    assert checkout.status_code == 200 and "Nothing was charged; please try again" in checkout.content.decode()


def test_staff_are_told_they_already_have_everything(client, moderator):
    client.force_login(moderator)
    assert "Your account already has everything Pro includes." in client.get("/pricing/").content.decode()


def test_deleting_an_account_cancels_its_subscription_in_stripe(learner_client, learner, fake_stripe, customer):
    subscription = fake_stripe.add_subscription(customer=customer.id, price=MONTHLY)
    SubscriptionFactory(user=learner, stripe_id=subscription["id"], customer_id=customer.id)

    learner_client.post("/account/delete/", {"confirm": "delete my account", "password": "correct-horse-battery-staple"})

    assert not type(learner).objects.filter(pk=learner.pk).exists()
    assert fake_stripe.objects["subscriptions"][subscription["id"]]["status"] == "canceled"
    assert ("DELETE", f"/v1/subscriptions/{subscription['id']}") in [(m, p) for m, p, _ in fake_stripe.requests]


def test_an_account_stays_when_stripe_cannot_cancel_its_subscription(learner_client, learner, fake_stripe, customer):
    subscription = fake_stripe.add_subscription(customer=customer.id, price=MONTHLY)
    SubscriptionFactory(user=learner, stripe_id=subscription["id"], customer_id=customer.id)
    fake_stripe.fail_with = 500

    response = learner_client.post("/account/delete/", {"confirm": "delete my account", "password": "correct-horse-battery-staple"})

    assert response.status_code == 503 and "nothing was deleted" in response.content.decode()
    assert response["Retry-After"] == "60"  # a client (or a proxy) knows when to try again
    assert type(learner).objects.filter(pk=learner.pk).exists() and entitlements_for(reloaded(learner)).is_pro
    assert learner_client.get("/account/billing/").status_code == 200  # still signed in
    fake_stripe.fail_with = None
    learner_client.post("/account/delete/", {"confirm": "delete my account", "password": "correct-horse-battery-staple"})
    assert not type(learner).objects.filter(pk=learner.pk).exists()


def test_a_learner_whose_payment_failed_is_sent_to_fix_it_not_to_a_second_subscription(learner_client, learner, fake_stripe):
    SubscriptionFactory(user=learner, status="unpaid")
    assert not entitlements_for(reloaded(learner)).is_pro
    response = learner_client.post("/billing/checkout/", {"interval": "monthly"}, follow=True)
    assert response.redirect_chain[-1][0] == "/account/billing/" and "update your card" in response.content.decode()
    assert not fake_stripe.calls("POST", "/v1/checkout/sessions")


def test_a_second_checkout_is_refused_when_stripe_already_bills_the_learner(learner_client, learner, fake_stripe):
    """The first Checkout finished in another tab and neither its return nor its webhook has
    reached us yet: Stripe knows, so no second subscription (and no second trial) is sold."""
    first = learner_client.post("/billing/checkout/", {"interval": "monthly"})["Location"]
    fake_stripe.complete_checkout(first.rsplit("/", 1)[1])

    response = learner_client.post("/billing/checkout/", {"interval": "yearly"}, follow=True)

    assert response.redirect_chain[-1][0] == "/account/billing/"
    assert "You already have a subscription" in response.content.decode()
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1
    assert entitlements_for(reloaded(learner)).is_pro  # and what Stripe said was folded in on the way


def test_a_learner_who_subscribed_before_gets_no_second_trial(learner_client, learner, fake_stripe):
    customer = Customer.objects.create(id=fake_stripe.add_customer(email=learner.email)["id"], subscriber=learner,
                                       livemode=False)
    old = fake_stripe.add_subscription(customer=customer.id, price=MONTHLY)
    fake_stripe.update_subscription(old["id"], status="canceled")

    assert learner_client.post("/billing/checkout/", {"interval": "monthly"}).status_code == 303
    [form] = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert "trial_period_days" not in form["subscription_data"]


def test_the_success_page_stops_checking_after_two_minutes(learner_client, fake_stripe):
    url = learner_client.post("/billing/checkout/", {"interval": "monthly"})["Location"]
    session_id = url.rsplit("/", 1)[1]  # never paid

    first = learner_client.get(f"/billing/success/?session_id={session_id}").content.decode()
    last = learner_client.get(f"/billing/success/?session_id={session_id}&check=24").content.decode()

    assert f'content="5;url=/billing/success/?session_id={session_id}&amp;check=1"' in first
    assert 'http-equiv="refresh"' not in last and "Stripe has not confirmed this checkout yet" in last


def test_an_anonymous_checkout_goes_to_sign_in(client):
    response = client.post("/billing/checkout/", {"interval": "monthly"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
