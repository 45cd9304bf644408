"""Forms staff fill in for members, and the money field every staff form uses for amounts.

Amounts are kept in integer cents (core.money); staff type them in currency units, as on a price
tag: "200", "200.00" or "0.50". The field turns that into cents and back, and refuses anything
else with a message saying what to type.
"""

import re
import uuid
from decimal import Decimal

from babel.numbers import get_currency_symbol
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.money import format_money
from members.services import MAX_CENTS_PER_OPERATION

# Whole units, then up to any number of decimals (more than two is refused with its own message).
# No sign, no thousands separators, no exponent: "1,000" or "1e3" is not how a price is typed.
AMOUNT = re.compile(r"(?P<whole>\d+)(?:\.(?P<fraction>\d+))?")


def currency_symbol() -> str:
    """The brand's currency as its customers read it ("¥" for CNY), as core.money writes it."""
    return get_currency_symbol(settings.PORTAL_CURRENCY, locale=settings.MONEY_LOCALE)


def _amount_help() -> str:
    return gettext("In %(currency)s, for example 200 or 200.00.") % {"currency": currency_symbol()}


amount_help = lazy(_amount_help, str)


def units_text(cents: int) -> str:
    """20000 -> "200.00": what the field shows for an amount it was given in cents."""
    return str(Decimal(int(cents)).scaleb(-2))


class MoneyField(forms.Field):
    """An amount typed in currency units, cleaned to integer cents: "200" and "200.00" are 20000.

    `allow_zero=False` for amounts that must be more than 0 (a top-up, a coupon's value);
    `max_cents` caps it, with the cap written in the brand's currency.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter an amount such as 200 or 200.00."),
        "decimals": _("Use at most 2 decimal places."),
        "negative": _("The amount cannot be negative."),
        "zero": _("The amount must be more than 0."),
        "too_much": _("The amount can be at most %(maximum)s."),
    }

    def __init__(self, *, allow_zero: bool = True, max_cents: int | None = None, **kwargs):
        kwargs.setdefault("help_text", amount_help())
        super().__init__(**kwargs)
        self.allow_zero = allow_zero
        self.max_cents = max_cents

    def prepare_value(self, value):
        # Initial values come in cents (from the model); what the user typed is shown as typed.
        if isinstance(value, int) and not isinstance(value, bool):
            return units_text(value)
        return value

    def to_python(self, value) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if text.startswith("-") and AMOUNT.fullmatch(text[1:].strip()):
            raise ValidationError(
                self.error_messages["negative" if self.allow_zero else "zero"],
                code="negative" if self.allow_zero else "zero",
            )
        match = AMOUNT.fullmatch(text)
        if match is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if len(match["fraction"] or "") > 2:
            raise ValidationError(self.error_messages["decimals"], code="decimals")
        return int(Decimal(text).scaleb(2))

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value == 0 and not self.allow_zero:
            raise ValidationError(self.error_messages["zero"], code="zero")
        if self.max_cents is not None and value > self.max_cents:
            raise ValidationError(
                self.error_messages["too_much"],
                code="too_much",
                params={"maximum": format_money(self.max_cents)},
            )


class TopUpForm(forms.Form):
    """Staff add stored value to a member's card (members.services.top_up_balance), always with
    a reason. The hidden key makes a double submit count once."""

    amount = MoneyField(label=_("Amount"), allow_zero=False, max_cents=MAX_CENTS_PER_OPERATION)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
