"""members' GraphQL: `viewer` (the logged-in customer, by session or bearer token) and `memberLevels`.

Every field is listed explicitly; anonymous `viewer` is null, never someone else's data."""

import graphene

from coupons.selectors import coupon_count_for, coupons_for
from members import selectors
from members.models import MemberLevel


class MemberLevelType(graphene.ObjectType):
    name = graphene.String(required=True)
    threshold_points = graphene.Int(required=True)
    points_multiplier = graphene.Float(required=True)
    discount_percent = graphene.Int(required=True)
    free_shipping = graphene.Boolean(required=True)
    monthly_coupon = graphene.Boolean(required=True)
    benefits = graphene.String(required=True)

    @staticmethod
    def resolve_points_multiplier(level: MemberLevel, info):
        return float(level.points_multiplier)


class ProfileType(graphene.ObjectType):
    email = graphene.String()
    name = graphene.String()
    phone = graphene.String()
    birthday = graphene.Date()
    preferred_language = graphene.String()


class MemberCardType(graphene.ObjectType):
    code = graphene.String(required=True)
    level = graphene.Field(MemberLevelType)
    points = graphene.Int(required=True)
    lifetime_points = graphene.Int(required=True)
    balance = graphene.Int(required=True, description="Stored value in cents")
    next_level = graphene.Field(MemberLevelType)
    points_to_next_level = graphene.Int(required=True)
    coupon_count = graphene.Int(required=True)


class LedgerEntryType(graphene.ObjectType):
    delta = graphene.Int(required=True)
    balance_after = graphene.Int(required=True)
    reason = graphene.String(required=True)
    source = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)


class LedgerKind(graphene.Enum):
    POINTS = "points"
    BALANCE = "balance"


class CouponType(graphene.ObjectType):
    code = graphene.String(required=True)
    name = graphene.String(required=True)
    status = graphene.String(required=True, description="usable, used or expired")
    expires_at = graphene.DateTime()


class ViewerType(graphene.ObjectType):
    profile = graphene.Field(ProfileType, required=True)
    member_card = graphene.Field(MemberCardType)
    coupons = graphene.List(graphene.NonNull(CouponType), required=True)
    ledger = graphene.List(
        graphene.NonNull(LedgerEntryType),
        required=True,
        kind=LedgerKind(default_value="points"),
        page=graphene.Int(default_value=1),
    )

    @staticmethod
    def resolve_profile(user, info):
        profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
        return {
            "email": user.email,
            "name": getattr(profile, "name", "") or user.get_full_name(),
            "phone": getattr(profile, "phone", None),
            "birthday": getattr(profile, "birthday", None),
            "preferred_language": getattr(profile, "preferred_language", None),
        }

    @staticmethod
    def resolve_member_card(user, info):
        member = selectors.member_for(user)
        if member is None:
            return None
        progress = selectors.level_progress(member)
        return {
            "code": member.code,
            "level": member.level,
            "points": member.points,
            "lifetime_points": member.lifetime_points,
            "balance": member.balance_cents,
            "next_level": progress.next_level,
            "points_to_next_level": progress.points_to_next,
            "coupon_count": coupon_count_for(member),
        }

    @staticmethod
    def resolve_coupons(user, info):
        member = selectors.member_for(user)
        if member is None:
            return []
        return [
            {"code": c.code, "name": c.template.name, "status": status, "expires_at": c.expires_at}
            for status, coupons in coupons_for(member)._asdict().items()
            for c in coupons
        ]

    @staticmethod
    def resolve_ledger(user, info, kind="points", page=1):
        member = selectors.member_for(user)
        if member is None:
            return []
        history = (
            selectors.points_history if kind in ("points", LedgerKind.POINTS) else selectors.balance_history
        )
        return list(history(member, page).object_list)


def viewer_of(request):
    """The customer behind this request (session or bearer token), or None."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    from members.tokens import user_for_bearer

    return user_for_bearer(request)


class MembersQuery:
    viewer = graphene.Field(ViewerType, description="The logged-in customer; null when anonymous")
    member_levels = graphene.List(graphene.NonNull(MemberLevelType), required=True)

    def resolve_viewer(self, info):
        return viewer_of(info.context)

    def resolve_member_levels(self, info):
        return selectors.member_levels()
