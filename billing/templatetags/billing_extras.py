from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def allowance_note(entitlements):
    """What is left of a free learner's daily questions, with the way to Pro; nothing for Pro.
    A tag, not an included template: every question card shows it, and the include cost five
    times as much."""
    if entitlements.is_pro:
        return ""
    daily, left = entitlements.daily_questions, entitlements.questions_left_today
    if left:
        status = format_html("<strong>{} of {} free questions left today.</strong>", left, daily)
    else:
        status = format_html("<strong>You have used today's {} free questions.</strong> Answers saved so far are safe.", daily)
    return format_html('<p class="small allowance" data-allowance>{} <a href="{}">Upgrade to Pro</a> for unlimited practice.</p>',
                       status, reverse("billing:pricing"))
