"""Stripe calls and the subscription projection. Every billing write goes through here.

Stripe → webhook → dj-stripe verifies the signature, stores the Event (once per event id) and
re-fetches the object from the API → billing.webhooks calls `subscription_refresh` → the
subscription is folded into `billing.Subscription` → entitlements change at once.
"""

import contextlib
import logging
from datetime import datetime
from uuid import uuid4

import stripe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from djstripe import models as djstripe_models
from djstripe.settings import djstripe_settings
from djstripe.utils import convert_tstamp, get_id_from_stripe_data

from accounts.audit import audit_log
from billing.entitlements import entitlements_for
from billing.models import ENDED_STATUSES, Subscription
from billing.plans import PriceOption, trial_days_for

logger = logging.getLogger("pingtopass.billing")

# The Stripe events that change a plan (billing.webhooks listens to these).
PLAN_EVENTS = (
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_failed",
)


class BillingError(Exception):
    """Stripe could not do what was asked; the message says so in the learner's words."""


def _api_key() -> str:
    return djstripe_settings.get_default_api_key(livemode=settings.STRIPE_LIVE_MODE)


def _stripe_call(what: str, call, **params):
    try:
        return call(api_key=_api_key(), stripe_version=djstripe_settings.STRIPE_API_VERSION, **params)
    except stripe.StripeError as exc:
        logger.warning("stripe %s failed: %s", what, exc)
        raise BillingError(f"Stripe could not {what} just now. Nothing was charged; please try again in a minute.") from exc


# --- Checkout and the customer portal -------------------------------------------------------
def customer_for_user(*, user) -> djstripe_models.Customer:
    """The user's Stripe customer, created in Stripe on first use (dj-stripe links it to the user)."""
    try:
        customer, _ = djstripe_models.Customer.get_or_create(subscriber=user, livemode=settings.STRIPE_LIVE_MODE)
    except stripe.StripeError as exc:
        logger.warning("stripe customer create failed: %s", exc)
        raise BillingError("Stripe could not be reached just now. Nothing was charged; please try again in a minute.") from exc
    return customer


class AlreadySubscribed(BillingError):
    pass


ALREADY_SUBSCRIBED = "You already have a subscription: change it, or update your card, from this page."


class CheckoutNotYours(BillingError):
    """Checking again will not help."""


def checkout_session_create(*, user, option: PriceOption, success_url: str, cancel_url: str) -> str:
    """Start Stripe Checkout for a Pro subscription; returns the URL to send the learner to.

    A subscription that may still charge is refused (a second one would charge twice): ours
    first, then Stripe's, since a Checkout finished in another tab may not have reached us yet;
    such a one is folded in."""
    if Subscription.objects.filter(user=user).open().exists():
        raise AlreadySubscribed(ALREADY_SUBSCRIBED)
    customer = customer_for_user(user=user)
    existing = _stripe_call("check your subscriptions", stripe.Subscription.list, customer=customer.id, status="all", limit=20)
    subscriptions = list(existing.get("data") or [])
    for data in subscriptions:
        if data.get("status") not in ENDED_STATUSES:
            with contextlib.suppress(stripe.StripeError):
                subscription_refresh(stripe_id=data["id"], user_hint=user.pk)
            raise AlreadySubscribed(ALREADY_SUBSCRIBED)
    subscription_data: dict = {"metadata": {"user_id": str(user.pk)}}
    trial_days = 0 if subscriptions else trial_days_for(user)  # a trial comes with a first subscription only
    if trial_days:
        subscription_data["trial_period_days"] = trial_days
    session = _stripe_call(
        "start checkout",
        stripe.checkout.Session.create,
        mode="subscription",
        customer=customer.id,
        client_reference_id=str(user.pk),
        line_items=[{"price": option.price_id, "quantity": 1}],
        subscription_data=subscription_data,
        allow_promotion_codes=True,
        success_url=f"{success_url}?session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=cancel_url,
    )
    return session["url"]


def portal_session_create(*, user, return_url: str) -> str:
    """A Stripe customer portal session (change card, switch plan, cancel, invoices); its URL."""
    customer = djstripe_models.Customer.objects.filter(subscriber=user, livemode=settings.STRIPE_LIVE_MODE).first()
    if customer is None:
        raise BillingError("There is no billing account to manage yet: subscribe to Pro first.")
    session = _stripe_call(
        "open the billing portal", stripe.billing_portal.Session.create, customer=customer.id, return_url=return_url
    )
    return session["url"]


