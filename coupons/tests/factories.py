"""Test data for coupons: templates saved the way the admin saves them.

Write to the current schema: call inside `in_tenant(tenant)` / `schema_context(...)`. Coupons
themselves are issued through coupons.services (issue_coupon, claim_coupon) in the test itself,
so stock, limits and events stay what the services make them.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from coupons import services
from coupons.models import CouponTemplate

Kind = CouponTemplate.Kind

# What each kind gives when the test does not say: (name, field, value).
_KIND_DEFAULTS = {
    Kind.FIXED: ("¥5 off", "amount_cents", 500),
    Kind.PERCENT: ("15% off", "percent", 15),
    Kind.FREE_ITEM: ("Free latte", "free_item", "Latte"),
}


def _kind_value(field, empty):
    """The kind's own value for `field` when it is the template's kind, `empty` otherwise."""

    def value(template):
        _name, kind_field, default = _KIND_DEFAULTS.get(template.kind, ("", None, None))
        return default if kind_field == field else empty

    return factory.LazyAttribute(value)


class CouponTemplateFactory(factory.django.DjangoModelFactory):
    """A template being given out now: started yesterday, ends in 30 days, one per member, no
    stock limit. `kind` picks the value: "fixed" (¥5 off, the default), "percent" (15% off) or
    "free_item" (a free latte); give `amount_cents`, `percent` or `free_item` for another value.

    Saved through coupons.services.save_coupon_template, so a template no admin could save is
    refused here too; `levels=[gold, ...]` restricts it to those levels."""

    class Meta:
        model = CouponTemplate

    kind = Kind.FIXED
    name = factory.LazyAttribute(lambda template: _KIND_DEFAULTS.get(template.kind, ("Offer",))[0])
    amount_cents = _kind_value("amount_cents", None)
    percent = _kind_value("percent", None)
    free_item = _kind_value("free_item", "")
    valid_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    valid_until = factory.LazyAttribute(lambda template: template.valid_from + timedelta(days=31))

    @classmethod
    def _create(cls, model_class, *args, levels=(), **fields):
        template = model_class(*args, **fields)
        return services.save_coupon_template(template, levels=list(levels), acting_user=None)
