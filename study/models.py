from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from exams.models import Exam, Question


class StudySessionQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def unfinished(self):
        return self.filter(status=StudySession.Status.IN_PROGRESS)

    def finished(self):
        return self.filter(status=StudySession.Status.SUBMITTED)


class StudySession(models.Model):
    class Mode(models.TextChoices):
        PRACTICE = "practice", "Practice"
        TIMED = "timed", "Timed practice"
        EXAM = "exam", "Exam simulation"
        ADAPTIVE = "adaptive", "Adaptive practice"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Finished"

    # Null once the learner deletes their account: the answers stay as anonymous statistics.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="study_sessions"
    )
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="study_sessions")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    config = models.JSONField(default=dict, blank=True, help_text="What the learner asked for.")
    question_total = models.PositiveSmallIntegerField(default=0)
    current_position = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    expired = models.BooleanField(default=False, help_text="Submitted by the server when time ran out.")
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    answered_count = models.PositiveSmallIntegerField(null=True, blank=True)
    scaled_score = models.PositiveIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True, help_text="Per-domain and per-objective results.")

    objects = StudySessionQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "status", "-started_at"], name="session_user_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(submitted_at__isnull=False), name="session_submitted_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.get_mode_display()} · {self.exam.code} · {self.user}"

    def get_absolute_url(self):
        return reverse("study:session_resume", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_timed(self) -> bool:
        return self.deadline is not None

    @property
    def gives_instant_feedback(self) -> bool:
        return self.mode in (self.Mode.PRACTICE, self.Mode.ADAPTIVE)

    @property
    def allows_answer_changes(self) -> bool:
        """Exam simulation and timed practice let learners revise answers until they submit."""
        return not self.gives_instant_feedback

    @property
    def reveals_correctness(self) -> bool:
        """May anything that tells right from wrong about this session's answers leave the server
        (a page, the data export)? Once it is finished, yes; before, only where each answer is
        marked as it is given. While answers can still change, any sign of whether a saved
        answer is right lets a learner try choices until the exam is perfect."""
        return self.is_finished or self.gives_instant_feedback

    def is_expired(self, now=None) -> bool:
        return self.deadline is not None and (now or timezone.now()) >= self.deadline

    def seconds_left(self, now=None) -> int | None:
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - (now or timezone.now())).total_seconds()))

    @property
    def time_used(self) -> timedelta:
        end = self.submitted_at or timezone.now()
        if self.deadline is not None:
            end = min(end, self.deadline)
        return end - self.started_at

    @property
    def time_allowed(self) -> timedelta | None:
        return self.deadline - self.started_at if self.deadline else None

    @property
    def percent(self) -> int | None:
        if self.correct_count is None or not self.question_total:
            return None
        return round(100 * self.correct_count / self.question_total)


_PICK_TYPES = ("single", "multiple", "truefalse")


class SessionItem(models.Model):
    """One question of a session, in order, and the learner's single answer to it.

    Choices are referred to in pages by their index in `choice_order` (A, B, C ...), never by
    database id, so nothing in a page hints at which choice is correct.
    """

    class Confidence(models.IntegerChoices):
        LOW = 1, "Guessing"
        MEDIUM = 2, "Fairly sure"
        HIGH = 3, "Certain"

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choice_order = models.JSONField(default=list, help_text="Choice ids in the order shown.")
    match_order = models.JSONField(default=list, blank=True, help_text="Matching: ids whose match texts are offered, in order.")
    reason = models.CharField(max_length=120, blank=True, help_text="Why adaptive practice chose it.")
    response = models.JSONField(null=True, blank=True, help_text="Selected choice ids, or the order/matching given.")
    is_correct = models.BooleanField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    time_spent_seconds = models.FloatField(default=0)
    confidence = models.PositiveSmallIntegerField(choices=Confidence.choices, null=True, blank=True)
    flagged = models.BooleanField(default=False)
    shown_at = models.DateTimeField(null=True, blank=True, help_text="When the question first appeared.")
    progress_pending = models.BooleanField(
        default=False, help_text="Answered with instant feedback; not yet folded into progress (study.progress)."
    )

    class Meta:
        # Columns, not the relation: "session" would join StudySession to sort by its
        # started_at in every query, including the question card's.
        ordering = ["session_id", "position"]
        indexes = [
            # Only the few answers still to fold are in it: "anything pending for this learner?"
            # is a lookup, not a scan, whatever the history.
            models.Index(fields=["session"], condition=Q(progress_pending=True), name="item_progress_pending_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="item_position_unique"),
            models.UniqueConstraint(fields=["session", "question"], name="item_question_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="item_position_from_one"),
        ]

    def __str__(self):
        return f"{self.session_id} #{self.position}"

    def get_absolute_url(self):
        return reverse("study:question", args=[self.session_id, self.position])

    @property
    def is_answered(self) -> bool:
        return self.response is not None

    @property
    def picked_choice_ids(self) -> set[int]:
        """Choice ids the learner picked (single, multiple and true/false questions)."""
        return set(self.response) if isinstance(self.response, list) and self.question.type in _PICK_TYPES else set()

    def ordering_position(self, choice_id: int) -> int | None:
        """The 1-based position the learner gave this step, if they answered an ordering question."""
        if isinstance(self.response, list) and self.question.type == "ordering" and choice_id in self.response:
            return self.response.index(choice_id) + 1
        return None

    def matching_index(self, choice_id: int) -> int | None:
        """Index in `match_order` of the target the learner matched to this item."""
        if isinstance(self.response, dict):
            target = self.response.get(str(choice_id))
            if target in self.match_order:
                return self.match_order.index(target)
        return None

    def answer_summary(self, choices_by_id: dict) -> list[str]:
        """The learner's answer in words, in the order the question showed its choices (review
        pages, the data export). Never in the stored order: that follows choice ids, and the
        order of ids can tell which choice is right."""
        if self.response is None:
            return []
        if self.question.type == "ordering":
            return [f"{n}. {choices_by_id[pk].text}" for n, pk in enumerate(self.response, start=1) if pk in choices_by_id]
        shown = [pk for pk in self.choice_order if pk in choices_by_id]
        if self.question.type == "matching":
            return [
                f"{choices_by_id[left].text} → {choices_by_id[right].match_text}"
                for left in shown
                if (right := self.response.get(str(left))) in choices_by_id
            ]
        return [choices_by_id[pk].text for pk in shown if pk in self.response]


class Bookmark(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="bookmarks")
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="bookmark_unique_per_user")]

    def __str__(self):
        return f"{self.user} ★ {self.question_id}"


