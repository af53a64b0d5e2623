from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "role_name", "is_active", "last_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "theme"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["last_login", "date_joined", "last_active"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "timezone"]}),
        ("Study settings", {"fields": ["theme", "font_size", "show_timer", "auto_advance", "keyboard_hints"]}),
        ("Role and permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "last_active", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    @admin.display(description="Role")
    def role_name(self, obj):
        return obj.role

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
