import functools

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def allowance_note(entitlements):
    """What is left of a free learner's daily questions, with the way to Pro; nothing for Pro.
    A tag, not an included template: every question card shows it, and the include cost five
    times as much. The counts are integers, so the note is put together without format_html."""
    if entitlements.is_pro:
        return ""
    daily, left = entitlements.daily_questions, entitlements.questions_left_today
    if left:
        status = f"<strong>{left:d} of {daily:d} free questions left today.</strong>"
    else:
        status = f"<strong>You have used today's {daily:d} free questions.</strong> Answers saved so far are safe."
    return mark_safe(  # noqa: S308 -- integers and a reversed URL
        f'<p class="small allowance" data-allowance>{status} <a href="{_pricing_url()}">Upgrade to Pro</a> for unlimited practice.</p>'
    )


@functools.cache
def _pricing_url() -> str:
    return escape(reverse("billing:pricing"))
