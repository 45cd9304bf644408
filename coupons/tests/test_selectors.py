"""A member's coupons as they see them: usable, used, expired; and what they could claim."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coupons import selectors, services
from coupons.models import Coupon
from coupons.tests.factories import CouponTemplateFactory
from members.tests.factories import MemberFactory, MemberLevelFactory, MemberRowFactory


@pytest.fixture
def levels(make_tenant, in_tenant):
    with in_tenant(make_tenant("lumen").tenant):
        yield (
            MemberLevelFactory(name="Silver", threshold_points=0),
            MemberLevelFactory(name="Gold", threshold_points=2000),
            MemberLevelFactory(name="Black", threshold_points=8000),
        )


def test_coupons_are_split_into_usable_used_and_expired_in_one_query(levels, django_assert_num_queries):
    member, other = MemberFactory(user__username="mei"), MemberFactory(user__username="other")
    now = timezone.now()
    template = CouponTemplateFactory(name="Coffee", per_member_limit=5, valid_until=now + timedelta(days=30))
    soon = CouponTemplateFactory(name="Soon", valid_until=now + timedelta(days=2))
    later = services.issue_coupon(template, member, acting_user=None)
    first_to_expire = services.issue_coupon(soon, member, acting_user=None)
    used = services.issue_coupon(template, member, acting_user=None)
    services.redeem_coupon(
        used.code, member=member, order_total_cents=900, order_reference="A-1", acting_user=None
    )
    expired = services.issue_coupon(template, member, acting_user=None)
    Coupon.objects.filter(pk=expired.pk).update(expires_at=now - timedelta(minutes=1))
    services.issue_coupon(template, other, acting_user=None)

    with django_assert_num_queries(1):
        coupons = selectors.coupons_for(member)
        names = [c.template.name for c in coupons.usable]  # templates came with the coupons
    assert [c.pk for c in coupons.usable] == [first_to_expire.pk, later.pk]
    assert names == ["Soon", "Coffee"]
    assert [c.pk for c in coupons.used] == [used.pk]
    assert [c.pk for c in coupons.expired] == [expired.pk]
    usable_again, used_again, expired_again = selectors.coupons_for(member)
    assert (len(usable_again), len(used_again), len(expired_again)) == (2, 1, 1)
    assert selectors.coupon_count_for(member) == 2
    assert selectors.coupon_count_for(other) == 1


def test_claimable_templates_follow_level_limit_stock_and_dates(levels, django_assert_num_queries):
    silver, gold, _black = levels
    member = MemberRowFactory(level=silver)
    now = timezone.now()
    for_all = CouponTemplateFactory(name="For all", claimable=True)
    CouponTemplateFactory(name="Gold only", claimable=True, levels=[gold])
    silver_too = CouponTemplateFactory(name="Silver and Gold", claimable=True, levels=[silver, gold])
    CouponTemplateFactory(name="Not claimable", claimable=False)
    CouponTemplateFactory(name="Switched off", claimable=True, is_active=False)
    CouponTemplateFactory(
        name="Ended", claimable=True, valid_from=now - timedelta(days=9), valid_until=now - timedelta(days=1)
    )
    sold_out = CouponTemplateFactory(name="Sold out", claimable=True, total_quantity=1)
    services.issue_coupon(sold_out, MemberFactory(), acting_user=None)
    held = CouponTemplateFactory(name="Already held", claimable=True)
    services.claim_coupon(held, member)

    with django_assert_num_queries(1):
        names = sorted(t.name for t in selectors.claimable_templates_for(member))
    assert names == ["For all", "Silver and Gold"]
    assert {t.pk for t in selectors.claimable_templates_for(member)} == {for_all.pk, silver_too.pk}
    assert sorted(t.name for t in selectors.claimable_templates_for(None)) == [
        "Already held",
        "For all",
        "Gold only",
        "Silver and Gold",
    ]
