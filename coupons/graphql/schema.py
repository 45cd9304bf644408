"""coupons' GraphQL: the `coupons` field of `viewer` (the logged-in customer's coupons)."""

import graphene

from coupons.selectors import coupons_for
from members.selectors import member_for


class CouponType(graphene.ObjectType):
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    status = graphene.String(required=True, description="usable, used or expired")
    expires_at = graphene.DateTime()


def resolve_coupons(user, info):
    member = member_for(user)
    if member is None:
        return []
    return [
        {"code": coupon.code, "name": coupon.template.name, "status": status, "expires_at": coupon.expires_at}
        for status, coupons in coupons_for(member)._asdict().items()
        for coupon in coupons
    ]


VIEWER_FIELDS = {"coupons": (graphene.List(graphene.NonNull(CouponType), required=True), resolve_coupons)}
