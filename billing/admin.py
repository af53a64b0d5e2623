from django.contrib import admin

from billing.models import Subscription
from pingtopass.admin import ReadOnlyAdminMixin


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the rows follow Stripe (change a subscription in Stripe, not here)."""

    list_display = ["stripe_id", "user", "status", "interval", "current_period_end", "cancel_at_period_end", "past_due_since", "updated_at"]
    list_filter = ["status", "interval", "cancel_at_period_end"]
    search_fields = ["stripe_id", "customer_id", "user__email"]
    list_select_related = ["user"]
