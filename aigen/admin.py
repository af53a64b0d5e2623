"""Moderator pages for AI generation: start jobs, watch them, review what they wrote, see the cost.

The review queue reuses exams' QuestionAdmin (preview, edit, approve/reject through
exams.services.question_review) on a proxy of Question limited to AI-written questions."""

import contextlib
import json
from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.views.decorators.http import require_POST

from aigen.costs import job_cost_estimate, usd
from aigen.forms import ExamChoiceForm, JobStartForm, PregenerateForm, RejectForm
from aigen.models import AIQuestion, GenerationJob, LLMCall
from aigen.selectors import budget_status, cost_summary
from aigen.services import (
    NOT_CONFIGURED,
    GenerationRefused,
    ai_configured,
    exam_pregenerate,
    generation_job_start,
    generation_job_stop,
    generation_jobs_resume,
)
from exams.admin import QuestionAdmin
from exams.models import Exam, Objective, Question
from exams.services import question_review
from pingtopass import converters  # noqa: F401 -- registers <id:...>
from pingtopass.admin import FilterValuesInRangeMixin, ReadOnlyAdminMixin
from pingtopass.params import int_param
from pingtopass.ratelimit import rate_limited


def _ai_context() -> dict:
    return {"ai_configured": ai_configured(), "not_configured": NOT_CONFIGURED, "budget": budget_status()}


def _progress_context(job: GenerationJob) -> dict:
    # Without a broker there is no beat to resume a stalled job: only the moderator's action does.
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"job": job, "resumed_within": None}
    sweep = timedelta(seconds=settings.CELERY_BEAT_SCHEDULE["resume-lost-generation-jobs"]["schedule"])
    now = timezone.now()
    return {"job": job, "resumed_within": timesince(now - sweep, now)}


def _cost(call: LLMCall) -> str:
    return f"{usd(call.cost_usd)} (estimate)" if call.cost_is_estimate else usd(call.cost_usd)


