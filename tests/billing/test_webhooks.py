"""Stripe → dj-stripe's webhook endpoint → the learner's plan. Events are signed with Stripe's real
scheme; while processing them dj-stripe calls a fake Stripe API on 127.0.0.1 (tests/billing/fake_stripe.py)."""

import time
from datetime import UTC, datetime
from unittest import mock

import pytest
from djstripe.models import Event, WebhookEventTrigger

from accounts.models import AuditEvent
from billing.entitlements import entitlements_for
from billing.models import Subscription
from billing.plans import price_option
from billing.services import PLAN_EVENTS, checkout_session_create
from study.services import SessionRequest, UpgradeRequired, session_start
from tests.billing.conftest import MONTHLY, WEBHOOK_SECRET
from tests.billing.fake_stripe import DAY, event_payload, sign
from tests.factories import reloaded

pytestmark = pytest.mark.django_db


def audits(user):
    return list(AuditEvent.objects.filter(action="subscription_changed", actor=user).order_by("created_at", "id"))


def at(unix: int):
    """Time travel: the site's clock reads this Unix time."""
    return mock.patch("django.utils.timezone.now", return_value=datetime.fromtimestamp(unix, tz=UTC))


def test_it_unlocks_pro_the_moment_the_subscription_is_created(webhooks, fake_stripe, customer, learner, learner_client, test_exam):
    adaptive = SessionRequest(mode="adaptive", count=5)
    with pytest.raises(UpgradeRequired):
        session_start(user=learner, exam=test_exam, request=adaptive)
    subscription = fake_stripe.add_subscription(customer=customer.id, price=MONTHLY)

    response = webhooks.send("customer.subscription.created", subscription)

    assert response.status_code == 200
    plan = entitlements_for(reloaded(learner))
    assert plan.is_pro and plan.source == "subscription" and plan.questions_left_today is None
    row = Subscription.objects.get(stripe_id=subscription["id"])
    assert (row.user, row.status, row.interval, row.price_id) == (learner, "active", "month", MONTHLY)
    assert row.current_period_end == datetime.fromtimestamp(subscription["items"]["data"][0]["current_period_end"], tz=UTC)
    started = learner_client.post(f"/exams/{test_exam.code}/start/", {"quick": "adaptive"})
    assert started.status_code == 302 and "/sessions/" in started["Location"]
    [audit] = audits(learner)
    assert audit.detail["plan_from"] == "free" and audit.detail["plan_to"] == "pro" and audit.detail["status_to"] == "active"


def test_checkout_completed_unlocks_pro_with_the_subscription_fetched_from_stripe(webhooks, fake_stripe, learner):
    url = checkout_session_create(user=learner, option=price_option("yearly"), success_url="http://testserver/billing/success/",
                                  cancel_url="http://testserver/billing/cancel/")
    session = fake_stripe.complete_checkout(url.rsplit("/", 1)[1])
    obj = {k: v for k, v in session.items() if not k.startswith("_")}

    assert webhooks.send("checkout.session.completed", obj).status_code == 200

    plan = entitlements_for(reloaded(learner))
    assert plan.is_pro and plan.source == "trial"  # a first subscription starts with the trial
    assert plan.subscription.stripe_id == session["subscription"] and plan.subscription.interval == "year"
    assert fake_stripe.calls("GET", f"/v1/subscriptions/{session['subscription']}")


def test_a_bad_signature_is_rejected_and_changes_nothing(webhooks, fake_stripe, customer, learner):
    subscription = fake_stripe.add_subscription(customer=customer.id, price=MONTHLY)
    payload = event_payload("customer.subscription.created", subscription, event_id="evt_forged", created=int(time.time()))
    tampered = payload.replace('"active"', '"trialing"')

    assert webhooks.post(payload, sign(payload, "whsec_not_the_secret")).status_code == 400
    assert webhooks.post(tampered, sign(payload, WEBHOOK_SECRET)).status_code == 400
    assert webhooks.post(payload, sign(payload, WEBHOOK_SECRET, timestamp=int(time.time()) - 3600)).status_code == 400
    assert webhooks.post(payload, None).status_code == 400

    assert not entitlements_for(reloaded(learner)).is_pro
    assert not Subscription.objects.exists() and not Event.objects.exists() and not audits(learner)
    assert not fake_stripe.calls("GET", "/v1/subscriptions/")
    assert WebhookEventTrigger.objects.filter(valid=False).count() == 3  # kept for forensics; the unsigned one is not


