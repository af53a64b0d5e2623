"""Admin pieces shared by the apps."""


class ReadOnlyAdminMixin:
    """Rows written only by the application (audit trail, Stripe's projection, the LLM call log):
    admin may look, never add, edit or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