class LLMCallInline(admin.TabularInline):
    model = LLMCall
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["created_at", "objective_number", "attempt", "outcome", "prompt_tokens", "completion_tokens", "cost",
              "latency_ms", "items_created", "items_rejected", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Objective")
    def objective_number(self, obj):
        return obj.objective.number if obj.objective else "—"

    @admin.display(description="Cost")
    def cost(self, obj):
        return _cost(obj)


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = ["id", "exam_code", "objective_list", "live_progress", "started_by_name", "created"]
    list_filter = ["status", "exam"]
    list_select_related = ["exam", "started_by"]
    search_fields = ["=id", "exam__code"]
    date_hierarchy = "created_at"
    actions = ["stop_selected", "resume_stalled"]
    inlines = [LLMCallInline]
    change_list_template = "admin/aigen/generationjob/change_list.html"
    change_form_template = "admin/aigen/generationjob/change_form.html"
    fieldsets = [
        (None, {"fields": ["exam_name", "objective_list", "requested_count", "mix", "model", "started_by_name"]}),
        ("Progress", {"fields": ["live_progress", "review_link", "estimated_cost", "created_at", "started_at",
                                 "finished_at"]}),
    ]
    readonly_fields = ["exam_name", "objective_list", "requested_count", "mix", "model", "started_by_name", "live_progress",
                       "review_link", "estimated_cost", "created_at", "started_at", "finished_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("objectives")

    def has_change_permission(self, request, obj=None):
        # A job is a record, never edited: its page is read-only. The permission without an object
        # still gates the "stop" action on the list.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        urls = [
            path("<id:pk>/progress/", self.admin_site.admin_view(self.progress_view), name="aigen_generationjob_progress"),
            path("pregenerate/", self.admin_site.admin_view(self.pregenerate_view), name="aigen_generationjob_pregenerate"),
        ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, extra_context={**_ai_context(), **(extra_context or {})})

    # --- live progress ---------------------------------------------------------------------
    @admin.display(description="Progress and cost")
    def live_progress(self, obj):
        return render_to_string("admin/aigen/generationjob/progress.html", _progress_context(obj))

    def progress_view(self, request, pk):
        """The progress fragment the list and the job page poll (HTMX) while a job runs."""
        job = get_object_or_404(GenerationJob, pk=pk)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return TemplateResponse(request, "admin/aigen/generationjob/progress.html", _progress_context(job))

    @admin.display(description="Exam", ordering="exam__code")
    def exam_code(self, obj):
        return obj.exam.code

    @admin.display(description="Created", ordering="created_at")
    def created(self, obj):
        return naturaltime(obj.created_at)

    @admin.display(description="Exam")
    def exam_name(self, obj):
        return str(obj.exam)

    @admin.display(description="Started by", ordering="started_by__email")
    def started_by_name(self, obj):
        return obj.started_by.get_short_name() if obj.started_by else "—"

    @admin.display(description="Estimated cost")
    def estimated_cost(self, obj):
        return usd(obj.estimated_cost_usd)

    @admin.display(description="Objectives")
    def objective_list(self, obj):
        numbers = [objective.number for objective in obj.objectives.all()]
        return ", ".join(numbers) if len(numbers) <= 4 else f"{', '.join(numbers[:3])} and {len(numbers) - 3} more"

    @admin.display(description="Type and difficulty mix")
    def mix(self, obj):
        types = ", ".join(f"{label} {obj.type_mix[key]}" for key, label in Question.Type.choices if key in obj.type_mix)
        difficulties = ", ".join(f"{key}: {obj.difficulty_mix[key]}" for key in sorted(obj.difficulty_mix))
        return f"{types} · difficulty {difficulties}"

    @admin.display(description="Review")
    def review_link(self, obj):
        pending = Question.objects.filter(ai_job_id=obj.pk, review_status=Question.ReviewStatus.PENDING).count()
        url = reverse("admin:aigen_aiquestion_changelist") + f"?job={obj.pk}"
        return format_html('<a href="{}">{} question(s) waiting for review</a>', url, pending)

    @admin.action(description="Stop selected jobs (what they wrote stays for review)", permissions=["change"])
    def stop_selected(self, request, queryset):
        stopped = sum(generation_job_stop(job=job, stopped_by=request.user) for job in queryset)
        self.message_user(request, f"Stopped {stopped} job(s).", messages.SUCCESS if stopped else messages.WARNING)

    @admin.action(description="Resume stalled jobs now (they go on from what they saved)", permissions=["change"])
    def resume_stalled(self, request, queryset):
        stalled = list(GenerationJob.objects.stalled(now=timezone.now()).filter(pk__in=queryset).values_list("pk", flat=True))
        resumed = generation_jobs_resume(job_ids=stalled)
        if not_queued := sorted(set(stalled) - set(resumed)):
            self.message_user(request, f"The task queue is unavailable: {', '.join(f'#{pk}' for pk in not_queued)} "
                              "stay stalled. The sweep tries again every minute, or try again here.", messages.ERROR)
        if resumed:
            self.message_user(request, f"Queued {len(resumed)} stalled job(s) again: "
                              f"{', '.join(f'#{pk}' for pk in resumed)}.", messages.SUCCESS)
        elif not not_queued:
            self.message_user(
                request, f"None of the selected jobs is stalled: a running job is resumed only when its worker has "
                f"been silent for {settings.AI_JOB_LEASE_SECONDS} seconds.", messages.WARNING,
            )

    # --- starting jobs ---------------------------------------------------------------------
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self._start_view(request)

    def _exam_from(self, request) -> tuple[Exam | None, Objective | None]:
        data = request.POST if request.method == "POST" else request.GET
        objective = Objective.objects.select_related("domain__exam").filter(pk=int_param(data.get("objective"))).first()
        if objective:
            return objective.domain.exam, objective
        return Exam.objects.filter(pk=int_param(data.get("exam"))).first(), None

    def _context(self, request, **extra) -> dict:
        return {
            **self.admin_site.each_context(request), **_ai_context(), "opts": self.opts,
            "title": "Start a generation job", "model": settings.AI_MODEL, "batch_size": settings.AI_BATCH_SIZE,
            "per_question": usd(job_cost_estimate(model=settings.AI_MODEL, count=1)), **extra,
        }

    @method_decorator(rate_limited("generation"))
    def _start_view(self, request):
        exam, objective = self._exam_from(request)
        if exam is None:
            context = self._context(request, exam_form=ExamChoiceForm(request.GET or None))
            return TemplateResponse(request, "admin/aigen/generationjob/start.html", context)
        form = JobStartForm(request.POST or None, exam=exam, initial={"objectives": [objective] if objective else []})
        if request.method == "POST" and form.is_valid():
            try:
                job = generation_job_start(
                    exam=exam, count=form.cleaned_data["count"], objectives=form.cleaned_data["objectives"],
                    type_mix=form.type_mix(), difficulty_mix=form.difficulty_mix(), started_by=request.user,
                    request=request,
                )
            except GenerationRefused as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request, f"Job #{job.pk} started: {job.requested_count} questions for {exam.code}, "
                    f"estimated {usd(job.estimated_cost_usd)}.", messages.SUCCESS,
                )
                return redirect("admin:aigen_generationjob_changelist")
        context = self._context(
            request, exam=exam, form=form,
            pregenerate_form=PregenerateForm(initial={"per_objective": settings.AI_PREGENERATE_PER_OBJECTIVE}),
        )
        return TemplateResponse(request, "admin/aigen/generationjob/start.html", context)

    @method_decorator(require_POST)
    @method_decorator(rate_limited("generation"))
    def pregenerate_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        exam = get_object_or_404(Exam, pk=int_param(request.POST.get("exam")))
        form = PregenerateForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Questions per objective must be a number from 1 to 500.", messages.ERROR)
            return redirect(reverse("admin:aigen_generationjob_add") + f"?exam={exam.pk}")
        if not ai_configured():
            self.message_user(request, NOT_CONFIGURED, messages.ERROR)
            return redirect(reverse("admin:aigen_generationjob_add") + f"?exam={exam.pk}")
        result = exam_pregenerate(
            exam=exam, per_objective=form.cleaned_data["per_objective"], started_by=request.user, request=request
        )
        total = sum(job.requested_count for job in result.jobs)
        self.message_user(
            request, f"{exam.code}: {len(result.jobs)} job(s) started for {total} questions; "
            f"{len(result.full)} objective(s) already had enough.", messages.SUCCESS if result.jobs else messages.INFO,
        )
        for reason in result.refused:
            self.message_user(request, reason, messages.ERROR)
        return redirect("admin:aigen_generationjob_changelist")


