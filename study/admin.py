from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from study.models import Bookmark, QuestionFeedback, SessionItem, StudySession


@admin.register(QuestionFeedback)
class QuestionFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "status", "question_link", "short_message", "user"]
    list_filter = ["status", "kind", "question__exam"]
    search_fields = ["message", "question__stem", "=question__id"]
    list_select_related = ["question__exam", "user"]
    readonly_fields = ["question", "question_link", "user", "kind", "message", "created_at", "resolved_at"]
    fields = ["question_link", "user", "kind", "message", "status", "moderator_note", "created_at", "resolved_at"]
    actions = ["mark_resolved", "mark_dismissed"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Question")
    def question_link(self, obj):
        return format_html(
            '<a href="{}">#{} {}</a> · <a href="{}">preview</a>',
            reverse("admin:exams_question_change", args=[obj.question_id]), obj.question_id, obj.question.exam.code,
            reverse("admin:exams_question_preview", args=[obj.question_id]),
        )

    @admin.display(description="Message")
    def short_message(self, obj):
        return obj.message[:80]

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.resolved_at = None if obj.status == QuestionFeedback.Status.OPEN else timezone.now()
        super().save_model(request, obj, form, change)

    def _close(self, request, queryset, status):
        changed = queryset.update(status=status, resolved_at=timezone.now())
        self.message_user(request, f"Marked {changed} report(s) {status}.", messages.SUCCESS)

    @admin.action(description="Mark selected reports resolved", permissions=["change"])
    def mark_resolved(self, request, queryset):
        self._close(request, queryset, QuestionFeedback.Status.RESOLVED)

    @admin.action(description="Dismiss selected reports", permissions=["change"])
    def mark_dismissed(self, request, queryset):
        self._close(request, queryset, QuestionFeedback.Status.DISMISSED)


class SessionItemInline(admin.TabularInline):
    model = SessionItem
    extra = 0
    fields = ["position", "question", "is_correct", "flagged", "time_spent_seconds", "confidence", "answered_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StudySession)
class StudySessionAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "exam", "mode", "status", "started_at", "question_total", "correct_count", "scaled_score", "passed"]
    list_filter = ["mode", "status", "exam", "passed"]
    search_fields = ["user__email", "=id"]
    list_select_related = ["user", "exam"]
    readonly_fields = [f.name for f in StudySession._meta.fields]
    inlines = [SessionItemInline]

    def has_add_permission(self, request):
        return False


@admin.register(Bookmark)
class BookmarkAdmin(admin.ModelAdmin):
    list_display = ["user", "question", "created_at"]
    search_fields = ["user__email", "note"]
    list_select_related = ["user", "question__exam"]
    raw_id_fields = ["user", "question"]
