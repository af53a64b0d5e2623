from django import template

from aigen.costs import usd as format_usd

register = template.Library()


@register.filter
def usd(amount) -> str:
    return format_usd(amount)
