"""Admin pieces shared by the apps, and the admin site itself (pingtopass.apps.AdminConfig)."""

import functools

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import FieldError, ValidationError

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


class SearchFieldsThatExistMixin:
    """A list's search box (and admin's autocomplete, which searches the same fields) looks only in
    search fields its model has. dj-stripe 2.11's admins name fields its models no longer have
    (Account.settings, Customer.description, Invoice.number, ...): any search there was a 500."""

    def get_search_fields(self, request):
        return [name for name in super().get_search_fields(request) if _search_field_exists(self.model, name)]


@functools.cache
def _search_field_exists(model, name: str) -> bool:
    lookup = name.lstrip("^=@")
    try:
        model._default_manager.none().filter(**{f"{lookup}__isnull": False})  # resolves the names; runs no query
    except FieldError:
        return False
    return True


class AdminSite(admin.AdminSite):
    """Django's admin site, with SelectedRowsMixin and SearchFieldsThatExistMixin under every
    model's admin: ours, and those that Django's auth, allauth and dj-stripe register."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SelectedRowsMixin):
            admin_class = type(admin_class.__name__, (SelectedRowsMixin, SearchFieldsThatExistMixin, admin_class),
                               {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__})
        super().register(model_or_iterable, admin_class, **options)
