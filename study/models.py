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
    paused_at = models.DateTimeField(
        null=True, blank=True, help_text="Timed practice paused here: the clock stands still until it resumes.")
    paused_seconds = models.FloatField(default=0, help_text="How long its pauses lasted, in all.")
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
    def forward_only(self) -> bool:
        """An exam simulation of an exam that moves forward only (its profile: Cisco): no going
        back to an earlier question, no review screen before submitting."""
        return self.mode == self.Mode.EXAM and self.exam.forward_only

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

    @property
    def can_pause(self) -> bool:
        """Timed practice can stop its clock; an exam simulation, like the real exam, cannot."""
        return self.deadline is not None and self.mode != self.Mode.EXAM and not self.is_finished

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def is_expired(self, now=None) -> bool:
        """Past the deadline; never while paused (resuming moves the deadline on by the pause)."""
        return self.deadline is not None and not self.is_paused and (now or timezone.now()) >= self.deadline

    def seconds_left(self, now=None) -> int | None:
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - (self.paused_at or now or timezone.now())).total_seconds()))

    @property
    def time_used(self) -> timedelta:
        """Time on the clock: from the start to the submission (or now, or the deadline), pauses left out."""
        end = self.submitted_at or self.paused_at or timezone.now()
        if self.deadline is not None:
            end = min(end, self.deadline)
        return end - self.started_at - timedelta(seconds=self.paused_seconds)

    @property
    def time_allowed(self) -> timedelta | None:
        return self.deadline - self.started_at - timedelta(seconds=self.paused_seconds) if self.deadline else None

    @property
    def percent(self) -> int | None:
        if self.correct_count is None or not self.question_total:
            return None
        return round(100 * self.correct_count / self.question_total)


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
    # How right the answer is, 0 to 1 (partial credit for the parts of a performance-based question).
    score = models.FloatField(null=True, blank=True)
    # An exam profile's unscored item: answered like any other, never counted in the score.
    unscored = models.BooleanField(default=False)
    # Work in progress that is not yet an answer (a CLI lab's typed lines per device).
    draft = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    time_spent_seconds = models.FloatField(default=0)
    confidence = models.PositiveSmallIntegerField(choices=Confidence.choices, null=True, blank=True)
    flagged = models.BooleanField(default=False)
    struck = models.JSONField(default=list, blank=True, help_text="Choice ids the learner struck out as eliminated.")
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
        """Choice ids the learner picked, where picking is what an answer to its type is."""
        return self.question.kind.picked_ids(self.response) if self.response is not None else set()

    @property
    def outcome(self) -> float:
        """How right the answer was, 0 to 1 (answers saved before partial credit: right or wrong)."""
        return self.score if self.score is not None else float(bool(self.is_correct))

    def answer_summary(self, choices_by_id: dict) -> list[str]:
        """The learner's answer in words, in the order the question showed its choices (review
        pages, the data export)."""
        if self.response is None:
            return []
        return self.question.kind.summary(self.response, choice_order=self.choice_order, choices_by_id=choices_by_id,
                                          question=self.question)

    @property
    def guessing_chance(self) -> float:
        """The chance that a valid answer made at random is right (the readiness estimator's floor)."""
        return self.question.kind.guessing_chance(
            options=len(self.choice_order), match_options=len(self.match_order), choose_count=self.question.choose_count
        )


# The confidence chips' (value, label) pairs, worked out once: the enum works them out afresh on every read.
CONFIDENCE_CHOICES = tuple(SessionItem.Confidence.choices)


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
    exam_date = models.DateField(null=True, blank=True, help_text="The day the learner sits the real exam, if they said.")

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