def test_a_replayed_event_changes_nothing_twice(webhooks, fake_stripe, customer, learner):
    subscription = fake_stripe.add_subscription(customer=customer.id, price=MONTHLY)
    first = webhooks.send("customer.subscription.created", subscription, event_id="evt_once")
    row = Subscription.objects.get()
    fake_stripe.update_subscription(subscription["id"], status="past_due")  # replay must not pick this up

    again = webhooks.send("customer.subscription.created", subscription, event_id="evt_once")

    assert first.status_code == again.status_code == 200
    assert Event.objects.filter(id="evt_once").count() == 1
    assert Subscription.objects.get().updated_at == row.updated_at and Subscription.objects.get().status == "active"
    assert len(audits(learner)) == 1


def test_an_older_event_arriving_late_is_ignored(webhooks, fake_stripe, customer, learner):
    t0 = int(time.time()) - 60
    subscription = fake_stripe.add_subscription(customer=customer.id, price=MONTHLY)
    webhooks.send("customer.subscription.created", subscription, created=t0)
    fake_stripe.update_subscription(subscription["id"], status="canceled", canceled_at=t0 + 20, ended_at=t0 + 20)
    webhooks.send("customer.subscription.deleted", fake_stripe.objects["subscriptions"][subscription["id"]],
                  created=t0 + 20, event_id="evt_the_end")
    assert not entitlements_for(reloaded(learner)).is_pro

    # A retry of an update from before the cancellation, processed with a stale read of Stripe.
    fake_stripe.update_subscription(subscription["id"], status="active", canceled_at=None, ended_at=None)
    late = webhooks.send("customer.subscription.updated", subscription, created=t0 + 10)

    assert late.status_code == 200
    row = Subscription.objects.get()
    assert row.status == "canceled" and row.last_event_id == "evt_the_end"
    assert not entitlements_for(reloaded(learner)).is_pro
    assert [a.detail["status_to"] for a in audits(learner)] == ["active", "canceled"]


def test_two_events_of_the_same_second_end_the_same_whatever_order_they_arrive_in(webhooks, fake_stripe, customer, learner):
    t0 = int(time.time()) - 60
    endings = []
    for order in (("evt_t0_a", "evt_t0_b"), ("evt_t0_b", "evt_t0_a")):
        Subscription.objects.all().delete()
        subscription = fake_stripe.add_subscription(customer=customer.id, price=MONTHLY)
        webhooks.send("customer.subscription.created", subscription, created=t0 - 10, event_id=f"evt_start_{order[0]}")
        # Stripe's reads while processing each event: "a" saw the renewal on, "b" saw it switched off.
        reads = {"evt_t0_a": {"cancel_at_period_end": False}, "evt_t0_b": {"cancel_at_period_end": True}}
        for event_id in order:
            fake_stripe.update_subscription(subscription["id"], **reads[event_id])
            assert webhooks.send("customer.subscription.updated", subscription, created=t0,
                                 event_id=f"{event_id}_{order[0]}").status_code == 200
        row = Subscription.objects.get()
        endings.append((row.cancel_at_period_end, row.last_event_id.removesuffix(f"_{order[0]}")))

    assert endings == [(True, "evt_t0_b"), (True, "evt_t0_b")]


def test_a_stale_event_of_the_cancellations_second_does_not_revive_the_subscription(webhooks, fake_stripe, customer, learner):
    t0 = int(time.time()) - 60
    subscription = fake_stripe.add_subscription(customer=customer.id, price=MONTHLY)
    webhooks.send("customer.subscription.created", subscription, created=t0, event_id="evt_0_start")
    fake_stripe.update_subscription(subscription["id"], status="canceled", canceled_at=t0 + 20, ended_at=t0 + 20)
    webhooks.send("customer.subscription.deleted", fake_stripe.objects["subscriptions"][subscription["id"]],
                  created=t0 + 20, event_id="evt_1_end")
    assert not entitlements_for(reloaded(learner)).is_pro

    # An update of the same second, processed with a stale read of Stripe that still says active.
    fake_stripe.update_subscription(subscription["id"], status="active", canceled_at=None, ended_at=None)
    same_second = webhooks.send("customer.subscription.updated", subscription, created=t0 + 20, event_id="evt_2_stale")

    assert same_second.status_code == 200
    row = Subscription.objects.get()
    assert row.status == "canceled" and row.last_event_id == "evt_1_end"
    assert not entitlements_for(reloaded(learner)).is_pro
    assert [a.detail["status_to"] for a in audits(learner)] == ["active", "canceled"]


