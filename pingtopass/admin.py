"""Admin pieces shared by the apps."""

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
    ?id__in=1,2). A whole number no 64-bit column holds would reach the database driver, which
    raises on SQLite (a 500): such a filter is refused, and admin answers 400."""

    def lookup_allowed(self, lookup, value, request):
        return whole_numbers_fit(value) and super().lookup_allowed(lookup, value, request)
