from django import template

from billing import paywall

register = template.Library()


@register.simple_tag
def allowance_note(entitlements):
    """What is left of a free learner's daily questions, with the way to Pro; nothing for Pro."""
    return paywall.allowance_note(entitlements)
