from datetime import timedelta

from django import template

from pingtopass.fragments import fragment
from study.models import CONFIDENCE_CHOICES

register = template.Library()


@register.filter
def duration_short(value: timedelta | None) -> str:
    """1 h 05 min, 12 min 30 s, 45 s."""
    if value is None:
        return "—"
    seconds = max(0, int(value.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


@register.filter
def percent_of(part, whole) -> int:
    try:
        return round(100 * part / whole) if whole else 0
    except (TypeError, ValueError):
        return 0


@register.filter
def seconds_short(seconds) -> str:
    try:
        return duration_short(timedelta(seconds=float(seconds or 0)))
    except (TypeError, ValueError):
        return "—"


@register.filter
def percent(fraction) -> str:
    """0.734 → "73%"."""
    try:
        return f"{round(100 * float(fraction))}%"
    except (TypeError, ValueError):
        return "—"


@register.filter
def percent_number(fraction) -> int:
    try:
        return round(100 * float(fraction))
    except (TypeError, ValueError):
        return 0


@register.filter
def split_csv(value: str) -> list[str]:
    return [part.strip() for part in str(value).split(",")]


@register.simple_tag
def bar(value, tone="", label=""):
    """A horizontal bar; value is 0-100 (the exam page draws one per objective)."""
    return fragment("fragments/bar.jinja", value=value or 0, tone=tone, label=label)


@register.simple_tag
def confidence_chips(picked):
    """How sure the learner is, as chips, with `picked` (a SessionItem.Confidence value or None) checked."""
    return fragment("fragments/confidence_chips.jinja", picked=picked, confidence_choices=CONFIDENCE_CHOICES)
