from django import template

from core.money import format_money

register = template.Library()


@register.filter
def money(cents) -> str:
    """{{ member.balance_cents|money }}: 12345 -> "¥123.45" (amounts are kept in cents)."""
    try:
        return format_money(int(cents))
    except (TypeError, ValueError):
        return ""
