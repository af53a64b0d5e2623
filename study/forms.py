import functools

from django import forms
from django.utils.safestring import mark_safe

from exams.models import Exam, Objective
from pingtopass.forms import IdsChoiceField
from study.models import QuestionFeedback, StudySession
from study.services import SessionRequest

COUNT_CHOICES = [("10", "10"), ("25", "25"), ("50", "50"), ("custom", "Custom")]
SOURCE_CHOICES = [
    ("all", "All questions"),
    ("unseen", "Not yet seen"),
    ("fresh", "Not seen in 24 hours"),
    ("missed", "Previously missed"),
    ("bookmarked", "Bookmarked"),
    ("due", "Due for review"),
]
DIFFICULTY_CHOICES = [(n, f"{n} – {label}") for n, label in ((1, "easiest"), (2, "easy"), (3, "medium"), (4, "hard"), (5, "hardest"))]
MAX_CUSTOM = 200


class ObjectiveChoiceField(IdsChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number} {obj.name}"


class PracticeStartForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[(StudySession.Mode.PRACTICE, "Practice — feedback after each answer"),
                 (StudySession.Mode.TIMED, "Timed practice — countdown, feedback at the end")],
        widget=forms.RadioSelect, initial=StudySession.Mode.PRACTICE,
    )
    objectives = ObjectiveChoiceField(
        queryset=Objective.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to practise every objective.",
    )
    count = forms.ChoiceField(choices=COUNT_CHOICES, initial="10", widget=forms.RadioSelect, label="How many questions")
    custom_count = forms.IntegerField(min_value=1, max_value=MAX_CUSTOM, required=False, label="Custom number")
    difficulty_min = forms.TypedChoiceField(choices=DIFFICULTY_CHOICES, coerce=int, initial=1, label="Easiest")
    difficulty_max = forms.TypedChoiceField(choices=DIFFICULTY_CHOICES, coerce=int, initial=5, label="Hardest")
    source = forms.ChoiceField(choices=SOURCE_CHOICES, initial="all", widget=forms.RadioSelect, label="Questions from")

    def __init__(self, *args, exam: Exam, **kwargs):
        super().__init__(*args, **kwargs)
        self.exam = exam
        self.fields["objectives"].queryset = Objective.objects.filter(domain__exam=exam).select_related("domain")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("count") == "custom" and not cleaned.get("custom_count"):
            self.add_error("custom_count", f"Enter how many questions (1–{MAX_CUSTOM}).")
        low, high = cleaned.get("difficulty_min"), cleaned.get("difficulty_max")
        if low and high and low > high:
            self.add_error("difficulty_max", "The hardest level cannot be below the easiest.")
        return cleaned

    def to_request(self) -> SessionRequest:
        c = self.cleaned_data
        count = c["custom_count"] if c["count"] == "custom" else int(c["count"])
        return SessionRequest(
            mode=c["mode"], count=count, objective_ids=tuple(o.pk for o in c["objectives"]),
            difficulty_min=c["difficulty_min"], difficulty_max=c["difficulty_max"], source=c["source"],
        )


class BookmarkForm(forms.Form):
    bookmarked = forms.BooleanField(required=False)
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = QuestionFeedback
        fields = ["kind", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}
        labels = {"kind": "What is wrong?", "message": "Details"}

    @classmethod
    @functools.cache
    def blank_html(cls) -> str:
        """The empty form's fields, rendered once per process: every question card carries the
        report form, and rendering its widgets costs more than the rest of the card."""
        form = cls()
        return mark_safe("".join(  # noqa: S308 -- Django's own widget rendering, escaped
            str(part) for part in (form["kind"].label_tag(), form["kind"], form["message"].label_tag(), form["message"])
        ))

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 5:
            raise forms.ValidationError("Tell us a little more (at least 5 characters).")
        return message
