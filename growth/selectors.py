"""Reads for the staff pages: the review queue and the metrics chart."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch

from growth.models import DailyMetrics, Draft, Opportunity, XAccount, utc_today
from growth.services.posting import Spend, account_spend, intent_url

PERIODS = (30, 90)
# The dashboard's trend chart's size, which the phone rules in app.css keep readable (its axis text).
CHART = {"width": 600, "height": 160}


@dataclass
class AccountLine:
    account: XAccount
    spend: Spend


@dataclass
class Queue:
    accounts: list[AccountLine]
    opportunities: list[Opportunity]
    posts: list[Draft]


def _with_draft(opportunity: Opportunity) -> Opportunity:
    drafts = [d for d in opportunity.drafts.all() if d.status != Draft.Status.REJECTED]
    opportunity.draft = drafts[-1] if drafts else None
    if opportunity.draft is not None and not opportunity.draft.via_api:
        opportunity.draft.intent = intent_url(opportunity.draft)
    return opportunity


def review_queue() -> Queue:
    drafts = Prefetch("drafts", queryset=Draft.objects.order_by("created_at"))
    opportunities = (Opportunity.objects.open().select_related("post", "account").prefetch_related(drafts)
                     .order_by("-score", "-created_at")[:100])
    posts = (Draft.objects.filter(kind=Draft.Kind.POST, status__in=[
        Draft.Status.PENDING, Draft.Status.APPROVED, Draft.Status.FAILED, Draft.Status.POSTING])
        .select_related("account").order_by("status", "scheduled_for", "created_at")[:100])
    return Queue(
        accounts=[AccountLine(account=a, spend=account_spend(a)) for a in XAccount.objects.all()],
        opportunities=[_with_draft(o) for o in opportunities],
        posts=list(posts),
    )


def opportunity_card(opportunity: Opportunity) -> Opportunity:
    opportunity = (Opportunity.objects.select_related("post", "account")
                   .prefetch_related(Prefetch("drafts", queryset=Draft.objects.order_by("created_at")))
                   .get(pk=opportunity.pk))
    return _with_draft(opportunity)


@dataclass
class FollowerChart:
    """Followers per day against the month's target (templates/growth/metrics.html draws it)."""

    days: int
    rows: list[DailyMetrics]  # oldest first, days without a row left out
    width: int = CHART["width"]
    height: int = CHART["height"]
    followers_points: str = ""
    target_points: str = ""
    dots: list[tuple[float, float, str]] = field(default_factory=list)  # x, y, label
    low: int = 0
    high: int = 0
    first_day: date | None = None
    last_day: date | None = None
    target_end: int = 0
    totals: dict = field(default_factory=dict)


def follower_chart(*, account: XAccount, days: int, today: date | None = None) -> FollowerChart:
    today = today or utc_today()
    first = today - timedelta(days=days - 1)
    rows = list(DailyMetrics.objects.filter(account=account, day__gte=first, day__lte=today).order_by("day"))
    chart = FollowerChart(days=days, rows=rows, first_day=first, last_day=today)
    chart.totals = {
        "new_followers": sum(r.new_followers for r in rows), "impressions": sum(r.impressions for r in rows),
        "engagements": sum(r.engagements for r in rows), "signups": sum(r.signups for r in rows),
        "cost": sum((r.cost for r in rows), Decimal("0")),
    }
    chart.totals["engagement_rate"] = (chart.totals["engagements"] / chart.totals["impressions"]
                                       if chart.totals["impressions"] else None)
    chart.totals["cost_per_follower"] = (chart.totals["cost"] / chart.totals["new_followers"]
                                         if chart.totals["new_followers"] > 0 else None)
    with_followers = [r for r in rows if r.followers]
    if not with_followers:
        return chart
    start = with_followers[0]
    per_day = account.monthly_follower_target / 30
    chart.target_end = round(start.followers + per_day * (today - start.day).days)
    chart.low = min(min(r.followers for r in with_followers), start.followers)
    chart.high = max(max(r.followers for r in with_followers), chart.target_end, chart.low + 1)

    def x(day: date) -> float:
        return round(chart.width * (day - first).days / max(days - 1, 1), 1)

    def y(value: float) -> float:
        return round(chart.height - chart.height * (value - chart.low) / (chart.high - chart.low), 1)

    points = [(x(r.day), y(r.followers), f"{r.day:%b %-d}: {r.followers:,} followers") for r in with_followers]
    chart.dots = points
    chart.followers_points = " ".join(f"{px},{py}" for px, py, _ in points)
    chart.target_points = f"{x(start.day)},{y(start.followers)} {x(today)},{y(chart.target_end)}"
    return chart
