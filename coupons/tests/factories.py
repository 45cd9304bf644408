"""Test data for coupons: members and templates made the way the app makes them."""

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from coupons import services
from coupons.models import CouponTemplate
from members import services as member_services
from members.models import Member, MemberLevel

_numbers = itertools.count(1)


def make_levels():
    """Silver (everyone starts here), Gold and Black, like a typical programme."""
    return (
        MemberLevel.objects.create(name="Silver", threshold_points=0),
        MemberLevel.objects.create(name="Gold", threshold_points=2000),
        MemberLevel.objects.create(name="Black", threshold_points=8000),
    )


def make_member(username=None, *, level=None) -> Member:
    username = username or f"member{next(_numbers)}"
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "member-pass-1")
    member = member_services.enrol_member(user)
    if level is not None:
        Member.objects.filter(pk=member.pk).update(level=level)  # test set-up: skip earning the points
        member.refresh_from_db()
    return member


def make_template(*, levels=(), **fields) -> CouponTemplate:
    now = timezone.now()
    values = {
        "name": "¥5 off",
        "kind": CouponTemplate.Kind.FIXED,
        "amount_cents": 500,
        "valid_from": now - timedelta(days=1),
        "valid_until": now + timedelta(days=30),
    }
    values.update(fields)
    return services.save_coupon_template(CouponTemplate(**values), levels=list(levels), acting_user=None)
