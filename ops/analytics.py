"""Reads for the staff analytics page: learners, business, AI cost, the question bank, the slowest
pages.

Read-only, and a fixed number of queries whatever the data size: counts are aggregated in the
database (per day with one conditional count per day, as the libSQL backend runs no TruncDate),
and lists are cut to a few rows there. The slowest pages come from the cache, where the request
log middleware keeps each URL pattern's timings per hour. The page caches the whole overview for a
few minutes.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import User
from aigen.selectors import budget_status, cost_summary
from billing.models import Subscription
from exams.models import Question
from pingtopass import middleware
from study.models import ExamProgress, QuestionFeedback, SessionItem, StudyDay, StudySession, WeeklyStat

PERIODS = (30, 90)
CHART = {"width": 900, "height": 150}  # drawn across a card: its text stays about 11 px
MIN_ANSWERS_TO_RANK = 20  # a question's accuracy and time mean little before this many answers
READINESS_BUCKETS = 10
SLOWEST_PAGES = 10
SLOWEST_PAGES_HOURS = 24


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass
class Chart:
    """A bar chart in SVG coordinates (templates/ops/partials/bar_chart.html draws it)."""

    title: str
    rows: list[tuple[str, float]]  # (label, value), oldest first: the table under the chart
    bars: list[Bar] = field(default_factory=list)
    max_value: float = 0
    width: int = CHART["width"]
    height: int = CHART["height"]
    first_label: str = ""
    last_label: str = ""


def bar_chart(title: str, rows: list[tuple[str, float]]) -> Chart:
    chart = Chart(title=title, rows=rows, max_value=max((value for _, value in rows), default=0))
    step = chart.width / max(len(rows), 1)
    for index, (label, value) in enumerate(rows):
        height = chart.height * value / chart.max_value if chart.max_value else 0
        chart.bars.append(Bar(x=round(index * step + step * 0.1, 1), y=round(chart.height - height, 1),
                              width=round(step * 0.8, 1), height=round(height, 1), label=f"{label}: {value:g}"))
    if rows:
        chart.first_label, chart.last_label = rows[0][0], rows[-1][0]
    return chart


def _days(first: date, days: int) -> list[date]:
    return [first + timedelta(n) for n in range(days)]


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _per_day(queryset, field_name: str, days: list[date]) -> list[int]:
    """How many rows of the queryset fall on each day (a datetime field), in one query."""
    counts = queryset.aggregate(**{
        f"d{n}": Count("pk", filter=Q(**{f"{field_name}__gte": _day_start(day),
                                          f"{field_name}__lt": _day_start(day + timedelta(1))}))
        for n, day in enumerate(days)
    })
    return [counts[f"d{n}"] for n in range(len(days))]


def learner_summary(*, today: date, days: int) -> dict:
    first = today - timedelta(days - 1)
    per_day = {row["date"]: row for row in StudyDay.objects.filter(date__gte=first, date__lte=today)
               .values("date").annotate(learners=Count("user", distinct=True), answers=Sum("answered"))}
    active = StudyDay.objects.filter(date__gte=today - timedelta(29), date__lte=today).aggregate(
        day=Count("user", distinct=True, filter=Q(date=today)),
        week=Count("user", distinct=True, filter=Q(date__gte=today - timedelta(6))),
        month=Count("user", distinct=True),
    )
    weeks = list(WeeklyStat.objects.filter(week_start__gte=first).values("week_start")
                 .annotate(learners=Count("user", distinct=True), answers=Sum("answered")).order_by("week_start"))
    since = _day_start(first)
    modes = dict(StudySession.Mode.choices)
    sessions = [(modes.get(row["mode"], row["mode"]), row["count"]) for row in StudySession.objects
                .filter(started_at__gte=since).values("mode").annotate(count=Count("id")).order_by("-count")]
    buckets = ExamProgress.objects.filter(readiness__isnull=False).aggregate(**{
        f"b{n}": Count("pk", filter=Q(readiness__gte=n / READINESS_BUCKETS)
                       & (Q(readiness__lt=(n + 1) / READINESS_BUCKETS) if n < READINESS_BUCKETS - 1 else Q()))
        for n in range(READINESS_BUCKETS)
    })
    labels = [day.strftime("%b %-d") for day in _days(first, days)]
    return {
        "active": active,
        "learners_chart": bar_chart("Active learners per day",
                                    [(label, per_day.get(day, {}).get("learners", 0)) for label, day in
                                     zip(labels, _days(first, days), strict=True)]),
        "answers_chart": bar_chart("Answers per day",
                                   [(label, per_day.get(day, {}).get("answers", 0) or 0) for label, day in
                                    zip(labels, _days(first, days), strict=True)]),
        "weeks": weeks,
        "sessions": sessions,
        "answers": sum(row["answers"] or 0 for row in per_day.values()),
        "readiness_chart": bar_chart(
            "Learners by readiness (every exam they study)",
            [(f"{10 * n}–{10 * (n + 1)}%", buckets[f"b{n}"]) for n in range(READINESS_BUCKETS)],
        ),
    }


def business_summary(*, today: date, days: int) -> dict:
    first = today - timedelta(days - 1)
    since = _day_start(first)
    signups = User.objects.filter(date_joined__gte=since)
    converted = signups.aggregate(total=Count("id"), converted=Count("id", distinct=True,
                                                                      filter=Q(subscriptions__isnull=False)))
    live = Q(status__in=[Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE])
    subscriptions = Subscription.objects.aggregate(
        monthly=Count("id", filter=live & Q(interval=Subscription.Interval.MONTH)),
        yearly=Count("id", filter=live & Q(interval=Subscription.Interval.YEAR)),
        trialing=Count("id", filter=Q(status=Subscription.Status.TRIALING)),
        started=Count("id", filter=Q(created_at__gte=since)),
        ended=Count("id", filter=Q(ended_at__gte=since)),
        at_start=Count("id", filter=Q(created_at__lt=since) & (Q(ended_at__isnull=True) | Q(ended_at__gte=since))),
    )
    # Amounts come from the plan's prices: the subscription rows say which plan, not what was paid.
    mrr_cents = (subscriptions["monthly"] * settings.BILLING_PRO_MONTHLY_CENTS
                 + subscriptions["yearly"] * settings.BILLING_PRO_YEARLY_CENTS / 12)
    labels = [day.strftime("%b %-d") for day in _days(first, days)]
    return {
        "signups": converted["total"],
        "converted": converted["converted"],
        "conversion_percent": round(100 * converted["converted"] / converted["total"], 1) if converted["total"] else None,
        "subscriptions": subscriptions,
        "active": subscriptions["monthly"] + subscriptions["yearly"],
        "mrr": Decimal(round(mrr_cents)) / 100,
        "churn_percent": round(100 * subscriptions["ended"] / subscriptions["at_start"], 1)
        if subscriptions["at_start"] else None,
        "signups_chart": bar_chart("New sign-ups per day", list(zip(labels, _per_day(signups, "date_joined",
                                                                                     _days(first, days)), strict=True))),
    }


def ai_summary(*, days: int) -> dict:
    summary = cost_summary(days=days)
    budget = budget_status()
    return {
        "total": summary.total,
        "models": summary.models[:5],
        "budget": budget,
        "cost_chart": bar_chart("AI cost per day (USD)", [(row.day.strftime("%b %-d"), float(row.cost))
                                                          for row in summary.days]),
    }


def question_summary(*, today: date, days: int) -> dict:
    since = _day_start(today - timedelta(days - 1))
    Status = Question.ReviewStatus
    bank = list(Question.objects.values("exam__code").annotate(
        approved=Count("id", filter=Q(review_status=Status.APPROVED, is_active=True)),
        pending=Count("id", filter=Q(review_status=Status.PENDING)),
        rejected=Count("id", filter=Q(review_status=Status.REJECTED)),
    ).order_by("exam__code"))
    reported = dict(QuestionFeedback.objects.filter(status=QuestionFeedback.Status.OPEN)
                    .values_list("question__exam__code").annotate(count=Count("id")))
    for row in bank:
        row["reported"] = reported.get(row["exam__code"], 0)
    ranked = Question.objects.filter(times_answered__gte=MIN_ANSWERS_TO_RANK).annotate(
        accuracy=Cast(F("times_correct"), FloatField()) / F("times_answered"),
        seconds=F("total_answer_seconds") / F("times_answered"),
    )
    columns = ("id", "exam__code", "stem", "times_answered", "accuracy", "seconds")
    return {
        "bank": bank,
        "hardest": list(ranked.order_by("accuracy", "id").values(*columns)[:5]),
        "easiest": list(ranked.order_by("-accuracy", "id").values(*columns)[:5]),
        "slowest": list(ranked.order_by("-seconds", "id").values(*columns)[:5]),
        "reported": list(Question.objects.annotate(reports=Count("feedback", filter=Q(feedback__created_at__gte=since)))
                         .filter(reports__gt=0).order_by("-reports", "id").values("id", "exam__code", "stem", "reports")[:5]),
        # Shown to a learner and left unanswered in a session that was then submitted.
        "skipped": list(SessionItem.objects.filter(session__submitted_at__gte=since, answered_at__isnull=True,
                                                   shown_at__isnull=False)
                        .values("question_id", "question__exam__code", "question__stem")
                        .annotate(skips=Count("id")).order_by("-skips", "question_id")[:5]),
        "min_answers": MIN_ANSWERS_TO_RANK,
    }


def slowest_pages(*, now: datetime) -> dict:
    """The URL patterns whose requests took longest on average over the last day, by the hour."""
    middleware.route_timings.flush()  # this process's latest; the others' are at most a flush interval old
    timings = middleware.route_timings_read(hours=SLOWEST_PAGES_HOURS, now=now.timestamp())
    rows = [{"route": route, "pattern": figures["pattern"], "count": figures["count"],
             "mean_ms": figures["total_ms"] / figures["count"], "max_ms": figures["max_ms"],
             "unrouted": route == middleware.NO_ROUTE}
            for route, figures in timings.items()]
    rows.sort(key=lambda row: (-row["mean_ms"], row["route"]))
    return {"pages": rows[:SLOWEST_PAGES], "requests": sum(row["count"] for row in rows),
            "hours": SLOWEST_PAGES_HOURS}


def analytics_overview(*, days: int, now: datetime | None = None) -> dict:
    """Everything the page shows for the last `days` days, cached OPS_ANALYTICS_CACHE_SECONDS."""
    key = f"ops:analytics:{days}"
    if now is None and (cached := cache.get(key)) is not None:
        return cached
    now = now or timezone.now()
    today = timezone.localdate(now)
    overview = {
        "days": days,
        "computed_at": now,
        "learners": learner_summary(today=today, days=days),
        "business": business_summary(today=today, days=days),
        "ai": ai_summary(days=days),
        "questions": question_summary(today=today, days=days),
        "slowest": slowest_pages(now=now),
    }
    cache.set(key, overview, settings.OPS_ANALYTICS_CACHE_SECONDS)
    return overview
