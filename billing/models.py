from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

# Statuses after which Stripe charges nothing more; every other one may still charge.
ENDED_STATUSES = ("canceled", "incomplete_expired")


class SubscriptionQuerySet(models.QuerySet):
    def open(self):
        """Subscriptions Stripe may still charge for: all but the ended and the expired unpaid."""
        return self.exclude(status__in=ENDED_STATUSES)


class Subscription(models.Model):
    """Our copy of one Stripe subscription, folded in from webhooks (billing.services).

    dj-stripe keeps Stripe's full objects; this row keeps what entitlements need, per user, plus
    the creation time of the newest Stripe event folded in, so an older event arriving late
    cannot undo a newer one.
    """

    class Status(models.TextChoices):
        TRIALING = "trialing", "Trial"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Payment failed"
        UNPAID = "unpaid", "Unpaid"
        INCOMPLETE = "incomplete", "Awaiting first payment"
        INCOMPLETE_EXPIRED = "incomplete_expired", "Expired before payment"
        PAUSED = "paused", "Paused"
        CANCELED = "canceled", "Ended"

    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    stripe_id = models.CharField(max_length=255, unique=True)
    customer_id = models.CharField(max_length=255)
    status = models.CharField(max_length=20, choices=Status.choices)
    price_id = models.CharField(max_length=255, blank=True)
    interval = models.CharField(max_length=8, choices=Interval.choices, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    cancel_at = models.DateTimeField(null=True, blank=True, help_text="A set date the subscription will end on.")
    canceled_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    past_due_since = models.DateTimeField(null=True, blank=True, help_text="When a renewal payment first failed.")
    last_event_at = models.DateTimeField(
        null=True, blank=True, help_text="Creation time of the newest Stripe event folded in; older ones are ignored."
    )
    last_event_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="past_due") | Q(past_due_since__isnull=True), name="subscription_grace_only_past_due"
            ),
        ]

    def __str__(self):
        return f"{self.stripe_id} · {self.user} · {self.status}"

    @property
    def grace_ends_at(self) -> datetime | None:
        if self.past_due_since is None:
            return None
        return self.past_due_since + timedelta(days=settings.BILLING_GRACE_DAYS)

    @property
    def ends_at(self) -> datetime | None:
        """When a cancelled subscription stops (cancelled at period end, or at a set date)."""
        if self.cancel_at:
            return self.cancel_at
        return self.current_period_end if self.cancel_at_period_end else None

    @property
    def renews(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.TRIALING) and self.ends_at is None

    def gives_pro(self, now: datetime) -> bool:
        """Active and trialing subscriptions give Pro, a cancelled one until it ends; a failed
        renewal (past_due) until its grace period ends."""
        if self.status in (self.Status.ACTIVE, self.Status.TRIALING):
            return self.ends_at is None or now < self.ends_at
        if self.status == self.Status.PAST_DUE:
            return self.grace_ends_at is not None and now < self.grace_ends_at
        return False
