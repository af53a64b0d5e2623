import functools
from datetime import timedelta

from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from pingtopass.markdown import render_markdown
from study.models import SessionItem

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
    value = conditional_escape(value or 0)
    aria = f'role="img" aria-label="{conditional_escape(label)}"' if label else 'aria-hidden="true"'
    return mark_safe(  # noqa: S308 -- every value is escaped
        f'<svg class="bar{" bar-" + conditional_escape(tone) if tone else ""}" viewBox="0 0 100 10" preserveAspectRatio="none" {aria} focusable="false">'
        f'<rect class="bar-track" width="100" height="10"/><rect class="bar-fill" width="{value}" height="10"/></svg>'
    )


@register.simple_tag
def choice_inputs(display, kind: str) -> SafeString:
    """The choices of a single- or multiple-answer card, as radio buttons or checkboxes. A tag:
    the card draws it on every answer, and the template's loop cost several times as much. Put
    together with f-strings, as exams.templatetags.content's blocks are: the values are numbers,
    letters and Markdown that render_markdown made safe."""
    field = "checkbox" if kind == "multiple" else "radio"
    return mark_safe(  # noqa: S308 -- see above
        "\n".join(
            f'<label class="choice{" is-picked" if d["picked"] else ""}" data-choice-key="{n}">\n'
            f'  <input type="{field}" name="choice" value="{int(d["index"])}" {"checked" if d["picked"] else ""}>\n'
            f'  <span class="choice-letter" aria-hidden="true">{d["letter"]}</span>\n'
            f'  <span class="choice-text prose">{render_markdown(d["choice"].text or "")}</span>\n</label>'
            for n, d in enumerate(display, 1)
        )
    )


@register.simple_tag
def confidence_chips(picked) -> SafeString:
    """How sure the learner is, as chips, with `picked` (a SessionItem.Confidence value or None) checked."""
    return _confidence_chips(picked)


@functools.cache
def _confidence_chips(picked) -> SafeString:
    return format_html_join(
        "\n",
        '<label class="chip"><input type="radio" name="confidence" value="{}" {}> {}</label>',
        ((value, "checked" if picked == value else "", label) for value, label in SessionItem.Confidence.choices),
    )
