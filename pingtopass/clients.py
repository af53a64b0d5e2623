"""Who sent a request: the one rule for a client's address, which the audit log and the rate
limits both take."""

import ipaddress

from django.conf import settings


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
