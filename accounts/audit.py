"""Writing the audit log. Every security-relevant event goes through `audit_log`."""

import ipaddress

from django.conf import settings
from django.db import models

from accounts.models import AuditEvent


def client_ip(request) -> str | None:
    """The client's address: behind settings.TRUSTED_PROXY_COUNT proxies, the X-Forwarded-For
    entry the outermost of them appended (the ones before it anyone can write)."""
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if settings.TRUSTED_PROXY_COUNT and len(hops) >= settings.TRUSTED_PROXY_COUNT:
        candidate = hops[-settings.TRUSTED_PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


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
