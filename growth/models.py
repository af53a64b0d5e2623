"""Our accounts on X and what they do there: voice profiles, watched searches, the posts found and
the engagement opportunities made of them, drafts a person approves, the tweets we posted, the
cost of every X API call, and daily growth metrics. (The model calls behind drafts are in aigen's
LLM call log, purpose "growth_draft", made for the account.)"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from exams.models import Exam, Objective, Question

ZERO = Decimal("0")


def month_start(now: datetime | None = None) -> datetime:
    """The first instant of the calendar month (UTC): X bills and caps by it."""
    now = now or timezone.now()
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


class XAccount(models.Model):
    """One of our brand accounts on X, connected through OAuth 2.0 with PKCE."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"  # credits ran out or a usage cap was hit: nothing is read or posted
        NEEDS_RECONNECT = "reconnect", "Needs reconnecting"  # the token could not be refreshed
        NOT_CONNECTED = "new", "Not connected yet"

    username = models.CharField(max_length=15, unique=True, help_text="The handle without @.")
    x_user_id = models.CharField("X user id", max_length=32, blank=True)
    display_name = models.CharField(max_length=100, blank=True)
    exams = models.ManyToManyField(Exam, blank=True, related_name="+", help_text="What this account talks about.")
    can_read = models.BooleanField(default=True, help_text="Mentions and watched searches are read.")
    can_post = models.BooleanField(default=True, help_text="Approved posts are published through the API.")
    monthly_cap_usd = models.DecimalField(
        "monthly X spending cap (USD)", max_digits=8, decimal_places=2, default=Decimal("25.00"))
    monthly_follower_target = models.PositiveIntegerField(default=settings.GROWTH_MONTHLY_FOLLOWER_TARGET)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NOT_CONNECTED)
    status_reason = models.CharField(max_length=500, blank=True, help_text="Why it is paused or needs reconnecting.")
    # Set by a 429: reads wait until then.
    rate_limited_until = models.DateTimeField(null=True, blank=True)
    access_token = models.TextField(blank=True, editable=False, help_text="Encrypted.")
    refresh_token = models.TextField(blank=True, editable=False, help_text="Encrypted.")
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    mentions_since_id = models.CharField(max_length=32, blank=True, editable=False)
    followers = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "X account"
        ordering = ["username"]

    def __str__(self):
        return f"@{self.username}"

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.ACTIVE

    def x_spent_this_month(self, now: datetime | None = None) -> Decimal:
        return self.api_calls.filter(created_at__gte=month_start(now)).aggregate(t=Sum("cost_usd"))["t"] or ZERO


class VoiceProfile(models.Model):
    """How an account speaks: every draft for it is written from this."""

    account = models.OneToOneField(XAccount, on_delete=models.CASCADE, related_name="voice")
    persona = models.TextField(help_text="Who is speaking, e.g. a friendly CompTIA instructor.")
    audience = models.TextField(help_text="Who reads it.")
    tone = models.CharField(max_length=300, help_text="e.g. warm, precise, never salesy.")
    topics = models.TextField(blank=True, help_text="One a line.")
    words_to_use = models.TextField(blank=True, help_text="One a line.")
    words_to_avoid = models.TextField(blank=True, help_text="One a line; a draft that uses one is flagged.")
    example_posts = models.TextField(blank=True, help_text="Posts in this voice, separated by a blank line.")

    def __str__(self):
        return f"Voice of @{self.account.username}"

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def avoid_list(self) -> list[str]:
        return self._lines(self.words_to_avoid)


class WatchedSearch(models.Model):
    """A recent-search query run on a schedule for one account, within its spending cap."""

    account = models.ForeignKey(XAccount, on_delete=models.CASCADE, related_name="searches")
    query = models.CharField(max_length=512, help_text='X search syntax, e.g. "#SecurityPlus -is:retweet lang:en".')
    exam = models.ForeignKey(Exam, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_active = models.BooleanField(default=True)
    every_minutes = models.PositiveIntegerField(default=60)
    since_id = models.CharField(max_length=32, blank=True, editable=False)
    last_run_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "watched searches"
        constraints = [models.UniqueConstraint(fields=["account", "query"], name="growth_search_once_per_account")]

    def __str__(self):
        return self.query

    def is_due(self, now: datetime) -> bool:
        return self.is_active and (self.last_run_at is None or self.last_run_at + timedelta(minutes=self.every_minutes) <= now)


class FoundPost(models.Model):
    """A post on X we read (a mention, a quote, a search hit, a pasted URL), stored once."""

    x_id = models.CharField("X post id", max_length=32, unique=True)
    author_id = models.CharField(max_length=32, blank=True)
    author_username = models.CharField(max_length=50, blank=True)
    author_followers = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    likes = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    reposts = models.PositiveIntegerField(default=0)
    quotes = models.PositiveIntegerField(default=0)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"@{self.author_username or '?'}: {self.text[:60]}"

    def get_absolute_url(self):
        return f"https://x.com/{self.author_username or 'i'}/status/{self.x_id}"

    @property
    def engagements(self) -> int:
        return self.likes + self.replies + self.reposts + self.quotes


class PostSnapshot(models.Model):
    """A found post's public metrics at one time: engagement velocity is measured between these."""

    post = models.ForeignKey(FoundPost, on_delete=models.CASCADE, related_name="snapshots")
    taken_at = models.DateTimeField(default=timezone.now)
    engagements = models.PositiveIntegerField()

    class Meta:
        ordering = ["taken_at"]

    def __str__(self):
        return f"{self.post_id} at {self.taken_at:%Y-%m-%d %H:%M}: {self.engagements}"


class OpportunityQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=Opportunity.OPEN)

    def expiring(self, *, now: datetime):
        return self.open().filter(expires_at__lte=now)