class QuestionFeedback(models.Model):
    class Kind(models.TextChoices):
        WRONG_ANSWER = "wrong_answer", "The marked answer is wrong"
        UNCLEAR = "unclear", "The question is unclear"
        TYPO = "typo", "Typo or formatting"
        OUTDATED = "outdated", "Outdated for the current exam"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="question_feedback")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    message = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    moderator_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "question report"
        indexes = [models.Index(fields=["status", "-created_at"], name="feedback_status_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} on question {self.question_id}"


class ExamProgress(models.Model):
    """A learner's running totals on one exam, folded in from answers so pages never rescan
    the history. `theta`/`variance` is the overall ability the objective estimates pool towards."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_progress")
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="+")
    answered = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    study_seconds = models.FloatField(default=0)
    theta = models.FloatField(default=0)
    variance = models.FloatField(default=1.5)
    readiness = models.FloatField(null=True, blank=True)
    readiness_low = models.FloatField(null=True, blank=True)
    readiness_high = models.FloatField(null=True, blank=True)
    last_answer_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "exam"], name="progress_unique_per_exam")]

    def __str__(self):
        return f"{self.user} on {self.exam.code}"

    @property
    def accuracy(self) -> int | None:
        return round(100 * self.correct / self.answered) if self.answered else None


class ObjectiveMastery(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="masteries")
    objective = models.ForeignKey("exams.Objective", on_delete=models.CASCADE, related_name="+")
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="+")
    answered = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    theta = models.FloatField(default=0)
    variance = models.FloatField(default=1.5)
    last_answer_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "objective"], name="mastery_unique_per_objective")]
        indexes = [models.Index(fields=["user", "exam"], name="mastery_user_exam_idx")]

    def __str__(self):
        return f"{self.user} · {self.objective_id}"


class StudyDay(models.Model):
    """Answers per local calendar day of the learner: streaks and activity."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_days")
    date = models.DateField()
    answered = models.PositiveIntegerField(default=0)
    study_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="study_day_unique")]

    def __str__(self):
        return f"{self.user} {self.date}: {self.answered}"


class WeeklyStat(models.Model):
    """Per learner, exam and local week (starting Monday): answers, correct, readiness at week's end."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_stats")
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    answered = models.PositiveIntegerField(default=0)
    correct = models.PositiveIntegerField(default=0)
    readiness = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["week_start"]
        constraints = [models.UniqueConstraint(fields=["user", "exam", "week_start"], name="weekly_stat_unique")]

    def __str__(self):
        return f"{self.user} {self.exam_id} week of {self.week_start}"


class ReviewCard(models.Model):
    """FSRS schedule of one answered question for one learner."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="+")
    card = models.JSONField(help_text="fsrs.Card.to_dict()")
    due = models.DateTimeField()
    last_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="review_card_unique")]
        indexes = [models.Index(fields=["user", "exam", "due"], name="review_card_due_idx")]

    def __str__(self):
        return f"{self.user} · question {self.question_id} due {self.due:%Y-%m-%d}"
