from django import forms
from django.conf import settings

from aigen.models import DIFFICULTY_MIX_DEFAULT, TYPE_MIX_DEFAULT
from exams.models import Exam, Objective
from exams.question_types import AI_TYPES
from pingtopass.forms import IdsChoiceField


def _weight(label: str, initial: int) -> forms.IntegerField:
    # Left empty (or left out by a form from before a type existed): a weight of 0.
    return forms.IntegerField(label=label, min_value=0, max_value=100, initial=initial, required=False)


class ExamChoiceForm(forms.Form):
    exam = forms.ModelChoiceField(queryset=Exam.objects.all(), empty_label="Choose an exam")


class JobStartForm(forms.Form):
    count = forms.IntegerField(label="Questions to write", min_value=1, initial=10)
    objectives = IdsChoiceField(
        queryset=Objective.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to spread the questions over every objective of the exam.",
    )

    TYPE_FIELDS = {f"type_{key}": (key, kind.label) for key, kind in AI_TYPES.items()}
    DIFFICULTY_FIELDS = {f"difficulty_{n}": (str(n), str(n)) for n in range(1, 6)}

    def __init__(self, *args, exam: Exam, **kwargs):
        super().__init__(*args, **kwargs)
        self.exam = exam
        self.fields["count"] = forms.IntegerField(
            label="Questions to write", min_value=1, max_value=settings.AI_MAX_JOB_QUESTIONS, initial=10
        )
        self.fields["objectives"].queryset = (
            Objective.objects.filter(domain__exam=exam).select_related("domain").order_by("domain__position", "position", "number")
        )
        for name, (value, label) in self.TYPE_FIELDS.items():
            self.fields[name] = _weight(label, TYPE_MIX_DEFAULT.get(value, 0))
        for name, (value, label) in self.DIFFICULTY_FIELDS.items():
            self.fields[name] = _weight(label, DIFFICULTY_MIX_DEFAULT.get(value, 0))

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in self.TYPE_FIELDS):
            self.add_error(None, "Give at least one question type a weight above zero.")
        if not any(cleaned.get(name) for name in self.DIFFICULTY_FIELDS):
            self.add_error(None, "Give at least one difficulty a weight above zero.")
        return cleaned

    def type_mix(self) -> dict[str, int]:
        return {value: self.cleaned_data[name] or 0 for name, (value, _) in self.TYPE_FIELDS.items()}

    def difficulty_mix(self) -> dict[str, int]:
        return {value: self.cleaned_data[name] or 0 for name, (value, _) in self.DIFFICULTY_FIELDS.items()}

    def type_fields(self):
        return [self[name] for name in self.TYPE_FIELDS]

    def difficulty_fields(self):
        return [self[name] for name in self.DIFFICULTY_FIELDS]

    def objectives_by_domain(self):
        """[(domain, [checkbox, ...]), ...] in blueprint order."""
        groups: dict = {}
        for checkbox in self["objectives"]:
            domain = checkbox.data["value"].instance.domain
            groups.setdefault(domain, []).append(checkbox)
        return list(groups.items())


class PregenerateForm(forms.Form):
    per_objective = forms.IntegerField(label="Questions per objective", min_value=1, max_value=500)


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}), max_length=2000,
        help_text="Saved on every selected question and in the audit log.",
    )