class Opportunity(models.Model):
    """A found post worth answering for one of our accounts, scored, with its draft reply."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        DRAFTED = "drafted", "Drafted"
        APPROVED = "approved", "Approved"
        POSTED = "posted", "Posted"
        DISMISSED = "dismissed", "Dismissed"
        EXPIRED = "expired", "Expired"

    class Source(models.TextChoices):
        MENTION = "mention", "Mentioned us"
        QUOTE = "quote", "Quoted us"
        SEARCH = "search", "Watched search"
        MANUAL = "manual", "Pasted by hand"

    OPEN = (Status.NEW, Status.DRAFTED, Status.APPROVED)
    # The state machine: where each state may go (growth.services.opportunity_move enforces it).
    MOVES = {
        Status.NEW: {Status.DRAFTED, Status.DISMISSED, Status.EXPIRED},
        Status.DRAFTED: {Status.DRAFTED, Status.APPROVED, Status.DISMISSED, Status.EXPIRED},
        Status.APPROVED: {Status.POSTED, Status.DRAFTED, Status.DISMISSED, Status.EXPIRED},
        Status.POSTED: set(),
        Status.DISMISSED: set(),
        Status.EXPIRED: set(),
    }

    account = models.ForeignKey(XAccount, on_delete=models.CASCADE, related_name="opportunities")
    post = models.ForeignKey(FoundPost, on_delete=models.CASCADE, related_name="opportunities")
    source = models.CharField(max_length=8, choices=Source.choices)
    search = models.ForeignKey(WatchedSearch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    summoned = models.BooleanField(
        default=False, help_text="The author mentioned or quoted our account: a reply may go through the API.")
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.NEW)
    score = models.PositiveSmallIntegerField(default=0)
    score_parts = models.JSONField(default=dict, help_text="Each part 0..1 and its weight.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "opportunities"
        ordering = ["-score", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["account", "post"], name="growth_opportunity_once_per_post")]
        indexes = [models.Index(fields=["status", "expires_at"], name="growth_opportunity_open_idx")]

    def __str__(self):
        return f"{self.get_source_display()} for @{self.account.username}: {self.post.text[:50]}"

    def get_absolute_url(self):
        return reverse("growth:queue") + f"#opportunity-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def can_move_to(self, status: str) -> bool:
        return status in self.MOVES[self.Status(self.status)]


class DraftQuerySet(models.QuerySet):
    def to_review(self):
        return self.filter(status=Draft.Status.PENDING)

    def due(self, *, now: datetime):
        """Approved posts of our own whose time has come."""
        return self.filter(kind=Draft.Kind.POST, status=Draft.Status.APPROVED, scheduled_for__lte=now)


class Draft(models.Model):
    """Text to go out on X for one of our accounts: a reply to an opportunity or a post of our own.
    Nothing goes out before a person approves it."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply"
        POST = "post", "Post of our own"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        POSTING = "posting", "Being posted"  # the API call is under way (or was cut off: see error)
        POSTED = "posted", "Posted"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"

    class Author(models.TextChoices):
        AI = "ai", "The model"
        PERSON = "person", "A person"

    account = models.ForeignKey(XAccount, on_delete=models.CASCADE, related_name="drafts")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    opportunity = models.ForeignKey(Opportunity, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts")
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 help_text="For a question of the day.")
    text = models.TextField(max_length=2000)
    written_by = models.CharField(max_length=6, choices=Author.choices, default=Author.PERSON)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    warnings = models.JSONField(default=list, blank=True, help_text="e.g. a word the voice avoids.")
    evergreen = models.BooleanField(default=False, help_text="Posted again after a cooldown, a few times at most.")
    recycled_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    scheduled_for = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_for", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind="post") | Q(opportunity__isnull=False), name="growth_reply_has_opportunity"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for @{self.account.username}: {self.text[:50]}"

    @property
    def has_link(self) -> bool:
        return "http://" in self.text or "https://" in self.text

    @property
    def expected_cost(self) -> Decimal:
        """What X charges to create this post through the API."""
        prices = settings.GROWTH_X_PRICES
        return Decimal(prices["post_create_with_url" if self.has_link else "post_create"])

    @property
    def via_api(self) -> bool:
        """Whether the API may post it: our own posts, and replies to a post that summoned us.
        Any other reply is posted by a person from their own X session."""
        return self.kind == self.Kind.POST or bool(self.opportunity and self.opportunity.summoned)


