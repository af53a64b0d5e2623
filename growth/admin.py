"""The growth system in admin: accounts and their voices, watched searches, opportunities, drafts,
our tweets, daily metrics, and the X API call log (X credits), read-only; the model calls behind
drafts are in aigen's LLM call log (purpose "Drafts for X"). Actions call the services, so admin
and the staff pages follow the same rules and write the same audit log."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from growth import services
from growth.models import (
    DailyMetrics,
    Draft,
    FoundPost,
    Opportunity,
    Tweet,
    VoiceProfile,
    WatchedSearch,
    XAccount,
    XApiCall,
)
from growth.xapi import x_spent
from pingtopass.admin import FilterValuesInRangeMixin, ReadOnlyAdminMixin


class VoiceInline(admin.StackedInline):
    model = VoiceProfile
    extra = 1
    max_num = 1


class SearchInline(admin.TabularInline):
    model = WatchedSearch
    extra = 1
    fields = ["query", "exam", "objective", "is_active", "every_minutes", "last_run_at"]
    readonly_fields = ["last_run_at"]
    autocomplete_fields = ["exam"]
    raw_id_fields = ["objective"]


@admin.register(XAccount)
class XAccountAdmin(FilterValuesInRangeMixin, admin.ModelAdmin):
    list_display = ["__str__", "status", "status_reason", "followers", "can_read", "can_post", "spend", "connect_link"]
    list_filter = ["status"]
    readonly_fields = ["x_user_id", "display_name", "status", "status_reason", "rate_limited_until", "token_expires_at",
                       "followers", "created_at"]
    filter_horizontal = ["exams"]
    inlines = [VoiceInline, SearchInline]
    actions = ["resume_selected"]

    @admin.display(description="X spend this month")
    def spend(self, obj):
        return f"${x_spent(account=obj):.2f} of ${obj.monthly_cap_usd:.2f}"

    @admin.display(description="Connection")
    def connect_link(self, obj):
        label = "Connect" if obj.status == XAccount.Status.NOT_CONNECTED else "Reconnect"
        return format_html('<a href="{}">{}</a>', reverse("growth:connect", args=[obj.pk]), label)

    @admin.action(description="Resume the selected paused accounts")
    def resume_selected(self, request, queryset):
        for account in queryset.filter(status=XAccount.Status.PAUSED):
            services.account_resume(account=account, user=request.user, request=request)
        messages.success(request, "Resumed.")


@admin.register(Opportunity)
class OpportunityAdmin(FilterValuesInRangeMixin, admin.ModelAdmin):
    list_display = ["__str__", "account", "source", "summoned", "status", "score", "expires_at"]
    list_filter = ["status", "source", "summoned", "account"]
    readonly_fields = ["account", "post", "source", "search", "summoned", "status", "score", "score_parts", "created_at",
                       "expires_at"]
    search_fields = ["post__text", "post__author_username"]

    def has_add_permission(self, request):
        return False


@admin.register(Draft)
class DraftAdmin(FilterValuesInRangeMixin, admin.ModelAdmin):
    list_display = ["__str__", "account", "kind", "status", "written_by", "scheduled_for", "posted_at"]
    list_filter = ["status", "kind", "account", "evergreen"]
    readonly_fields = ["opportunity", "status", "written_by", "warnings", "recycled_from", "approved_by", "approved_at",
                       "posted_at", "error", "created_at"]
    raw_id_fields = ["question"]
    search_fields = ["text"]

    def has_add_permission(self, request):
        return False  # drafts come from the model or from the queue page's form, so they are audited

    def has_change_permission(self, request, obj=None):
        # Pending drafts are edited (and approved) on the queue page, which checks length and cost.
        return super().has_change_permission(request, obj) and (obj is None or obj.status == Draft.Status.PENDING)


@admin.register(Tweet)
class TweetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "account", "via", "is_reply", "posted_at", "impressions", "engagements", "link"]
    list_filter = ["account", "via", "is_reply"]

    @admin.display(description="On X")
    def link(self, obj):
        url = obj.get_absolute_url()
        return format_html('<a href="{}" rel="noopener noreferrer">open</a>', url) if url else "—"


@admin.register(FoundPost)
class FoundPostAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "author_followers", "likes", "replies", "reposts", "posted_at", "last_read_at"]
    search_fields = ["text", "author_username"]


@admin.register(DailyMetrics)
class DailyMetricsAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["day", "account", "followers", "new_followers", "posts", "replies", "impressions", "engagements",
                    "signups", "ai_cost_usd", "x_cost_usd", "entered_by"]
    list_filter = ["account"]
    date_hierarchy = "day"


@admin.register(XApiCall)
class XApiCallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "account", "endpoint", "outcome", "status_code", "posts_read", "users_read",
                    "posts_created", "cost_usd"]
    list_filter = ["outcome", "account", "endpoint"]
