"""Prometheus metrics at /metrics, in the text exposition format, for the addresses in
METRICS_ALLOWED_IPS or a scraper that sends METRICS_TOKEN as a bearer token; to anyone else the
address does not exist.

No django-prometheus: its database wrappers would replace our SQLite and libSQL backends. The
figures here come from what the site already keeps: the per-route timings of the last hour
(pingtopass/middleware.py, every process's), the health checks, and a few counts from the
database, each one query."""

import hmac
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import User
from aigen.selectors import budget_status
from exams.models import Question
from ops.services import backup_status_read
from pingtopass.middleware import route_timings, route_timings_read
from study.models import SessionItem, StudySession

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return True
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _metric(name: str, kind: str, help_text: str, samples: Iterable[tuple[dict, float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        label_text = ",".join(f'{key}="{_escape(str(val))}"' for key, val in labels.items())
        lines.append(f"{name}{{{label_text}}} {value:g}" if label_text else f"{name} {value:g}")
    return lines


def metrics_text(*, now=None) -> str:
    now = now or timezone.now()
    route_timings.flush()  # this process's own figures first, as the analytics page does
    routes = route_timings_read(hours=1, now=now.timestamp())
    day_ago = now - timedelta(days=1)
    backup = backup_status_read() or {}
    budget = budget_status(now)
    lines = []
    lines += _metric("ptp_requests_last_hour", "gauge", "Requests served in the last hour, per URL name.",
                     (({"route": route}, f["count"]) for route, f in sorted(routes.items())))
    lines += _metric("ptp_request_mean_ms_last_hour", "gauge", "Mean response time in the last hour, per URL name.",
                     (({"route": route}, round(f["total_ms"] / f["count"], 2)) for route, f in sorted(routes.items())
                      if f["count"]))
    lines += _metric("ptp_request_max_ms_last_hour", "gauge", "Longest response in the last hour, per URL name.",
                     (({"route": route}, round(f["max_ms"], 2)) for route, f in sorted(routes.items())))
    lines += _metric("ptp_users", "gauge", "Accounts.", [({}, User.objects.count())])
    lines += _metric("ptp_answers_last_day", "gauge", "Answers saved in the last 24 hours.",
                     [({}, SessionItem.objects.filter(answered_at__gte=day_ago).count())])
    lines += _metric("ptp_sessions_open", "gauge", "Study sessions in progress.",
                     [({}, StudySession.objects.filter(status=StudySession.Status.IN_PROGRESS).count())])
    lines += _metric("ptp_questions_pending_review", "gauge", "Questions waiting for a moderator.",
                     [({}, Question.objects.pending_review().count())])
    lines += _metric("ptp_ai_spent_usd_month", "gauge", "AI spend this calendar month, in US dollars.",
                     [({}, float(budget.spent))])
    lines += _metric("ptp_ai_budget_usd_month", "gauge", "The monthly AI budget, in US dollars.", [({}, float(budget.limit))])
    if backup.get("last_success_at"):
        taken = datetime.fromisoformat(backup["last_success_at"])
        lines += _metric("ptp_backup_age_seconds", "gauge", "Seconds since the last good backup.",
                         [({}, round((now - taken).total_seconds()))])
    lines += _metric("ptp_backup_last_failed", "gauge", "1 when the last backup attempt failed.",
                     [({}, 1 if backup.get("ok") is False else 0)])
    lines += _metric("ptp_metrics_generated_timestamp_seconds", "gauge", "When these figures were read.",
                     [({}, round(time.time(), 3))])
    return "\n".join(lines) + "\n"


@require_GET
@never_cache
def metrics(request):
    if not _allowed(request):
        raise Http404
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE)
