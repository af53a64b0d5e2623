from django.apps import apps
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.exceptions import NotRegistered
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.views.decorators.http import require_POST
from djstripe.admin.views import ConfirmCustomAction

from billing.models import Subscription
from pingtopass.admin import ReadOnlyAdminMixin
from pingtopass.params import int_param


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the rows follow Stripe (change a subscription in Stripe, not here)."""

    list_display = ["stripe_id", "user", "status", "interval", "current_period_end", "cancel_at_period_end", "past_due_since", "updated_at"]
    list_filter = ["status", "interval", "cancel_at_period_end"]
    search_fields = ["stripe_id", "customer_id", "user__email"]
    list_select_related = ["user"]


@require_POST
def stripe_admin_action(request, action_name: str, model_name: str, **_):
    """dj-stripe's admin actions (sync from Stripe, cancel a subscription) post to this URL.
    dj-stripe serves it asking only that the user be staff, and takes the model and the action
    from the URL unchecked: a moderator could cancel subscriptions, and an unknown name was a
    500. Served here instead (pingtopass/urls.py): the action must be one of dj-stripe's that the
    model's admin offers, to someone who may change that model, on rows picked by id."""
    try:
        model = apps.get_app_config("djstripe").get_model(model_name)
        model_admin = admin.site.get_model_admin(model)
    except (LookupError, NotRegistered):
        raise Http404("No such Stripe model.") from None
    if action_name not in model_admin.get_actions(request) or not hasattr(ConfirmCustomAction, action_name):
        raise Http404("No such action.")
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    picked = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
    if any(pk != action_name and int_param(pk) is None for pk in picked):
        return HttpResponseBadRequest("Pick rows by their id.")
    return ConfirmCustomAction.as_view()(request, action_name=action_name, model_name=model_name)