def checkout_session_fulfil(*, user, session_id: str) -> Subscription | None:
    """On return from Checkout, fold in the new subscription without waiting for the webhook
    (`user` learns its new plan). Returns None while Stripe has not completed the session."""
    session = _stripe_call("confirm the checkout", stripe.checkout.Session.retrieve, id=session_id)
    customer_id = get_id_from_stripe_data(session.get("customer"))
    own_customer = djstripe_models.Customer.objects.filter(id=customer_id, subscriber=user).exists()
    if session.get("client_reference_id") != str(user.pk) and not own_customer:
        raise CheckoutNotYours("This checkout belongs to another account.")
    subscription_id = get_id_from_stripe_data(session.get("subscription"))
    if session.get("status") != "complete" or not subscription_id:
        return None
    try:
        subscription = subscription_refresh(stripe_id=subscription_id, user_hint=user.pk)
    except stripe.StripeError as exc:
        raise BillingError("Your payment went through; your plan will switch to Pro within a minute.") from exc
    # The projection saved the subscription through another instance of this user: reload the
    # version the plan cache is keyed by (billing.entitlements).
    user.refresh_from_db(fields=["plan_version"])
    return subscription


# --- The projection ---------------------------------------------------------------------------
def subscription_refresh(*, stripe_id: str, event: djstripe_models.Event | None = None, user_hint=None) -> Subscription | None:
    """Fold the current state of a Stripe subscription into our projection.

    Subscription events have just been synced from the API by dj-stripe; for the others
    (invoices, checkout) the subscription is fetched and synced here.
    """
    local = djstripe_models.Subscription.objects.filter(id=stripe_id).select_related("customer").first()
    if event is None or local is None or not event.type.startswith("customer.subscription."):
        api_key = event.default_api_key if event is not None else _api_key()
        data = djstripe_models.Subscription(id=stripe_id).api_retrieve(api_key=api_key)
        local = djstripe_models.Subscription.sync_from_stripe_data(data, api_key=api_key)
    data = local.stripe_data
    user = _subscriber(local.customer, data, user_hint)
    if user is None:
        logger.warning("stripe subscription %s belongs to no user of ours; ignored", stripe_id)
        return None
    return subscription_project(
        data=data, user=user, event_at=event.created if event is not None else None,
        event_id=event.id if event is not None else "", event_type=event.type if event is not None else "checkout.return",
    )


def _subscriber(customer: djstripe_models.Customer, data: dict, user_hint):
    """The user a subscription belongs to: the customer's subscriber, else the user id we put in
    the customer's or subscription's metadata (read back from Stripe with our key), else the hint."""
    if customer.subscriber_id:
        return customer.subscriber
    candidates = [
        (customer.metadata or {}).get(djstripe_settings.SUBSCRIBER_CUSTOMER_KEY),
        (data.get("metadata") or {}).get("user_id"),
        user_hint,
    ]
    User = get_user_model()
    for candidate in candidates:
        try:
            user = User.objects.filter(pk=int(candidate)).first() if candidate else None
        except (TypeError, ValueError):
            user = None
        if user is not None:
            customer.subscriber = user
            customer.save(update_fields=["subscriber"])
            return user
    return None


def _period_end(data: dict) -> int | None:
    # Since Stripe API 2025-03-31 the billing period is on the subscription items.
    items = (data.get("items") or {}).get("data") or [{}]
    return data.get("current_period_end") or items[0].get("current_period_end")


def _fields_from_stripe(data: dict) -> dict:
    items = (data.get("items") or {}).get("data") or [{}]
    price = items[0].get("price") or data.get("plan") or {}
    interval = (price.get("recurring") or {}).get("interval") or price.get("interval") or ""
    return {
        "customer_id": get_id_from_stripe_data(data.get("customer")) or "",
        "status": data.get("status") or Subscription.Status.INCOMPLETE,
        "price_id": price.get("id") or "",
        "interval": interval if interval in Subscription.Interval.values else "",
        "current_period_end": convert_tstamp(_period_end(data)),
        "cancel_at_period_end": bool(data.get("cancel_at_period_end")),
        "cancel_at": convert_tstamp(data.get("cancel_at")),
        "canceled_at": convert_tstamp(data.get("canceled_at")),
        "ended_at": convert_tstamp(data.get("ended_at")),
        "trial_end": convert_tstamp(data.get("trial_end")),
    }


AUDITED_FIELDS = ("status", "price_id", "cancel_at_period_end", "cancel_at")

# Stripe never moves a subscription out of these statuses: a new subscription gets a new id.
TERMINAL_STATUSES = (Subscription.Status.CANCELED, Subscription.Status.INCOMPLETE_EXPIRED)


