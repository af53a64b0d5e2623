"""Admin pieces shared by the apps, and the admin site itself (pingtopass.apps.AdminConfig)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError

from pingtopass.params import whole_numbers_fit


class ReadOnlyAdminMixin:
    """Rows written only by the application (audit trail, Stripe's projection, the LLM call log):
    admin may look, never add, edit or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FilterValuesInRangeMixin:
    """Admin filters a list by any field of the model named in the query string (?objective=3,
    ?id__in=1,2). A whole number no 64-bit column holds matches no row (pingtopass/db/lookups.py);
    these lists refuse such a filter outright instead, and admin answers 400."""

    def lookup_allowed(self, lookup, value, request):
        return whole_numbers_fit(value) and super().lookup_allowed(lookup, value, request)


class SelectedRowsMixin:
    """A bulk action runs on the rows whose ids the list posts (`_selected_action`), which Django
    hands to `filter(pk__in=...)` unchecked: text where ids are numbers, or anything but a UUID
    where they are UUIDs, raises there (a 500). Such a post changes nothing and goes back to the
    list with a warning, as Django answers a post that selects no row. (A number too large for the
    column is an id no row has: pingtopass/db/lookups.py.)"""

    def response_action(self, request, queryset):
        to_python = self.model._meta.pk.to_python  # as Django checks the ids of list_editable rows
        try:
            for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                to_python(pk)
        except ValidationError:
            self.message_user(request, "The selection names rows that cannot exist. No items have been changed.",
                              messages.WARNING)
            return None
        return super().response_action(request, queryset)


class AdminSite(admin.AdminSite):
    """Django's admin site, with SelectedRowsMixin under every model's admin: ours, and those that
    Django's auth, allauth and dj-stripe register."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SelectedRowsMixin):
            admin_class = type(admin_class.__name__, (SelectedRowsMixin, admin_class),
                               {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__})
        super().register(model_or_iterable, admin_class, **options)