@admin.register(LLMCall)
class LLMCallAdmin(FilterValuesInRangeMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "created_at", "purpose", "job_link", "model", "outcome", "status_code", "prompt_tokens",
                    "completion_tokens", "cost", "latency_ms", "items_created", "items_rejected"]
    list_filter = ["purpose", "outcome", "model", "created_at"]
    list_select_related = ["job", "subject_type"]
    search_fields = ["=job__id", "model", "error"]
    date_hierarchy = "created_at"
    change_list_template = "admin/aigen/llmcall/change_list.html"

    class Media:
        css = {"all": ["css/admin.css"]}
    fields = ["purpose", "job", "subject_name", "objective_name", "model", "attempt", "outcome", "status_code", "prompt_tokens", "completion_tokens",
              "cost_usd", "latency_ms", "items_received", "items_created", "rejection_list", "error", "answer", "raw",
              "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("subject")

    def get_urls(self):
        costs = path("costs/", self.admin_site.admin_view(self.costs_view), name="aigen_llmcall_costs")
        return [costs, *super().get_urls()]

    @admin.display(description="Job or subject", ordering="job")
    def job_link(self, obj):
        if obj.job_id is None:
            return self.subject_name(obj)
        return format_html('<a href="{}">#{}</a>', reverse("admin:aigen_generationjob_change", args=[obj.job_id]), obj.job_id)

    @admin.display(description="Made for")
    def subject_name(self, obj):
        """What a call outside a job was for (e.g. an X account); "—" once that is deleted."""
        if obj.subject_type_id is None:
            return "—"
        return str(obj.subject) if obj.subject is not None else f"{obj.subject_type.name} #{obj.subject_id} (deleted)"

    @admin.display(description="Cost", ordering="cost_usd")
    def cost(self, obj):
        return _cost(obj)

    @admin.display(description="Rejected items")
    def rejection_list(self, obj):
        if not obj.rejections:
            return "None."
        return format_html(
            '<ul class="ptp-rejections">{}</ul>',
            format_html_join("", "<li><strong>{}</strong><br>{}</li>",
                             ((r.get("stem", ""), " ".join(r.get("reasons", []))) for r in obj.rejections)),
        )

    @admin.display(description="Objective")
    def objective_name(self, obj):
        return str(obj.objective) if obj.objective else "—"

    @admin.display(description="The model's answer")
    def answer(self, obj):
        """The message content of the response, indented when it is JSON."""
        try:
            content = json.loads(obj.raw_response)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            return "—"
        with contextlib.suppress(ValueError, TypeError):  # not JSON: shown as it came
            content = json.dumps(json.loads(content), indent=2, ensure_ascii=False)
        return format_html('<pre class="ptp-raw">{}</pre>', content)

    @admin.display(description="Raw response")
    def raw(self, obj):
        return format_html('<pre class="ptp-raw">{}</pre>', obj.raw_response or "(empty)")

    def costs_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        summary = cost_summary(days=30)
        context = {
            **self.admin_site.each_context(request), **_ai_context(), "opts": self.opts,
            "title": "AI cost, last 30 days", "summary": summary, "chart": _day_chart(summary.days),
            "model_bars": _model_bars(summary.models), "purpose_bars": _model_bars(summary.purposes),
        }
        return TemplateResponse(request, "admin/aigen/llmcall/costs.html", context)


CHART = {"width": 720, "height": 180, "left": 56, "bottom": 24, "top": 8}


def _day_chart(days) -> dict:
    """Bar geometry for the daily cost chart (server-rendered SVG, no script)."""
    peak = max((day.cost for day in days), default=0)
    plot_width = CHART["width"] - CHART["left"]
    plot_height = CHART["height"] - CHART["bottom"] - CHART["top"]
    slot = plot_width / len(days)
    bars = []
    for index, day in enumerate(days):
        height = float(day.cost / peak) * plot_height if peak else 0
        last = index == len(days) - 1
        bars.append({
            "x": round(CHART["left"] + index * slot + slot * 0.15, 1), "width": round(slot * 0.7, 1),
            "y": round(CHART["top"] + plot_height - height, 1), "height": round(height, 1),
            "label": f"{day.day:%b %-d}: {usd(day.cost)}, {day.calls} call(s)",
            "tick": f"{day.day:%b %-d}" if index % 5 == 0 or last else "",
            "tick_x": CHART["width"] if last else round(CHART["left"] + index * slot + slot / 2, 1),
            "anchor": "end" if last else "middle",
        })
    return {**CHART, "bars": bars, "max_label": usd(peak), "baseline": CHART["height"] - CHART["bottom"],
            "tick_y": CHART["height"] - 6, "top_y": CHART["top"] + 4}


def _model_bars(rows) -> list[dict]:
    """Each row (a model's, a purpose's) with its bar's width against the most expensive."""
    top = max((row.cost for row in rows), default=0) or 1
    return [{"row": row, "width": round(float(row.cost / top) * 100, 1)} for row in rows]


class ReviewStatusFilter(admin.SimpleListFilter):
    """Review status, pending unless chosen otherwise: the queue opens on what needs doing."""

    title = "review status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Question.ReviewStatus.choices, ("all", "All")]

    def value(self):
        return super().value() or Question.ReviewStatus.PENDING

    def queryset(self, request, queryset):
        return queryset if self.value() == "all" else queryset.filter(review_status=self.value())

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class JobFilter(admin.SimpleListFilter):
    title = "generation job"
    parameter_name = "job"

    def lookups(self, request, model_admin):
        jobs = GenerationJob.objects.select_related("exam").filter(created_count__gt=0)[:15]
        return [(str(job.pk), f"#{job.pk} {job.exam.code} ({job.created_count})") for job in jobs]

    def queryset(self, request, queryset):
        return queryset.filter(ai_job_id=self.value()) if self.value() else queryset


def _as_questions(queryset):
    # Reviews are recorded against exams.Question (the audit log names the model), not the proxy.
    return Question.objects.filter(pk__in=queryset.values("pk"))


@admin.register(AIQuestion)
class AIQuestionAdmin(QuestionAdmin):
    list_display = ["id", "short_stem", "preview_link", "exam_code", "objective_number", "type", "difficulty",
                    "review_badge", "job_link"]
    list_filter = [ReviewStatusFilter, JobFilter, "exam", ("objective__domain", admin.RelatedOnlyFieldListFilter), "type",
                   "difficulty", "ai_model"]
    actions = ["approve_selected", "reject_with_reason"]
    list_per_page = 25

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).filter(source=Question.Source.AI)

    def get_urls(self):
        # QuestionAdmin's preview is served once, by exams; this queue links to it.
        return admin.ModelAdmin.get_urls(self)

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # One review page per question: exams' preview, with approve, reject and "edit, then approve".
        try:
            return redirect(reverse("admin:exams_question_preview", args=[object_id]))
        except NoReverseMatch:  # not an id at all (admin's URL takes any text)
            raise Http404("No such question.") from None

    @admin.display(description="Exam", ordering="exam__code")
    def exam_code(self, obj):
        return obj.exam.code

    @admin.display(description="Job", ordering="ai_job_id")
    def job_link(self, obj):
        if not obj.ai_job_id:
            return "—"
        url = reverse("admin:aigen_generationjob_change", args=[obj.ai_job_id])
        return format_html('<a href="{}">#{}</a>', url, obj.ai_job_id)

    @admin.action(description="Approve selected questions", permissions=["change"])
    def approve_selected(self, request, queryset):
        return super().approve_selected(request, _as_questions(queryset))

    @admin.action(description="Reject selected questions with a reason…", permissions=["change"])
    def reject_with_reason(self, request, queryset):
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            changed = question_review(
                questions=_as_questions(queryset), reviewer=request.user, status=Question.ReviewStatus.REJECTED,
                note=form.cleaned_data["reason"], request=request,
            )
            self.message_user(request, f"Rejected {changed} question(s).", messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": "Reject questions",
            "questions": queryset, "form": form, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/aigen/aiquestion/reject.html", context)
