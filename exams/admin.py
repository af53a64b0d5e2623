from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html

from accounts.audit import audit_log
from exams.bank.admin_pages import QuestionBankAdminMixin
from exams.models import EXHIBIT_EXTENSIONS, Choice, Domain, Exam, Objective, Question
from exams.question_types import TYPES, ChoiceData, question_errors
from exams.rules import blueprint_errors
from exams.services import question_review
from exams.svg import ExhibitField
from exams.uploads import UploadNotStored, upload_store
from pingtopass import converters  # noqa: F401 -- registers <id:...>
from pingtopass.admin import FilterValuesInRangeMixin


class DomainInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        weights = [
            form.cleaned_data.get("weight") or 0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        errors = blueprint_errors(weights)
        if errors:
            raise ValidationError(errors)


class DomainInline(admin.TabularInline):
    model = Domain
    formset = DomainInlineFormSet
    extra = 0
    fields = ["position", "number", "name", "weight"]
    show_change_link = True


@admin.register(Exam)
class ExamAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "vendor", "category", "question_count", "duration_minutes", "passing_label", "is_active", "is_beta"]
    list_filter = ["vendor", "category", "is_active", "is_beta"]
    search_fields = ["code", "name", "vendor"]
    inlines = [DomainInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "vendor", "category", "description", "vendor_url"]}),
        ("Scoring", {"fields": ["score_min", "score_max", "passing_score"]}),
        ("Format", {"fields": ["question_count", "duration_minutes", "price", "guessing_floor"]}),
        ("Status", {"fields": ["is_active", "is_beta", "retirement_date"]}),
    ]

    @admin.display(description="Passing")
    def passing_label(self, obj):
        return f"{obj.passing_score} / {obj.score_min}–{obj.score_max}"


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["position", "number", "name"]


class DomainAdminForm(forms.ModelForm):
    """A domain edited on its own page keeps its exam's weights at 100% (on the exam's page they
    are edited together)."""

    class Meta:
        model = Domain
        fields = ["exam", "position", "number", "name", "weight"]

    def clean(self):
        cleaned = super().clean()
        exam, weight = cleaned.get("exam"), cleaned.get("weight")
        if exam is not None and weight is not None:
            others = exam.domains.exclude(pk=self.instance.pk).values_list("weight", flat=True)
            for error in blueprint_errors([*others, weight]):
                self.add_error("weight", f"{error} Change the weights together on the exam's page.")
        return cleaned


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    form = DomainAdminForm
    list_display = ["number", "name", "exam", "weight"]
    list_filter = ["exam"]
    search_fields = ["name", "number", "exam__code"]
    list_select_related = ["exam"]
    inlines = [ObjectiveInline]

    def has_delete_permission(self, request, obj=None):
        return False  # the other weights would no longer sum to 100: remove a domain on the exam's page


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "domain", "exam_code"]
    list_filter = ["domain__exam", "domain"]
    search_fields = ["name", "number"]
    list_select_related = ["domain__exam"]

    @admin.display(description="Exam", ordering="domain__exam__code")
    def exam_code(self, obj):
        return obj.domain.exam.code


