"""The checkout form: delivery, coupon, stored value, payment, and what the customer confirmed.

Quantities, SKUs and coupon codes are checked by mall.services (which gives the customer's
message); the form only keeps input to sizes the order can hold and says which fields exist."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mall.models import MAX_PRICE_CENTS, Delivery

MAX_CONFIRMED_CENTS = 50 * MAX_PRICE_CENTS  # 50 lines at the highest price: beyond is a tampered form
MAX_CONFIRMED_POINTS = 10**12


class CheckoutForm(forms.Form):
    delivery = forms.ChoiceField(label=_("How you get it"), widget=forms.RadioSelect)
    recipient_name = forms.CharField(
        label=_("Name"), max_length=80, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    recipient_phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    # Checked against the brand's stores by mall.services, which names the problem.
    pickup_store = forms.CharField(label=_("Store"), max_length=120, required=False)
    note = forms.CharField(label=_("Note for the shop (optional)"), max_length=300, required=False)
    coupon_code = forms.CharField(label=_("Coupon"), max_length=40, required=False)
    use_balance = forms.BooleanField(label=_("Pay with my stored value"), required=False)
    payment_provider = forms.ChoiceField(label=_("Pay the rest by"), required=False, widget=forms.RadioSelect)
    confirmed_total_cents = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=MAX_CONFIRMED_CENTS
    )
    confirmed_points = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=MAX_CONFIRMED_POINTS
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, stores: list[str], providers: list, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        deliveries = [(Delivery.SHIPPING.value, Delivery.SHIPPING.label)]
        if stores:
            deliveries.append((Delivery.PICKUP.value, Delivery.PICKUP.label))
        self.fields["delivery"].choices = deliveries
        self.fields["payment_provider"].choices = [(provider.key, provider.label) for provider in providers]

    def value_of(self, name: str) -> str:
        """What the customer chose for `name` (posted, else the initial value), valid or not: the
        page shows the figures for what they see."""
        if self.is_bound:
            return str(self.data.get(name, "") or "").strip()[:300]
        return str(self.initial.get(name, "") or "")

    def ticked(self, name: str) -> bool:
        if self.is_bound:
            return str(self.data.get(name, "")).lower() in ("on", "true", "1", "yes")
        return bool(self.initial.get(name))
