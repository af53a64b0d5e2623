"""dj-stripe signal receivers: Stripe events that change a plan refresh the user's subscription.

They run inside dj-stripe's transaction for the event, after its own handlers have synced the
object, so a failure here rolls the event back and Stripe retries the delivery.
"""

from djstripe.models import Event
from djstripe.signals import WEBHOOK_SIGNALS
from djstripe.utils import get_id_from_stripe_data

from billing.services import PLAN_EVENTS, subscription_refresh


def _invoice_subscription_id(invoice: dict) -> str | None:
    # Since Stripe API 2025-03-31 an invoice names its subscription under parent.subscription_details.
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return get_id_from_stripe_data(invoice.get("subscription") or details.get("subscription"))


def plan_event_received(sender, event: Event, **kwargs) -> None:
    obj = event.data.get("object", {})
    user_hint = None
    if event.type.startswith("customer.subscription."):
        subscription_id = obj.get("id")
    elif event.type.startswith("invoice."):
        subscription_id = _invoice_subscription_id(obj)
    else:  # checkout.session.completed
        if obj.get("mode") != "subscription":
            return
        subscription_id = get_id_from_stripe_data(obj.get("subscription"))
        user_hint = obj.get("client_reference_id")
    if subscription_id:
        subscription_refresh(stripe_id=subscription_id, event=event, user_hint=user_hint)


def connect() -> None:
    for event_type in PLAN_EVENTS:
        WEBHOOK_SIGNALS[event_type].connect(plan_event_received, sender=Event, dispatch_uid=f"billing:{event_type}")