class ChoiceInlineFormSet(forms.BaseInlineFormSet):
    def save(self, commit=True):
        # A database trigger allows a single-choice question one correct choice at any moment, so
        # deletions and choices that stop being correct are saved before those that become correct
        # (moving the answer from the last choice to the first would otherwise fail half-way).
        initial = self.initial_form_count()
        self.forms[:initial] = sorted(
            self.forms[:initial],
            key=lambda form: (not self._should_delete_form(form), bool(form.cleaned_data.get("is_correct"))),
        )
        return super().save(commit)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        choices = [
            ChoiceData(
                text=form.cleaned_data.get("text", ""),
                is_correct=bool(form.cleaned_data.get("is_correct")),
                explanation=form.cleaned_data.get("explanation", ""),
                match_text=form.cleaned_data.get("match_text", ""),
            )
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        question = self.instance
        kind = TYPES.get(question.type)
        if kind is not None and not kind.uses_choices:
            # Answered through its simulation_data, which the question's form checks.
            errors = kind.content_errors(choose_count=question.choose_count, choices=choices)
        else:
            errors = question_errors(question_type=question.type, choose_count=question.choose_count, choices=choices)
        if errors:
            raise ValidationError(errors)


class ChoiceInline(admin.StackedInline):
    model = Choice
    formset = ChoiceInlineFormSet
    extra = 0
    fields = [("position", "is_correct"), "text", "match_text", "explanation"]
    formfield_overrides = {}

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name in ("text", "explanation"):
            formset.form.base_fields[name].widget.attrs.update({"rows": 2})
        return formset


class QuestionAdminForm(forms.ModelForm):
    # Set on a subclass by QuestionAdmin.get_form when the uploaded exhibit could not be stored.
    exhibit_failure = ""
    exhibit = ExhibitField(required=False, extensions=EXHIBIT_EXTENSIONS, widget=forms.ClearableFileInput,
                           help_text=Question._meta.get_field("exhibit").help_text)

    class Meta:
        model = Question
        fields = ["exam", "objective", "type", "choose_count", "difficulty", "points", "stem", "exhibit", "explanation",
                  "reference_url", "tags", "simulation_data", "is_active", "review_status", "review_note"]
        widgets = {"simulation_data": forms.Textarea(attrs={"rows": 18, "class": "ptp-json", "spellcheck": "false"})}
        help_texts = {"simulation_data": "Performance-based questions only (hotspot, rule table, CLI lab): their data as JSON, "
                                         "as exams/seed_data/FORMAT.md describes. Leave {} for choice questions."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A callable default (dict) makes Django send a hidden copy of the initial value and compare
        # against it; the instance's own value is the initial here, so the copy is not needed.
        self.fields["simulation_data"].show_hidden_initial = False
        if self.is_bound and self.data is not None:
            # A post without the fields added for performance-based questions (an older form, a
            # script) keeps what the question has, and changes nothing there.
            missing = {name for name in ("points", "simulation_data") if name not in self.data}
            if missing:
                self.data = self.data.copy()
                for name in missing:
                    self.data[name] = self.fields[name].prepare_value(self.get_initial_for_field(self.fields[name], name))
        if self.exhibit_failure:
            # Shown again without the upload (a browser cannot refill a file input, and the temporary
            # file may be gone); the exhibit is this form's only file.
            self.files = MultiValueDict()

    def clean(self):
        cleaned = super().clean()
        exam, objective = cleaned.get("exam"), cleaned.get("objective")
        if exam and objective and objective.domain.exam_id != exam.pk:
            self.add_error("objective", f"This objective belongs to {objective.domain.exam.code}, not {exam.code}.")
        if self.exhibit_failure:
            self.add_error("exhibit", self.exhibit_failure)
        cleaned["simulation_data"] = data = cleaned.get("simulation_data") or {}
        kind = TYPES.get(cleaned.get("type"))
        if kind is not None and "simulation_data" not in self.errors:
            # Choice questions are checked with their choices (ChoiceInlineFormSet); these here.
            problems = kind.data_errors(data)
            if problems:
                self.add_error("simulation_data", problems)
        return cleaned


@admin.register(Question)
class QuestionAdmin(QuestionBankAdminMixin, FilterValuesInRangeMixin, admin.ModelAdmin):
    form = QuestionAdminForm
    # The bank check, import and export (exams/bank/admin_pages.py): linked from the list.
    change_list_template = "admin/exams/bank/question_change_list.html"

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/admin-authoring.js"]

    list_display = ["id", "short_stem", "exam", "objective_number", "type", "difficulty", "review_badge", "source", "is_active", "preview_link"]
    list_filter = ["review_status", "exam", "objective__domain", "objective", "type", "difficulty", "source", "is_active"]
    search_fields = ["stem", "tags", "explanation", "=id"]
    list_select_related = ["exam", "objective"]
    list_per_page = 50
    autocomplete_fields = []
    raw_id_fields = ["reviewed_by"]
    readonly_fields = ["source", "ai_model", "ai_job_id", "reviewed_by", "reviewed_at", "stats", "created_at", "updated_at", "authoring"]
    inlines = [ChoiceInline]
    actions = ["approve_selected", "reject_selected", "export_json", "export_moodle"]
    fieldsets = [
        (None, {"fields": ["exam", "objective", ("type", "choose_count", "difficulty", "points"), "stem", "exhibit", "explanation", "reference_url", "tags"]}),
        ("Performance-based data", {"fields": ["simulation_data", "authoring"],
                                    "description": "Hotspots, rule tables and CLI labs are answered through this data, not choices."}),
        ("Review", {"fields": ["is_active", "review_status", "review_note", "reviewed_by", "reviewed_at"]}),
        ("Provenance and statistics", {"fields": ["source", "ai_model", "ai_job_id", "stats", "created_at", "updated_at"]}),
    ]

    def get_urls(self):
        preview = path("<id:pk>/preview/", self.admin_site.admin_view(self.preview_view), name="exams_question_preview")
        return [preview, *super().get_urls()]

    def preview_view(self, request, pk):
        question = get_object_or_404(Question.objects.select_related("exam", "objective__domain"), pk=pk)
        if not self.has_view_permission(request, question):
            raise PermissionDenied
        if request.method == "POST":
            return self._review_from_preview(request, question)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "question": question,
            "choices": question.choices.all(),
            "title": f"Preview question #{question.pk}",
            "can_change": self.has_change_permission(request, question),
        }
        return TemplateResponse(request, "admin/exams/question/preview.html", context)

    def _review_from_preview(self, request, question):
        if not self.has_change_permission(request, question):
            raise PermissionDenied
        decision = request.POST.get("decision")
        status = {"approve": Question.ReviewStatus.APPROVED, "reject": Question.ReviewStatus.REJECTED}.get(decision)
        try:
            if status is None:
                raise ValueError("Choose approve or reject.")
            question_review(questions=[question], reviewer=request.user, status=status,
                            note=request.POST.get("note", ""), request=request)
        except ValueError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"Question #{question.pk} {status}.", messages.SUCCESS)
        return redirect(reverse("admin:exams_question_preview", args=[question.pk]))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except UploadNotStored as failure:
            # Django's transaction has undone the save. Validating the post again with the failure as
            # the exhibit's error shows the form as Django shows any invalid one, the input kept.
            request.exhibit_failure = str(failure)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if failure := getattr(request, "exhibit_failure", ""):
            form = type(form.__name__, (form,), {"exhibit_failure": failure})
        return form

    def save_model(self, request, obj, form, change):
        if "exhibit" in form.changed_data and form.cleaned_data["exhibit"]:
            upload_store(field_file=obj.exhibit, upload=form.cleaned_data["exhibit"])
        if "review_status" in form.changed_data:
            from django.utils import timezone

            obj.reviewed_by, obj.reviewed_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
        if change:
            audit_log("question_edited", request=request, target=obj, fields=sorted(form.changed_data))
        if "review_status" in form.changed_data and obj.review_status != Question.ReviewStatus.PENDING:
            audit_log(f"question_{obj.review_status}", request=request, target=obj, note=obj.review_note)

    @admin.display(description="Question")
    def short_stem(self, obj):
        return obj.stem[:90] + ("…" if len(obj.stem) > 90 else "")

    @admin.display(description="Objective", ordering="objective__number")
    def objective_number(self, obj):
        return obj.objective.number

    @admin.display(description="Review", ordering="review_status")
    def review_badge(self, obj):
        return format_html('<span class="ptp-status ptp-status-{}">{}</span>', obj.review_status, obj.get_review_status_display())

    @admin.display(description="Preview")
    def preview_link(self, obj):
        return format_html('<a href="{}">Preview</a>', reverse("admin:exams_question_preview", args=[obj.pk]))

    @admin.display(description="Diagram")
    def authoring(self, obj):
        """What a type offers its author on the form (a hotspot: its diagram, where dragging adds a zone)."""
        return obj.kind.render_authoring(obj) if obj and obj.pk else "Save the question to see its diagram."

    @admin.display(description="Statistics")
    def stats(self, obj):
        if not obj.times_answered:
            return "Not answered yet."
        return f"Answered {obj.times_answered} times, {obj.share_correct:.0%} correct, {obj.average_seconds:.0f} s on average."

    @admin.action(description="Approve selected questions", permissions=["change"])
    def approve_selected(self, request, queryset):
        changed = question_review(
            questions=queryset, reviewer=request.user, status=Question.ReviewStatus.APPROVED, request=request
        )
        self.message_user(request, f"Approved {changed} question(s).", messages.SUCCESS)

    @admin.action(description="Reject selected questions (reason: needs rework)", permissions=["change"])
    def reject_selected(self, request, queryset):
        changed = question_review(
            questions=queryset, reviewer=request.user, status=Question.ReviewStatus.REJECTED,
            note="Rejected in bulk: needs rework.", request=request,
        )
        self.message_user(request, f"Rejected {changed} question(s).", messages.WARNING)
