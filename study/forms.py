
from django import forms

from exams.models import Exam, Objective
from pingtopass.forms import IdsChoiceField
from study.models import QuestionFeedback, StudySession
from study.services import SessionRequest

COUNT_SIZES = (10, 25, 50)
# "all": as many as the form's limit (the bank for these choices, or what is left today).
COUNT_CHOICES = [*((str(n), str(n)) for n in COUNT_SIZES), ("all", "All"), ("custom", "Custom")]
SOURCE_CHOICES = [
    ("all", "All questions"),
    ("unseen", "Not yet seen"),
    ("fresh", "Not seen in 24 hours"),
    ("missed", "Previously missed"),
    ("bookmarked", "Bookmarked"),
    ("marked", "Missed, flagged or bookmarked"),
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

    def __init__(self, *args, exam: Exam, capacity: int = MAX_CUSTOM, left_today: int | None = None, **kwargs):
        """`capacity`: how many questions these choices can draw; `left_today`: a free learner's
        questions left today (None: no limit). The sizes offered fit both."""
        super().__init__(*args, **kwargs)
        self.exam = exam
        self.capacity = capacity
        self.left_today = left_today
        self.fields["objectives"].queryset = Objective.objects.filter(domain__exam=exam).select_related("domain")

    @property
    def limit(self) -> int:
        """The most questions a session started from this form can hold."""
        return min(self.capacity, MAX_CUSTOM, MAX_CUSTOM if self.left_today is None else self.left_today)

    @property
    def limited_by_plan(self) -> bool:
        return self.left_today is not None and self.left_today <= min(self.capacity, MAX_CUSTOM)

    @property
    def count_options(self) -> list[tuple[str, str]]:
        """The sizes offered: the fixed ones that fit, then "All n" when the limit is below the
        largest, then a custom number."""
        limit = self.limit
        options = [(str(n), str(n)) for n in COUNT_SIZES if n <= limit]
        if 0 < limit < COUNT_SIZES[-1] and limit not in COUNT_SIZES:
            options.append(("all", f"All {limit}"))
        return [*options, ("custom", "Custom")]

    @property
    def count_value(self) -> str:
        """The size to show picked: the learner's, if it is still offered, else the largest that is."""
        offered = [value for value, _ in self.count_options]
        value = str(self["count"].value())
        if value in offered:
            return value
        return next((v for v in ("all", *map(str, reversed(COUNT_SIZES))) if v in offered), "custom")

    def filters(self) -> SessionRequest | None:
        """The objectives, difficulty and source chosen (what the sizes depend on), if they are
        valid; the count is not looked at."""
        self.is_valid()
        if any(name in self.errors for name in ("objectives", "difficulty_min", "difficulty_max", "source")):
            return None
        c = self.cleaned_data
        if c["difficulty_min"] > c["difficulty_max"]:
            return None
        return SessionRequest(mode=StudySession.Mode.PRACTICE, objective_ids=tuple(o.pk for o in c["objectives"]),
                              difficulty_min=c["difficulty_min"], difficulty_max=c["difficulty_max"],
                              source=c["source"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("count") == "custom" and not cleaned.get("custom_count"):
            self.add_error("custom_count", f"Enter how many questions (1–{MAX_CUSTOM}).")
        low, high = cleaned.get("difficulty_min"), cleaned.get("difficulty_max")
        if low and high and low > high:
            self.add_error("difficulty_max", "The hardest level cannot be below the easiest.")
        return cleaned

    @property
    def asks_for_all(self) -> bool:
        return self.cleaned_data.get("count") == "all"

    def to_request(self) -> SessionRequest:
        c = self.cleaned_data
        if c["count"] == "custom":
            count = c["custom_count"]
        else:
            count = max(self.limit, 1) if c["count"] == "all" else int(c["count"])
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

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 5:
            raise forms.ValidationError("Tell us a little more (at least 5 characters).")
        return message


class ExamDateForm(forms.Form):
    """The day the learner sits the real exam; empty clears it."""

    exam_date = forms.DateField(required=False, label="Exam day", widget=forms.DateInput(attrs={"type": "date"}),
                                help_text="Readiness is shown for that day too, with a plan to be ready by then.")

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_exam_date(self):
        day = self.cleaned_data["exam_date"]
        if day is not None and self.today is not None:
            if day < self.today:
                raise forms.ValidationError("That day has passed: pick today or a day to come.")
            if (day - self.today).days > 2 * 366:
                raise forms.ValidationError("Pick a day within the next two years.")
        return day
