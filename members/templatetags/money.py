from django import template

register = template.Library()


@register.filter
def yuan(cents) -> str:
    """12345 -> "¥123.45" (stored value is kept in cents)."""
    try:
        cents = int(cents)
    except (TypeError, ValueError):
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}¥{abs(cents) // 100:,}.{abs(cents) % 100:02d}"
