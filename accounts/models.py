import zoneinfo

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from accounts.roles import ADMIN, MODERATOR, user_role


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/Berlin).")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who studies, moderates or runs PingToPass. The email address is the login."""

    class Theme(models.TextChoices):
        AUTO = "auto", "Match my device"
        LIGHT = "light", "Light"
        DARK = "dark", "Dark"

    class FontSize(models.TextChoices):
        SMALL = "small", "Small"
        MEDIUM = "medium", "Medium"
        LARGE = "large", "Large"

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=80, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    theme = models.CharField(max_length=8, choices=Theme.choices, default=Theme.AUTO)
    font_size = models.CharField(max_length=8, choices=FontSize.choices, default=FontSize.MEDIUM)
    show_timer = models.BooleanField(default=True)
    auto_advance = models.BooleanField(default=False, help_text="Move to the next question after answering.")
    keyboard_hints = models.BooleanField(default=True)
    keyboard_shortcuts = models.BooleanField(
        "single-key shortcuts", default=True,
        help_text="Letters and digits pick choices and N, P, M move or mark on question pages (WCAG 2.1.4: "
                  "turn off if you use speech input or keys by accident).",
    )
    last_active = models.DateTimeField(null=True, blank=True)
    # The free plan's daily allowance: new answers counted on the learner's local day
    # (billing.entitlements). Kept on the row every request loads anyway, and counted by one
    # conditional UPDATE, so two tabs answering at once can never pass the limit.
    allowance_day = models.DateField(null=True, blank=True, editable=False)
    allowance_used = models.PositiveIntegerField(default=0, editable=False)
    # Moves on whenever what the plan is worked out from changes (a subscription, a role group),
    # so each process can keep the learner's plan until then (billing.entitlements).
    plan_version = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    COUNTER_FIELDS = ("allowance_day", "allowance_used", "plan_version")

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            # A full save (a settings form, an admin edit) must not write back a counter or version
            # another request has moved on since this row was read.
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in self.COUNTER_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_short_name(self):
        return self.display_name or self.email.split("@")[0]

    def get_full_name(self):
        return self.display_name or self.email

    @property
    def name(self) -> str:
        return self.get_short_name()

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("_role", None)
        super().refresh_from_db(*args, **kwargs)

    @property
    def role(self) -> str:
        """Read once per instance (a request's user): plan checks ask it on every page."""
        if "_role" not in self.__dict__:
            self.__dict__["_role"] = user_role(self)
        return self.__dict__["_role"]

    @property
    def is_moderator(self) -> bool:
        return self.role in (MODERATOR, ADMIN)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def local_now(self):
        return timezone.now().astimezone(self.zone)


class AuditEvent(models.Model):
    """A security-relevant event: who did what to what, when, and from where. Never edited."""

    class Action(models.TextChoices):
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Sign-in failed"
        LOGOUT = "logout", "Signed out"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET = "password_reset", "Password reset"
        EMAIL_ADDED = "email_added", "Email added"
        EMAIL_CHANGED = "email_changed", "Primary email changed"
        EMAIL_REMOVED = "email_removed", "Email removed"
        EMAIL_CONFIRMED = "email_confirmed", "Email confirmed"
        ROLE_CHANGED = "role_changed", "Role changed"
        QUESTION_APPROVED = "question_approved", "Question approved"
        QUESTION_REJECTED = "question_rejected", "Question rejected"
        QUESTION_EDITED = "question_edited", "Question edited"
        GENERATION_STARTED = "generation_started", "Generation job started"
        SUBSCRIPTION_CHANGED = "subscription_changed", "Subscription changed"
        DATA_EXPORTED = "data_exported", "Data exported"
        ACCOUNT_DELETED = "account_deleted", "Account deleted"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey("User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_email = models.EmailField(blank=True, help_text="As it was when the event happened.")
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor", "-created_at"], name="audit_actor_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email or 'anonymous'} {self.get_action_display()}"


class SignupSource(models.Model):
    """Where a person came from when they signed up: the UTM tags of the last tagged link they
    landed by before signing up (accounts.signup_source), e.g. a question of the day posted on X.
    Sign-ups per source and campaign are counted from these (growth's daily metrics)."""

    user = models.OneToOneField("User", on_delete=models.CASCADE, related_name="signup_source")
    utm_source = models.CharField("utm_source", max_length=100, blank=True, help_text='Lowercased, e.g. "x".')
    utm_medium = models.CharField("utm_medium", max_length=100, blank=True)
    utm_campaign = models.CharField("utm_campaign", max_length=100, blank=True)
    utm_content = models.CharField("utm_content", max_length=100, blank=True)
    landing_path = models.CharField(max_length=300, blank=True, help_text="The page the tagged link opened.")
    landed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("signed up at", default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["utm_source", "created_at"], name="signupsource_source_idx")]

    def __str__(self):
        return f"{self.utm_source or '?'} / {self.utm_campaign or '?'} / {self.utm_content or '?'}"
