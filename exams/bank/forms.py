from django import forms

from exams.bank.formats import FORMATS, format_for_name
from exams.bank.importing import MAX_IMPORT_BYTES
from exams.models import Exam, Objective

FROM_NAME = ""


class ImportForm(forms.Form):
    """A file to import, the exam it goes to and the objective for questions whose file names none."""

    exam = forms.ModelChoiceField(queryset=Exam.objects.all(), empty_label=None)
    objective = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None,
        help_text="For questions whose file names none of the exam's objectives (Moodle and GIFT categories from "
                  "other sites, JSON questions without one).",
    )
    file = forms.FileField(help_text=f"Moodle XML (.xml), GIFT (.gift or .txt) or our JSON (.json); at most "
                                     f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
    format = forms.ChoiceField(
        choices=[(FROM_NAME, "From the file's extension"), *((f.key, f.label) for f in FORMATS.values())], required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list] = {}
        for objective in Objective.objects.select_related("domain__exam").order_by("domain__exam__code", "domain__position",
                                                                                    "position", "number"):
            groups.setdefault(objective.domain.exam.code, []).append((objective.pk, f"{objective.number} {objective.name}"))
        self.fields["objective"].choices = [("", "Only what the file names"), *groups.items()]

    def clean(self):
        cleaned = super().clean()
        exam, objective_id, upload = cleaned.get("exam"), cleaned.get("objective"), cleaned.get("file")
        cleaned["objective_row"] = None
        if exam is not None and objective_id is not None:
            cleaned["objective_row"] = Objective.objects.filter(pk=objective_id, domain__exam=exam).first()
            if cleaned["objective_row"] is None:
                self.add_error("objective", f"That objective is not part of {exam.code}.")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                self.add_error("file", f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
            if not cleaned.get("format"):
                detected = format_for_name(upload.name)
                if detected is None:
                    self.add_error("format", "The file's extension does not say its format: choose one.")
                else:
                    cleaned["format"] = detected.key
        return cleaned
