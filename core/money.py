"""Money as customers read it. Amounts are kept in integer cents everywhere; Babel formats them
with CLDR's rules for the brand's currency (settings.PORTAL_CURRENCY, read in MONEY_LOCALE, so a
Chinese brand's ¥ stays ¥ for English-speaking customers too)."""

from decimal import Decimal

from babel.numbers import format_currency
from django.conf import settings


def format_money(cents: int) -> str:
    """12345 -> "¥123.45", -500 -> "-¥5.00"."""
    return format_currency(Decimal(int(cents)) / 100, settings.PORTAL_CURRENCY, locale=settings.MONEY_LOCALE)
