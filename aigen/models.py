from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from exams.models import Exam, Objective, Question
from exams.question_types import AI_TYPES

# How a new job mixes types unless asked otherwise: each type says its share (exams/question_types).
TYPE_MIX_DEFAULT = {key: kind.ai_default_share for key, kind in AI_TYPES.items()}
DIFFICULTY_MIX_DEFAULT = {"1": 10, "2": 25, "3": 35, "4": 20, "5": 10}


def _lapsed(now: datetime) -> Q:
    """Running without a sign of life from its worker for a lease (settings.AI_JOB_LEASE_SECONDS)."""
    lapsed = now - timedelta(seconds=settings.AI_JOB_LEASE_SECONDS)
    return Q(status=GenerationJob.Status.RUNNING) & (Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=lapsed))


class GenerationJobQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=GenerationJob.ACTIVE)

    def stalled(self, *, now):
        """Running jobs whose worker was lost: no renewal of their lease for a lease."""
        return self.filter(_lapsed(now))

    def claimable(self, *, now):
        """Queued, or stalled."""
        return self.filter(Q(status=GenerationJob.Status.QUEUED) | _lapsed(now))


class GenerationJob(models.Model):
    """A request to write `requested_count` questions for some objectives of one exam."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        PARTLY_SUCCEEDED = "partial", "Partly succeeded"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="generation_jobs")
    objectives = models.ManyToManyField(Objective, related_name="generation_jobs")
    requested_count = models.PositiveIntegerField("questions requested")
    type_mix = models.JSONField(default=dict, help_text='Relative weights per question type, e.g. {"single": 60}.')
    difficulty_mix = models.JSONField(default=dict, help_text='Relative weights per difficulty, e.g. {"3": 35}.')
    model = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_count = models.PositiveIntegerField("questions created", default=0)
    rejected_count = models.PositiveIntegerField("items rejected", default=0)
    failed_calls = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField("cost (USD)", max_digits=12, decimal_places=6, default=Decimal("0"))
    estimated_cost_usd = models.DecimalField("estimated cost (USD)", max_digits=12, decimal_places=6, default=Decimal("0"))
    error = models.TextField(blank=True, help_text="Why the job stopped early, if it did.")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="generation_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease: renewed by the worker while it runs the job (aigen.lease.JobLease). A running job
    # whose heartbeat is older than settings.AI_JOB_LEASE_SECONDS has lost its worker: it is
    # stalled, and may be claimed again.
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = GenerationJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(requested_count__gt=0), name="generationjob_requests_questions"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="generationjob_status_idx")]

    def __str__(self):
        return f"Job #{self.pk}: {self.requested_count} questions for {self.exam.code}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def progress_percent(self) -> int:
        return min(100, round(100 * self.created_count / self.requested_count)) if self.requested_count else 0

    @property
    def remaining_count(self) -> int:
        return max(0, self.requested_count - self.created_count)

    @property
    def stalled_since(self) -> datetime | None:
        """The last sign of life from the worker of a running job, once it is older than the lease."""
        if self.status != self.Status.RUNNING:
            return None
        if self.heartbeat_at is None:
            return self.started_at or self.created_at
        lapsed = timezone.now() - timedelta(seconds=settings.AI_JOB_LEASE_SECONDS)
        return self.heartbeat_at if self.heartbeat_at < lapsed else None


class LLMCallQuerySet(models.QuerySet):
    def about(self, subject: models.Model):
        """The calls made for `subject` (e.g. the X account a draft was written for)."""
        return self.filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)


class LLMCall(models.Model):
    """One HTTP request to the model, kept for audit and cost accounting: every call the project
    makes, whatever it is for, so the month's budget and the cost page count them all."""

    class Purpose(models.TextChoices):
        GENERATION = "generation", "Question generation"
        GROWTH_DRAFT = "growth_draft", "Drafts for X"

    class Outcome(models.TextChoices):
        OK = "ok", "OK"
        INVALID = "invalid", "Unreadable answer"
        RATE_LIMITED = "rate_limited", "Rate limited (429)"
        SERVER_ERROR = "server_error", "Server error (5xx)"
        TIMEOUT = "timeout", "Timed out"
        CONNECTION_ERROR = "connection", "Connection failed"
        CLIENT_ERROR = "client_error", "Refused (4xx)"
        # On record before the request leaves, at its estimated cost, so a call whose worker dies
        # while waiting for the answer still counts against the job's cost and the month's budget.
        SENT = "sent", "In flight"
        LOST = "lost", "Lost with its worker"

    ESTIMATED = (Outcome.SENT, Outcome.LOST)  # cost_usd is the estimate: no answer said what it cost

    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.GENERATION)
    job = models.ForeignKey(GenerationJob, null=True, blank=True, on_delete=models.CASCADE, related_name="calls",
                            help_text="The generation job it was made for (question generation only).")
    # What a call made outside a job was for (growth: the X account a draft was written for). Generic,
    # as the apps that make such calls sit above aigen and aigen imports none of them.
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    model = models.CharField(max_length=200)
    attempt = models.PositiveSmallIntegerField(default=1, help_text="1 for the first try, 2 for the first retry ...")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField("cost (USD)", max_digits=12, decimal_places=6, default=Decimal("0"))
    latency_ms = models.PositiveIntegerField(default=0)
    items_received = models.PositiveSmallIntegerField(default=0)
    items_created = models.PositiveSmallIntegerField(default=0)
    rejections = models.JSONField(default=list, blank=True, help_text="Items the quality gate refused, with reasons.")
    raw_response = models.TextField(blank=True, help_text="The response body as received.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = LLMCallQuerySet.as_manager()

    class Meta:
        verbose_name = "LLM call"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(purpose="generation") | Q(job__isnull=False),
                                   name="llmcall_generation_has_job"),
        ]

    def __str__(self):
        return f"Call #{self.pk} ({self.model}, {self.get_outcome_display()})"

    @property
    def items_rejected(self) -> int:
        return len(self.rejections)

    @property
    def cost_is_estimate(self) -> bool:
        return self.outcome in self.ESTIMATED


class JobQuestion(models.Model):
    """A question a job saved, keyed by its normalised stem: a task that runs again after a
    partial batch finds the key taken and never saves the same item twice."""

    job = models.ForeignKey(GenerationJob, on_delete=models.CASCADE, related_name="items")
    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="+")
    stem_key = models.CharField(max_length=64, help_text="SHA-256 of the normalised stem.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "stem_key"], name="jobquestion_stem_once_per_job")]

    def __str__(self):
        return f"{self.job_id}:{self.stem_key[:12]}"


class AIQuestion(Question):
    """AI-written questions, for the review queue in admin (same table as exams.Question)."""

    class Meta:
        proxy = True
        verbose_name = "AI question to review"
        verbose_name_plural = "AI questions to review"
