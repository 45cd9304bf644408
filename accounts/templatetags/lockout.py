from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def whole_minutes(duration: timedelta | None) -> int:
    """15 for axes' cool-off of timedelta(minutes=15): what the lock-out page tells the customer."""
    if not duration:
        return 0
    return max(1, round(duration.total_seconds() / 60))
