"""The question bank's moderator pages in admin: the bank check, importing a file, and exporting
the selected questions. QuestionAdmin (exams/admin.py) takes them in through this mixin."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse

from exams.bank.check import EVERY_EXAM, bank_check
from exams.bank.exporting import bank_export
from exams.bank.forms import ImportForm
from exams.bank.importing import bank_import
from exams.bank.records import ImportRefused, exam_record_from_database
from exams.models import Exam, Question


class QuestionBankAdminMixin:
    def get_urls(self):
        pages = [
            path("bank-check/", self.admin_site.admin_view(self.bank_check_view), name="exams_question_bank_check"),
            path("import/", self.admin_site.admin_view(self.bank_import_view), name="exams_question_import"),
        ]
        return [*pages, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"can_import": self.has_change_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def _page(self, request, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **extra}

    def bank_check_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        exams = list(Exam.objects.all())
        chosen = [e for e in exams if e.code == request.GET.get("exam")] or exams
        reports = [bank_check(exam_record_from_database(exam)) for exam in chosen]
        context = self._page(request, "Question bank check", reports=reports, exams=exams, every=EVERY_EXAM,
                             chosen=request.GET.get("exam", ""))
        return TemplateResponse(request, "admin/exams/bank/check.html", context)

    def bank_import_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        problems, result, exam = [], None, None
        if request.method == "POST" and form.is_valid():
            exam, upload = form.cleaned_data["exam"], form.cleaned_data["file"]
            try:
                result = bank_import(exam=exam, data=upload.read(), format_key=form.cleaned_data["format"],
                                     objective=form.cleaned_data["objective_row"], filename=upload.name,
                                     user=request.user, request=request)
            except ImportRefused as refused:
                problems = refused.problems
        review_url = None
        if result and result.created:
            review_url = (reverse("admin:exams_question_changelist")
                          + f"?review_status__exact={Question.ReviewStatus.PENDING}&exam__id__exact={exam.pk}")
        context = self._page(request, "Import questions", form=form, problems=problems, result=result, exam=exam,
                             review_url=review_url)
        return TemplateResponse(request, "admin/exams/bank/import.html", context)

    def _export(self, request, queryset, format_key: str):
        exam_ids = set(queryset.values_list("exam_id", flat=True))
        if len(exam_ids) != 1:
            self.message_user(request, "Select questions of one exam to export (filter the list by exam).", messages.ERROR)
            return None
        export = bank_export(exam=Exam.objects.get(pk=exam_ids.pop()), format_key=format_key, questions=queryset)
        if export.skipped:
            self.message_user(request, f"Left out, as that format has no such kind of question: {', '.join(export.skipped)}.",
                              messages.WARNING)
        response = HttpResponse(export.data, content_type=f"{export.content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return response

    @admin.action(description="Export selected questions as JSON (seed format)", permissions=["view"])
    def export_json(self, request, queryset):
        return self._export(request, queryset, "json")

    @admin.action(description="Export selected questions as Moodle XML", permissions=["view"])
    def export_moodle(self, request, queryset):
        return self._export(request, queryset, "moodle")