def _event_is_stale(row: Subscription, event_at: datetime | None, event_id: str, data: dict) -> bool:
    """Whether an event must not be folded onto the row.

    Events are ordered by (created, id): Stripe's `created` has one-second resolution, so two
    events of the same second are put in a fixed order by their ids. Whatever order the two
    arrive in, the row ends as the later of them leaves it, and a replay is never applied twice.
    A read of Stripe made while processing an event can be stale, so a row that reached a
    terminal status is never moved back out of it (the return from Checkout, which has no
    event, included).
    """
    if row.status in TERMINAL_STATUSES and (data.get("status") or "") not in TERMINAL_STATUSES:
        return True
    if event_at is None or row.last_event_at is None:
        return False
    return (event_at, event_id) <= (row.last_event_at, row.last_event_id)


def subscription_project(
    *, data: dict, user, event_at: datetime | None = None, event_id: str = "", event_type: str = ""
) -> Subscription:
    kwargs = {"data": data, "user": user, "event_at": event_at, "event_id": event_id, "event_type": event_type}
    try:
        with transaction.atomic():
            return _subscription_project(**kwargs)
    except IntegrityError:
        # The webhook and the return from Checkout inserted the same new subscription at once
        # (a missing row cannot be locked); the other one won, so fold onto its row.
        with transaction.atomic():
            return _subscription_project(**kwargs)


def _subscription_project(
    *, data: dict, user, event_at: datetime | None, event_id: str, event_type: str
) -> Subscription:
    """Write one Stripe subscription's state onto our row, unless a newer event got there first.

    Events carry their creation time: one older than the last folded in (a late retry, an
    out-of-order delivery) changes nothing. (dj-stripe stores each event id once and does not run
    handlers for a replay.) Changes a learner would notice are audited.
    """
    now = timezone.now()
    row = Subscription.objects.select_for_update().filter(stripe_id=data["id"]).first()
    if row is not None and _event_is_stale(row, event_at, event_id, data):
        logger.info("stripe event %s (%s) is not newer than %s; ignored", event_id, event_type, row.last_event_id)
        return row
    plan_before = entitlements_for(user, now=now).plan
    fields = _fields_from_stripe(data)
    created = row is None
    if created:
        row = Subscription(stripe_id=data["id"], user=user)
    before = {name: getattr(row, name) for name in AUDITED_FIELDS}
    if fields["status"] == Subscription.Status.PAST_DUE:
        fields["past_due_since"] = row.past_due_since or event_at or now
    else:
        fields["past_due_since"] = None
    for name, value in fields.items():
        setattr(row, name, value)
    row.user = user
    if event_at:
        row.last_event_at, row.last_event_id = event_at, event_id
    row.save()
    after = {name: getattr(row, name) for name in AUDITED_FIELDS}
    if created or before != after:
        audit_log(
            "subscription_changed", actor=user, target=row, event=event_id, event_type=event_type,
            plan_from=plan_before, plan_to=entitlements_for(user, now=now).plan,
            status_from=before["status"], status_to=row.status, cancel_at_period_end=row.cancel_at_period_end,
        )
    return row


# --- Webhook endpoint ----------------------------------------------------------------------
def webhook_endpoint_ensure(*, secret: str, base_url: str, stripe_id: str = "") -> djstripe_models.WebhookEndpoint:
    """The WebhookEndpoint row dj-stripe checks signatures against (one per signing secret)."""
    endpoint = djstripe_models.WebhookEndpoint.objects.filter(secret=secret).first()
    if endpoint is None:
        endpoint = djstripe_models.WebhookEndpoint(
            id=stripe_id or f"we_local_{uuid4().hex[:24]}", secret=secret, livemode=settings.STRIPE_LIVE_MODE,
            api_version=djstripe_settings.STRIPE_API_VERSION, enabled_events=list(PLAN_EVENTS), status="enabled",
        )
    path = reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint.djstripe_uuid})
    endpoint.url = base_url.rstrip("/") + path
    endpoint.save()
    return endpoint


def subscriptions_cancel_for_user(*, user) -> list[str]:
    """Cancel, in Stripe and at once, every subscription of the user that could still charge them
    (used when they delete their account). Returns the ids Stripe could not cancel, which are
    logged as errors for someone to cancel by hand."""
    running = Subscription.objects.filter(user=user).open()
    failed = []
    for subscription in running:
        if not settings.STRIPE_SECRET_KEY:
            failed.append(subscription.stripe_id)
            continue
        try:
            _stripe_call("cancel the subscription", stripe.Subscription.cancel, subscription_exposed_id=subscription.stripe_id)
        except BillingError:
            failed.append(subscription.stripe_id)
    if failed:
        logger.error("could not cancel stripe subscriptions %s of deleted user %s: cancel them in Stripe", failed, user.pk)
    return failed
