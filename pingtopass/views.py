import json
import sys

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pingtopass.faults import fault_response, forget_unloaded_user, is_database_fault
from pingtopass.health import health

STATUS_PARTS = {
    "database": ("Database", "Everything you save"),
    "cache": ("Cache", "Speed and sign-in limits; the site works without it, slower"),
    "broker": ("Task queue", "Background work such as AI question generation"),
    "backup": ("Backups", "A copy of everything saved, taken every day"),
}


def not_found(request, exception=None):
    return render(request, "errors/error.html", {"code": 404, "title": "Page not found",
                  "message": "That page does not exist, or it is not yours to see."}, status=404)


def forbidden(request, exception=None):
    return render(request, "errors/error.html", {"code": 403, "title": "Not allowed",
                  "message": "You do not have permission to do that."}, status=403)


def server_error(request):
    """The page for an error nothing else handled. It says only what is known to be true, and is
    drawn without the database, the cache or the session: it must show when those are what failed
    (rendered with no request, so no context processor runs)."""
    exc = sys.exc_info()[1]
    if is_database_fault(exc):  # raised by a middleware, outside any view (pingtopass/faults.py)
        return fault_response(request, exc)
    forget_unloaded_user(request)
    context = {"site_name": settings.SITE_NAME, "code": 500, "title": "Something went wrong",
               "request_id": getattr(request, "id", "")}
    return HttpResponse(render_to_string("errors/500.html", context), status=500)


@require_GET
@never_cache
def status(request):
    """/health/'s checks as a page for people (/health/ stays the JSON that load balancers and
    monitors read). Drawn with no request, like the error pages: it must show when the database,
    the session or the cache is what failed."""
    checked = health(request)
    report = json.loads(checked.content)
    checks = report["checks"]
    parts = [{"name": name, "role": role, **checks[key], "detail": _detail(key, checks[key]),
              "problem": "Failing" if key == "backup" else "Not answering"}  # a backup is taken, not asked
             for key, (name, role) in STATUS_PARTS.items() if key in checks]
    context = {"site_name": settings.SITE_NAME, "title": "Status", "report": report, "parts": parts,
               "health_url": reverse("health")}
    return HttpResponse(render_to_string("status.html", context), status=checked.status_code)


def _detail(key: str, check: dict) -> str:
    """What the page says beside a check's badge; for the backups, when the last good one was
    taken or what is wrong, from /health/'s figures."""
    if key != "backup":
        return check.get("detail", "")
    if check.get("error") == "BackupFailed":
        return f"the last backup failed, at {check['attempted_at'][:16].replace('T', ' ')} UTC"
    if "age_hours" in check:
        hours = round(check["age_hours"])
        taken = "less than an hour ago" if hours < 1 else f"{hours} hour{'s' if hours != 1 else ''} ago"
        return f"the last good one was taken {taken}" + ("" if check["ok"] else ", too long ago")
    if not check["ok"]:
        return "the status of the last backup cannot be read"
    return check.get("detail", "")
