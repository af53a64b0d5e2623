from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import AuditEvent, User
from accounts.roles import ADMIN, LEARNER, MODERATOR, ROLES, user_role
from accounts.services import user_set_role
from pingtopass.admin import ReadOnlyAdminMixin


class UserChangeForm(forms.ModelForm):
    role = forms.ChoiceField(
        choices=[(r, r.title()) for r in ROLES],
        help_text="Learners study; moderators review questions, reports and AI generation in admin; admins do everything.",
    )

    class Meta:
        model = User
        fields = ["email", "display_name", "timezone", "theme", "font_size", "show_timer", "auto_advance",
                  "keyboard_hints", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role"].initial = user_role(self.instance)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    ordering = ["email"]
    list_display = ["email", "display_name", "role_name", "is_active", "last_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "theme"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["last_login", "date_joined", "last_active"]
    fieldsets = [
        (None, {"fields": ["email"]}),
        ("Profile", {"fields": ["display_name", "timezone"]}),
        ("Study settings", {"fields": ["theme", "font_size", "show_timer", "auto_advance", "keyboard_hints"]}),
        ("Role", {"fields": ["role", "is_active"]}),
        ("Dates", {"fields": ["last_login", "last_active", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = ["make_learner", "make_moderator", "make_admin"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "role" in form.cleaned_data:
            user_set_role(user=obj, role=form.cleaned_data["role"], actor=request.user, request=request)

    @admin.display(description="Role")
    def role_name(self, obj):
        return obj.role

    def _set_role(self, request, queryset, role):
        for user in queryset:
            user_set_role(user=user, role=role, actor=request.user, request=request)
        self.message_user(request, f"{queryset.count()} user(s) are now {role}s.", messages.SUCCESS)

    @admin.action(description="Make selected users learners", permissions=["change"])
    def make_learner(self, request, queryset):
        self._set_role(request, queryset, LEARNER)

    @admin.action(description="Make selected users moderators", permissions=["change"])
    def make_moderator(self, request, queryset):
        self._set_role(request, queryset, MODERATOR)

    @admin.action(description="Make selected users admins", permissions=["change"])
    def make_admin(self, request, queryset):
        self._set_role(request, queryset, ADMIN)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "action", "actor_email", "target_repr", "ip_address"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor_email", "target_repr", "ip_address", "target_id"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
