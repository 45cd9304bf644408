"""Payment providers: how an order's amount due is paid outside the portal.

A provider says where the customer goes to pay (`pay_url`), how long an order waits for its money,
and hands money back on a refund. Its callbacks reach `services.record_payment_result(provider,
reference, ...)`, which is idempotent: a replayed or late callback changes nothing twice.

Two ship with the portal: "pay in store" (the order waits, staff record the payment at the till)
and a sandbox for development and tests (a page on the portal with "Pay" and "Fail" buttons,
whose callbacks are signed like a real provider's). A real provider (WeChat Pay, Alipay, a card
acquirer) is one more subclass registered in PROVIDERS and named in settings.MALL_PAYMENT_PROVIDERS.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PaymentProvider:
    key = ""
    label = ""
    online = True  # paid on a page the customer is sent to; False: paid at the till

    def minutes_to_pay(self, shop) -> int:
        return shop.payment_minutes

    def pay_url(self, payment) -> str | None:
        """Where the customer goes to pay; None when they pay elsewhere (in store)."""
        return None

    def refund(self, payment) -> None:
        """Hand the payment's money back. Raises PaymentRefused when the provider refuses."""


class PaymentRefused(Exception):
    pass


class PayInStore(PaymentProvider):
    key = "in_store"
    label = _("Pay in store")
    online = False

    def minutes_to_pay(self, shop) -> int:
        return shop.pay_in_store_hours * 60

    def refund(self, payment) -> None:
        """Staff give the money back at the till; the refund records that they did."""


class SandboxProvider(PaymentProvider):
    """For development and tests only: never enable it in production (anyone could pay with it)."""

    key = "sandbox"
    label = _("Test payment (sandbox)")

    def pay_url(self, payment) -> str:
        return reverse("mall:sandbox_pay", args=[payment.reference])


PROVIDERS = {provider.key: provider for provider in (PayInStore(), SandboxProvider())}


def enabled_providers() -> list[PaymentProvider]:
    return [PROVIDERS[key] for key in settings.MALL_PAYMENT_PROVIDERS if key in PROVIDERS]


def provider(key: str) -> PaymentProvider | None:
    return next((enabled for enabled in enabled_providers() if enabled.key == key), None)


# --- Signed callbacks (the sandbox's; a real provider verifies its own signature scheme) --------


def _callback_key() -> bytes:
    # Bound to the tenant: a callback signed for one brand is refused by every other.
    return hashlib.sha256(f"mall.sandbox:{connection.schema_name}:{settings.SECRET_KEY}".encode()).digest()


def sign_callback(payload: dict) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hmac.new(_callback_key(), body.encode(), hashlib.sha256).hexdigest()


def callback_is_signed(payload: dict, signature: str) -> bool:
    return hmac.compare_digest(sign_callback(payload), signature or "")
