from datetime import timedelta

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
    """A horizontal bar without inline styles (the CSP forbids them); value is 0-100. A tag, not
    an included template: the exam page draws one per objective, and an include cost four times
    as much (bench/request_cost.py)."""
    return format_html(
        '<svg class="bar{}" viewBox="0 0 100 10" preserveAspectRatio="none" {} focusable="false">'
        '<rect class="bar-track" width="100" height="10"/><rect class="bar-fill" width="{}" height="10"/></svg>',
        f" bar-{tone}" if tone else "",
        format_html('role="img" aria-label="{}"', label) if label else mark_safe('aria-hidden="true"'),
        value or 0,
    )
