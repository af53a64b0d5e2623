"""Reads about AI spending: the month's budget and the cost summary in admin."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from aigen.models import GenerationJob, LLMCall


def month_start(now: datetime | None = None) -> datetime:
    now = timezone.localtime(now or timezone.now())
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Budget:
    limit: Decimal
    spent: Decimal  # LLM calls made this calendar month
    reserved: Decimal  # what queued and running jobs are still expected to cost

    @property
    def left(self) -> Decimal:
        return max(Decimal("0"), self.limit - self.spent - self.reserved)

    @property
    def used_percent(self) -> int:
        return min(100, round(100 * (self.spent + self.reserved) / self.limit)) if self.limit else 100


def budget_status(now: datetime | None = None) -> Budget:
    spent = LLMCall.objects.filter(created_at__gte=month_start(now)).aggregate(total=Sum("cost_usd"))["total"]
    reserved = sum(
        (max(Decimal("0"), estimate - cost) for estimate, cost in
         GenerationJob.objects.active().values_list("estimated_cost_usd", "cost_usd")),
        Decimal("0"),
    )
    return Budget(limit=Decimal(str(settings.AI_MONTHLY_BUDGET_USD)), spent=spent or Decimal("0"), reserved=reserved)


@dataclass
class CostRow:
    label: str
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: Decimal = Decimal("0")
    day: date | None = None

    def add(self, prompt_tokens: int, completion_tokens: int, cost: Decimal) -> None:
        self.calls += 1
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens
        self.cost += cost


@dataclass
class CostSummary:
    days: list[CostRow]  # oldest first, one per day, days without calls included
    models: list[CostRow]  # most expensive first
    purposes: list[CostRow]  # what the calls were for (LLMCall.Purpose), most expensive first
    total: CostRow = field(default_factory=lambda: CostRow("Total"))


def cost_summary(*, days: int = 30, now: datetime | None = None) -> CostSummary:
    """AI spending of the last `days` days (today included), per day, per model and per purpose."""
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=days - 1)
    per_day = {first + timedelta(n): CostRow(label=(first + timedelta(n)).isoformat(), day=first + timedelta(n))
               for n in range(days)}
    per_model: dict[str, CostRow] = defaultdict(lambda: CostRow(""))
    per_purpose: dict[str, CostRow] = defaultdict(lambda: CostRow(""))
    purpose_labels = dict(LLMCall.Purpose.choices)
    total = CostRow("Total")
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    # Grouped in Python rather than with TruncDate, which the libSQL backend cannot run.
    rows = LLMCall.objects.filter(created_at__gte=since).values_list(
        "created_at", "model", "purpose", "prompt_tokens", "completion_tokens", "cost_usd"
    )
    for created_at, model, purpose, prompt_tokens, completion_tokens, cost in rows.iterator():
        day = timezone.localdate(created_at)
        if day in per_day:
            per_day[day].add(prompt_tokens, completion_tokens, cost)
        per_model[model].label = model
        per_model[model].add(prompt_tokens, completion_tokens, cost)
        per_purpose[purpose].label = purpose_labels.get(purpose, purpose)
        per_purpose[purpose].add(prompt_tokens, completion_tokens, cost)
        total.add(prompt_tokens, completion_tokens, cost)
    return CostSummary(
        days=list(per_day.values()),
        models=sorted(per_model.values(), key=lambda row: row.cost, reverse=True),
        purposes=sorted(per_purpose.values(), key=lambda row: row.cost, reverse=True),
        total=total,
    )
