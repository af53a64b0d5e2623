"""A learner's own data: export it all, or delete the account.

Apps that hold personal data register here (from their AppConfig.ready), so accounts never
imports them: an exporter returns JSON-ready data for a user; an eraser removes or anonymises it
before the user row goes.
"""

from collections.abc import Callable

from django.contrib.auth import logout
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import audit_log
from accounts.models import AuditEvent, User

_exporters: dict[str, Callable[[User], object]] = {}
_erasers: list[Callable[[User], None]] = []


class DeletionRefused(Exception):
    """An eraser could not do its part (a payment provider down, say): nothing is deleted and the
    learner is told why, so they can try again."""


def iso(value) -> str | None:
    """A date or time for an export: ISO 8601, or None when there is none."""
    return value.isoformat() if value else None


def register_exporter(name: str, exporter: Callable[[User], object]) -> None:
    _exporters[name] = exporter


def register_eraser(eraser: Callable[[User], None]) -> None:
    if eraser not in _erasers:
        _erasers.append(eraser)


def user_data_export(*, user: User, request=None) -> dict:
    data = {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "timezone": user.timezone,
            "date_joined": user.date_joined.isoformat(),
            "last_login": iso(user.last_login),
            "settings": {
                "theme": user.theme, "font_size": user.font_size, "show_timer": user.show_timer,
                "auto_advance": user.auto_advance, "keyboard_hints": user.keyboard_hints,
            },
            "role": user.role,
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary} for e in user.emailaddress_set.all()
            ],
            "connected_accounts": [a.provider for a in user.socialaccount_set.all()],
        },
    }
    for name, exporter in _exporters.items():
        data[name] = exporter(user)
    audit_log("data_exported", request=request, actor=user, target=user)
    return data


@transaction.atomic
def user_delete(*, user: User, request=None) -> None:
    """Remove the learner's personal data and the account; answers stay as anonymous statistics.
    Raises DeletionRefused, having changed nothing, when an eraser cannot do its part."""
    audit_log("account_deleted", request=request, actor=user, target=user)
    for eraser in _erasers:
        eraser(user)
    if request is not None:
        logout(request)
    _audit_trail_anonymise(user)
    user.delete()


def _audit_trail_anonymise(user: User) -> None:
    """The security trail keeps what happened, not who it was or where from: events by the user,
    about the user, or naming one of their addresses (a failed sign-in has no actor, an email
    change names both addresses, a subscription names its owner)."""
    emails = {user.email.lower(), *(e.email.lower() for e in user.emailaddress_set.all())}
    label = f"deleted user #{user.pk}"
    mentions = Q(actor=user) | Q(target_type=User._meta.label, target_id=str(user.pk))
    for email in emails:
        mentions |= Q(actor_email__iexact=email) | Q(target_repr__icontains=email) | Q(detail__icontains=email)
    for event in AuditEvent.objects.filter(mentions).iterator():
        if event.actor_id == user.pk or event.actor_email.lower() in emails:
            event.actor_email, event.ip_address, event.user_agent = "", None, ""
        if event.target_id == str(user.pk) and event.target_type == User._meta.label or _names(event.target_repr, emails):
            event.target_repr = label
        event.detail = _redact(event.detail, emails, label)
        event.save(update_fields=["actor_email", "ip_address", "user_agent", "target_repr", "detail"])


def _names(text: str, emails: set[str]) -> bool:
    return any(email in text.lower() for email in emails)


def _redact(value, emails: set[str], label: str):
    if isinstance(value, str):
        return label if _names(value, emails) else value
    if isinstance(value, list):
        return [_redact(v, emails, label) for v in value]
    if isinstance(value, dict):
        return {k: _redact(v, emails, label) for k, v in value.items()}
    return value