def test_a_cancellation_at_period_end_keeps_pro_until_the_period_ends(webhooks, fake_stripe, customer, learner, learner_client):
    subscription = fake_stripe.add_subscription(customer=customer.id, price=MONTHLY)
    webhooks.send("customer.subscription.created", subscription)
    period_end = subscription["items"]["data"][0]["current_period_end"]
    fake_stripe.update_subscription(subscription["id"], cancel_at_period_end=True, canceled_at=int(time.time()))

    webhooks.send("customer.subscription.updated", subscription)

    plan = entitlements_for(reloaded(learner))
    assert plan.is_pro and not plan.subscription.renews
    page = learner_client.get("/account/billing/").content.decode()
    assert "Ends on" in page and datetime.fromtimestamp(period_end, tz=UTC).strftime("%B %-d, %Y") in page
    with at(period_end - 60):
        assert entitlements_for(reloaded(learner)).is_pro
    with at(period_end + 60):  # even before Stripe's "deleted" event arrives
        assert not entitlements_for(reloaded(learner)).is_pro

    fake_stripe.update_subscription(subscription["id"], status="canceled", ended_at=period_end)
    webhooks.send("customer.subscription.deleted", subscription)

    assert Subscription.objects.get().status == "canceled" and not entitlements_for(reloaded(learner)).is_pro
    assert [(a.detail["status_to"], a.detail["cancel_at_period_end"]) for a in audits(learner)] == [
        ("active", False), ("active", True), ("canceled", True)]


def test_a_failed_renewal_keeps_pro_through_the_grace_period_then_falls_back_to_free(
    webhooks, fake_stripe, customer, learner, learner_client, test_exam, settings
):
    settings.BILLING_GRACE_DAYS = 3
    subscription = fake_stripe.add_subscription(customer=customer.id, price=MONTHLY)
    webhooks.send("customer.subscription.created", subscription)
    failed_at = int(time.time())
    fake_stripe.update_subscription(subscription["id"], status="past_due")
    invoice = fake_stripe.add_invoice(subscription=subscription["id"], status="open")

    assert webhooks.send("invoice.payment_failed", invoice, created=failed_at).status_code == 200

    plan = entitlements_for(reloaded(learner))
    assert plan.is_pro and plan.source == "grace"
    assert plan.grace_ends_at == datetime.fromtimestamp(failed_at + 3 * DAY, tz=UTC)
    assert "The last renewal payment failed" in learner_client.get("/account/billing/").content.decode()
    with at(failed_at + 2 * DAY):
        assert entitlements_for(reloaded(learner)).is_pro
    with at(failed_at + 3 * DAY + 60):
        assert not entitlements_for(reloaded(learner)).is_pro
        with pytest.raises(UpgradeRequired):
            session_start(user=learner, exam=test_exam, request=SessionRequest(mode="adaptive", count=5))

    fake_stripe.update_subscription(subscription["id"], status="active")
    paid = fake_stripe.add_invoice(subscription=subscription["id"], status="paid")
    assert webhooks.send("invoice.paid", paid).status_code == 200

    row = Subscription.objects.get()
    assert row.status == "active" and row.past_due_since is None
    with at(failed_at + 10 * DAY):
        assert entitlements_for(reloaded(learner)).is_pro
    page = learner_client.get("/account/billing/").content.decode()
    assert paid["number"] in page and invoice["number"] in page and "$12" in page


def test_a_subscription_of_no_user_of_ours_is_recorded_by_dj_stripe_only(webhooks, fake_stripe, learner):
    stranger = fake_stripe.add_customer(email="someone@elsewhere.test")
    subscription = fake_stripe.add_subscription(customer=stranger["id"], price=MONTHLY)

    assert webhooks.send("customer.subscription.created", subscription).status_code == 200

    assert not Subscription.objects.exists() and not entitlements_for(reloaded(learner)).is_pro


def test_the_endpoint_command_creates_the_row_holding_the_secret(db, settings, capsys):
    from django.core.management import call_command
    from djstripe.models import WebhookEndpoint

    settings.STRIPE_WEBHOOK_SECRET = "whsec_fromTheEnvironment"
    call_command("billing_webhook_endpoint", "--base-url", "https://pingtopass.example")
    call_command("billing_webhook_endpoint", "--base-url", "https://pingtopass.example")

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == "whsec_fromTheEnvironment"
    assert endpoint.url == f"https://pingtopass.example/stripe/webhook/{endpoint.djstripe_uuid}/"
    assert endpoint.url in capsys.readouterr().out
    assert sorted(endpoint.enabled_events) == sorted(PLAN_EVENTS)
