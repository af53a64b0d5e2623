"""What billing contributes to a learner's data export and account deletion."""

from django.conf import settings
from djstripe.models import Invoice

from accounts.privacy import DeletionRefused, iso
from billing.models import Subscription
from billing.services import subscriptions_cancel_for_user


def export_billing_data(user) -> dict:
    return {
        "subscriptions": [
            {"stripe_id": s.stripe_id, "status": s.status, "interval": s.interval, "created_at": iso(s.created_at),
             "current_period_end": iso(s.current_period_end), "cancel_at_period_end": s.cancel_at_period_end,
             "ended_at": iso(s.ended_at)}
            for s in Subscription.objects.filter(user=user)
        ],
        "invoices": [
            {"number": i.number, "created": iso(i.created), "total": i.total, "currency": i.currency, "status": i.status}
            for i in Invoice.objects.filter(customer__subscriber=user).order_by("created")
        ],
    }


def erase_billing_data(user) -> None:
    """Someone who deletes their account is not charged again: when Stripe cannot cancel their
    subscription just now, the account stays. Stripe keeps its customer and invoices (bookkeeping
    needs them); our projection rows go with the user."""
    if subscriptions_cancel_for_user(user=user) and settings.STRIPE_SECRET_KEY:
        raise DeletionRefused(
            "Your subscription could not be cancelled with Stripe just now, so nothing was deleted and "
            "you will not be charged for an account you cannot reach. Please try again in a few minutes."
        )
