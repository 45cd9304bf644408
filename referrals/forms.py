"""The referral dashboard's small forms: a withdrawal request and a referrer's code.

The forms only read what was posted and turn it into what referrals.services takes (an amount in
cents, a code); the services check the rules (the minimum, the balance, one open request, one
referrer, no loops) and give the customer's message, the same wording on every channel."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from referrals.services import MAX_WITHDRAWAL_CENTS

# Yuan with at most two decimals: "50", "50.5", "50.00"; a leading ¥ and spaces are allowed.
AMOUNT = re.compile(r"^\d{1,9}(?:[.,]\d{1,2})?$")


class WithdrawalForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount (yuan)"),
        max_length=20,
        error_messages={"required": _("Enter the amount you want to withdraw, like 50.00.")},
    )
    pay_to = forms.CharField(
        label=_("Pay to"),
        max_length=200,
        required=False,  # services.request_withdrawal says what is missing, in its own words
        help_text=_("Your Alipay account, or your bank, account name and number."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_amount(self) -> int:
        """The amount in cents: "50.00" -> 5000."""
        text = "".join(str(self.cleaned_data["amount"]).split()).lstrip("¥￥")
        if not AMOUNT.match(text):
            raise forms.ValidationError(_("Enter the amount in yuan, like 50.00."))
        cents = int(Decimal(text.replace(",", ".")) * 100)
        if cents <= 0 or cents > MAX_WITHDRAWAL_CENTS:
            raise forms.ValidationError(_("Enter an amount above zero."))
        return cents


class ReferrerCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Their referral code"),
        max_length=40,
        error_messages={"required": _("Enter the referral code of whoever recommended us.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
