"""Where sign-ups come from: the UTM tags of the link a visitor landed by (`utm_source`,
`utm_medium`, `utm_campaign`, `utm_content`) are kept in their session, and saved on their
account when they sign up (accounts.models.SignupSource). A later tagged link replaces an earlier
one (the last tagged link before signing up gets the credit); untagged pages leave it alone."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import SignupSource, User
from accounts.privacy import iso

SESSION_KEY = "signup_source"
TAGS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
MAX_CHARS = 100


def _clean(value: str) -> str:
    return "".join(ch for ch in value if ch.isprintable()).strip()[:MAX_CHARS]


def signup_source_remember(request) -> None:
    """Keep the UTM tags of a visitor's tagged landing in their session (a GET with utm_source)."""
    if request.method != "GET" or "utm_source" not in request.GET:
        return
    tags = {tag: _clean(request.GET.get(tag, "")) for tag in TAGS}
    if not tags["utm_source"]:
        return
    tags["utm_source"] = tags["utm_source"].lower()
    if {tag: value for tag, value in (request.session.get(SESSION_KEY) or {}).items() if tag in TAGS} == tags:
        return  # the same link again (a reload): nothing to write
    request.session[SESSION_KEY] = {**tags, "landing_path": request.path[:300], "landed_at": timezone.now().isoformat()}


def _time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def signup_source_record(*, user: User, request) -> SignupSource | None:
    """On sign-up: the tags the session kept, saved on the new account (None if it came untagged)."""
    session = getattr(request, "session", None)
    kept = session.pop(SESSION_KEY, None) if session is not None else None
    if not isinstance(kept, dict) or not kept.get("utm_source"):
        return None
    try:
        with transaction.atomic():
            return SignupSource.objects.create(
                user=user, **{tag: _clean(str(kept.get(tag) or "")) for tag in TAGS},
                landing_path=str(kept.get("landing_path") or "")[:300], landed_at=_time(kept.get("landed_at")),
            )
    except IntegrityError:  # recorded already (one source per account)
        return None


def signup_source_export(user: User) -> dict | None:
    """For the learner's data export."""
    source = SignupSource.objects.filter(user=user).first()
    if source is None:
        return None
    return {**{tag: getattr(source, tag) for tag in TAGS}, "landing_path": source.landing_path,
            "landed_at": iso(source.landed_at), "signed_up_at": iso(source.created_at)}