class Tweet(models.Model):
    """A post of ours on X, with its latest public metrics."""

    class Via(models.TextChoices):
        API = "api", "The API"
        BY_HAND = "hand", "A person, by hand"

    account = models.ForeignKey(XAccount, on_delete=models.CASCADE, related_name="tweets")
    draft = models.OneToOneField(Draft, null=True, blank=True, on_delete=models.SET_NULL, related_name="tweet")
    x_id = models.CharField("X post id", max_length=32, blank=True)
    text = models.TextField()
    is_reply = models.BooleanField(default=False)
    via = models.CharField(max_length=4, choices=Via.choices)
    posted_at = models.DateTimeField(default=timezone.now)
    impressions = models.PositiveIntegerField(default=0)
    engagements = models.PositiveIntegerField(default=0)
    metrics_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-posted_at"]
        constraints = [
            models.UniqueConstraint(fields=["x_id"], condition=~Q(x_id=""), name="growth_tweet_once"),
        ]

    def __str__(self):
        return self.text[:60]

    def get_absolute_url(self):
        return f"https://x.com/{self.account.username}/status/{self.x_id}" if self.x_id else ""


class XApiCall(models.Model):
    """One request to the X API, with what it cost in credits."""

    class Outcome(models.TextChoices):
        OK = "ok", "OK"
        CREDITS = "credits", "No credits left (402)"
        USAGE_CAP = "cap", "Usage cap exceeded (429)"
        RATE_LIMITED = "rate", "Rate limited (429)"
        UNAUTHORIZED = "auth", "Unauthorized (401)"
        REFUSED = "refused", "Refused (4xx)"
        SERVER_ERROR = "server", "Server error (5xx)"
        NETWORK = "network", "Network error"
        MALFORMED = "malformed", "Unreadable answer"

    account = models.ForeignKey(XAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="api_calls")
    endpoint = models.CharField(max_length=100)
    outcome = models.CharField(max_length=9, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    posts_read = models.PositiveIntegerField(default=0, help_text="Charged: read for the first time this UTC day.")
    users_read = models.PositiveIntegerField(default=0, help_text="Charged: read for the first time this UTC day.")
    posts_created = models.PositiveSmallIntegerField(default=0)
    cost_usd = models.DecimalField("cost (USD)", max_digits=10, decimal_places=4, default=ZERO)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "X API call"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.endpoint} ({self.get_outcome_display()})"


class ChargedRead(models.Model):
    """A resource X charged us for reading on a UTC day: read again that day, it costs nothing."""

    day = models.DateField()
    kind = models.CharField(max_length=4)  # "post" or "user"
    x_id = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "kind", "x_id"], name="growth_read_charged_once_a_day")]

    def __str__(self):
        return f"{self.kind} {self.x_id} on {self.day}"


class DailyMetrics(models.Model):
    """One account's day on X."""

    account = models.ForeignKey(XAccount, on_delete=models.CASCADE, related_name="daily_metrics")
    day = models.DateField()
    followers = models.PositiveIntegerField(default=0)
    new_followers = models.IntegerField(default=0)
    posts = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    impressions = models.PositiveIntegerField(default=0)
    engagements = models.PositiveIntegerField(default=0)
    signups = models.PositiveIntegerField("sign-ups", default=0, help_text="From our UTM-tagged links.")
    ai_cost_usd = models.DecimalField("AI cost (USD)", max_digits=10, decimal_places=4, default=ZERO)
    x_cost_usd = models.DecimalField("X cost (USD)", max_digits=10, decimal_places=4, default=ZERO)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", help_text="Set when a person entered the figures.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "daily metrics"
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["account", "day"], name="growth_metrics_once_a_day")]

    def __str__(self):
        return f"@{self.account.username} on {self.day}"

    @property
    def engagement_rate(self) -> float | None:
        return self.engagements / self.impressions if self.impressions else None

    @property
    def cost(self) -> Decimal:
        return self.ai_cost_usd + self.x_cost_usd

    @property
    def cost_per_follower(self) -> Decimal | None:
        return (self.cost / self.new_followers).quantize(Decimal("0.0001")) if self.new_followers > 0 else None

    @property
    def cost_per_signup(self) -> Decimal | None:
        return (self.cost / self.signups).quantize(Decimal("0.0001")) if self.signups else None


def utc_today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(UTC).date()
