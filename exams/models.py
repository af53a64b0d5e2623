from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse

from exams.question_types import QuestionType, question_type
from pingtopass.links import validate_http_url

DIFFICULTY_MIN, DIFFICULTY_MAX = 1, 5
# Exhibit images a browser shows and the app serves (pingtopass/media.py); Pillow checks the bytes.
EXHIBIT_EXTENSIONS = ["png", "jpg", "jpeg", "gif", "webp", "svg"]  # an SVG is cleaned on upload (exams/svg.py)


class ExamQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Exam(models.Model):
    code = models.CharField(max_length=32, unique=True, help_text="Vendor exam code, e.g. SY0-701.")
    name = models.CharField(max_length=200)
    vendor = models.CharField(max_length=100)
    category = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    score_min = models.PositiveIntegerField(default=100)
    score_max = models.PositiveIntegerField(default=900)
    passing_score = models.PositiveIntegerField(default=700)
    question_count = models.PositiveIntegerField(help_text="Questions on the real exam.")
    duration_minutes = models.PositiveIntegerField(help_text="Minutes allowed on the real exam.")
    price = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"), help_text="USD.")
    retirement_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField("active", default=True)
    is_beta = models.BooleanField("beta", default=False)
    vendor_url = models.URLField(blank=True, validators=[validate_http_url])
    # The exam profile: how an exam simulation of this exam behaves, as the real exam does.
    # Practice is never constrained by it.
    pbq_first = models.BooleanField(
        "performance-based first", default=False,
        help_text="Exam simulation opens with the performance-based questions (CompTIA does).")
    forward_only = models.BooleanField(
        default=False, help_text="Exam simulation moves forward only: no going back, no review screen (Cisco does).")
    unscored_items = models.PositiveSmallIntegerField(
        default=0, help_text="Questions in an exam simulation that do not count, unmarked (AWS: 15 of 65). "
                             "The learner is told some items are unscored, never which.")
    guessing_floor = models.FloatField(
        default=0.25, validators=[MinValueValidator(0.0), MaxValueValidator(0.5)],
        help_text="The chance a blind guess is right, averaged over the real exam's questions: 0.25 where they "
                  "are four-option questions, less with multiple-response or performance-based items. Readiness "
                  "counts what it gives for free.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExamQuerySet.as_manager()

    class Meta:
        ordering = ["vendor", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(score_min__lt=models.F("score_max")), name="exam_score_scale_ordered"),
            models.CheckConstraint(
                condition=Q(passing_score__gte=models.F("score_min"), passing_score__lte=models.F("score_max")),
                name="exam_passing_score_on_scale",
            ),
            models.CheckConstraint(condition=Q(question_count__gt=0), name="exam_question_count_positive"),
            models.CheckConstraint(condition=Q(guessing_floor__gte=0, guessing_floor__lte=0.5),
                                   name="exam_guessing_floor_a_chance"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="exam_duration_positive"),
            models.CheckConstraint(condition=Q(price__gte=0), name="exam_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"

    def get_absolute_url(self):
        return reverse("study:exam_detail", args=[self.code])

    @property
    def passing_fraction(self) -> float:
        """The passing score as a fraction of the scale (0..1)."""
        return (self.passing_score - self.score_min) / (self.score_max - self.score_min)

    def weights_total(self) -> int:
        return self.domains.aggregate(total=Sum("weight"))["total"] or 0


class Domain(models.Model):
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="domains")
    number = models.CharField(max_length=10, help_text='As the vendor numbers it, e.g. "1.0".')
    name = models.CharField(max_length=200)
    weight = models.PositiveSmallIntegerField(
        help_text="Percent of the exam; an exam's domain weights sum to 100.",
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["exam", "position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "number"], name="domain_number_unique_per_exam"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="domain_weight_1_to_100"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"


class Objective(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="objectives")
    number = models.CharField(max_length=10, help_text='e.g. "1.2".')
    name = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["domain__exam", "domain__position", "position", "number"]
        constraints = [models.UniqueConstraint(fields=["domain", "number"], name="objective_number_unique_per_domain")]

    def __str__(self):
        return f"{self.number} {self.name}"


class QuestionQuerySet(models.QuerySet):
    def servable(self):
        """What a learner may be shown: approved, active, of an active exam."""
        return self.filter(
            is_active=True, review_status=Question.ReviewStatus.APPROVED, exam__is_active=True
        )

    def pending_review(self):
        return self.filter(review_status=Question.ReviewStatus.PENDING)


class Question(models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        TRUE_FALSE = "truefalse", "True / false"
        ORDERING = "ordering", "Ordering"
        MATCHING = "matching", "Matching"
        HOTSPOT = "hotspot", "Hotspot"
        TABLE = "table", "Rule table"
        CLI = "cli", "CLI lab"

    class ReviewStatus(models.TextChoices):
        PENDING = "pending", "Pending review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class Source(models.TextChoices):
        HUMAN = "human", "Human"
        AI = "ai", "AI"

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="questions")
    # RESTRICT: an objective with questions cannot be deleted, but deleting a whole exam can.
    objective = models.ForeignKey(Objective, on_delete=models.RESTRICT, related_name="questions")
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.SINGLE)
    choose_count = models.PositiveSmallIntegerField(
        "choose N", default=1, help_text='How many choices are correct ("choose two" = 2).'
    )
    stem = models.TextField(help_text="Markdown; sanitised when shown.")
    explanation = models.TextField(help_text="Markdown: why the correct answer is correct.")
    reference_url = models.URLField(max_length=500, blank=True, validators=[validate_http_url])
    difficulty = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(DIFFICULTY_MIN), MaxValueValidator(DIFFICULTY_MAX)],
        help_text="1 (easy) to 5 (hard).",
    )
    tags = models.CharField(max_length=300, blank=True, help_text="Comma-separated.")
    exhibit = models.ImageField(
        upload_to="exhibits/%Y/%m/", blank=True, validators=[FileExtensionValidator(EXHIBIT_EXTENSIONS)],
        help_text="PNG, JPEG, GIF, WebP, or SVG (cleaned of anything that could run or fetch on upload).",
    )
    # What a performance-based type needs beyond choices (a hotspot's zones and tokens, a table's
    # cells, a lab's devices and checks), as its module (exams/question_types) defines and checks it.
    simulation_data = models.JSONField(default=dict, blank=True)
    points = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="What the question weighs in an exam simulation's score (performance-based questions often weigh more).",
    )
    is_active = models.BooleanField("active", default=True)
    review_status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, help_text="Reason for rejection or notes from review.")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.HUMAN)
    ai_model = models.CharField(max_length=200, blank=True)
    # The aigen job that wrote it; a plain id because exams does not depend on aigen.
    ai_job_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    seed_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    times_answered = models.PositiveIntegerField(default=0, editable=False)
    times_correct = models.PositiveIntegerField(default=0, editable=False)
    total_answer_seconds = models.FloatField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["exam", "objective", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__gte=DIFFICULTY_MIN, difficulty__lte=DIFFICULTY_MAX),
                name="question_difficulty_1_to_5",
            ),
            models.CheckConstraint(condition=Q(choose_count__gte=1), name="question_choose_at_least_one"),
            models.CheckConstraint(
                condition=~Q(type__in=["single", "truefalse"]) | Q(choose_count=1),
                name="question_single_answer_types_choose_one",
            ),
            models.CheckConstraint(
                condition=~Q(type="multiple") | Q(choose_count__gte=2),
                name="question_multiple_choose_two_or_more",
            ),
            models.CheckConstraint(
                condition=Q(source="human") | ~Q(ai_model=""), name="question_ai_source_names_model"
            ),
        ]
        indexes = [
            models.Index(fields=["exam", "review_status", "is_active", "objective", "difficulty"], name="question_serve_idx"),
            models.Index(fields=["review_status", "created_at"], name="question_review_queue_idx"),
        ]

    def __str__(self):
        return f"{self.exam.code} #{self.pk}: {self.stem[:60]}"

    def get_absolute_url(self):
        return reverse("admin:exams_question_preview", args=[self.pk])

    @property
    def kind(self) -> QuestionType:
        """What this question's type means: content rules, grading, templates (exams/question_types)."""
        return question_type(self.type)

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    @property
    def share_correct(self) -> float | None:
        return self.times_correct / self.times_answered if self.times_answered else None

    @property
    def average_seconds(self) -> float | None:
        return self.total_answer_seconds / self.times_answered if self.times_answered else None

    @property
    def is_servable(self) -> bool:
        return self.is_active and self.review_status == self.ReviewStatus.APPROVED and self.exam.is_active

    @property
    def choose_label(self) -> str:
        words = {2: "two", 3: "three", 4: "four", 5: "five"}
        return f"Choose {words.get(self.choose_count, self.choose_count)}"


