"""A learner's own data: export it all, or delete the account.

Apps that hold personal data register here (from their AppConfig.ready), so accounts never
imports them: an exporter returns JSON-ready data for a user; an eraser removes or anonymises it
before the user row goes.
"""

from collections.abc import Callable

from django.contrib.auth import logout
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_log
from accounts.models import AuditEvent, User

_exporters: dict[str, Callable[[User], object]] = {}
_erasers: list[Callable[[User], None]] = []


class DeletionRefused(Exception):
    """An eraser could not do its part (a payment provider down, say): nothing is deleted and the
    learner is told why, so they can try again."""


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
            "last_login": user.last_login.isoformat() if user.last_login else None,
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
    # The security trail keeps what happened, not who it was or where from.
    AuditEvent.objects.filter(actor=user).update(actor_email="", ip_address=None, user_agent="")
    AuditEvent.objects.filter(target_type=User._meta.label, target_id=str(user.pk)).update(target_repr=f"deleted user #{user.pk}")
    user.delete()
