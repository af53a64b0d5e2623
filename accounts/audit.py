"""Writing the audit log. Every security-relevant event goes through `audit_log`."""

from django.db import models

from accounts.models import AuditEvent
from pingtopass.clients import client_ip


def audit_log(action: str, *, request=None, actor=None, target: models.Model | None = None, **detail) -> AuditEvent:
    if actor is None and request is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        actor_id=getattr(actor, "pk", None),
        actor_email=getattr(actor, "email", "") or detail.pop("email", ""),
        action=action,
        target_type=target._meta.concrete_model._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
        detail=detail,
    )