class Choice(models.Model):
    """One option of a question.

    Ordering questions: `position` is the correct place of the step (learners see them shuffled).
    Matching questions: `text` is the left-hand item and `match_text` what it pairs with.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.TextField()
    is_correct = models.BooleanField(default=False)
    explanation = models.TextField(help_text="Why this choice is right or wrong.")
    position = models.PositiveSmallIntegerField(default=0)
    match_text = models.CharField(max_length=300, blank=True)

    class Meta:
        # Columns, not the relation: "question" would pull in Question's own ordering, joining
        # the exam, objective and domain into every query for a question's choices.
        ordering = ["question_id", "position", "id"]

    def __str__(self):
        return self.text[:80]


class StratumSize(models.Model):
    """How many servable questions one stratum (objective × difficulty) holds."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="strata")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="strata")
    difficulty = models.PositiveSmallIntegerField()
    size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["objective", "difficulty"], name="stratum_unique")]
        indexes = [models.Index(fields=["exam", "objective", "difficulty"], name="stratum_exam_idx")]

    def __str__(self):
        return f"objective {self.objective_id} difficulty {self.difficulty}: {self.size}"


class QuestionSlot(models.Model):
    """A servable question's place in its stratum: ranks run 0..size-1 without gaps, so a
    uniform random sample is a set of random ranks looked up through an index, never a scan.
    `key` packs (stratum, rank) into one indexed integer so a whole sample is one `IN` lookup."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="slot")
    stratum = models.ForeignKey(StratumSize, on_delete=models.CASCADE, related_name="slots")
    rank = models.PositiveIntegerField()
    key = models.BigIntegerField(unique=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stratum", "rank"], name="slot_rank_unique")]

    def __str__(self):
        return f"question {self.question_id} at {self.stratum_id}/{self.rank}"

    @staticmethod
    def make_key(stratum_id: int, rank: int) -> int:
        return (stratum_id << 32) + rank
