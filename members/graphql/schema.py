"""members' GraphQL: the `memberCard` and `ledger` fields of `viewer`, and the public `memberLevels`.

Every field is listed explicitly; `viewer` is null for anonymous requests (builder.graphql), so
these resolvers always get a logged-in user."""

import graphene

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


class MemberCardType(graphene.ObjectType):
    code = graphene.String(required=True)
    level = graphene.Field(MemberLevelType)
    points = graphene.Int(required=True)
    lifetime_points = graphene.Int(required=True)
    balance = graphene.Int(required=True, description="Stored value in cents")
    next_level = graphene.Field(MemberLevelType)
    points_to_next_level = graphene.Int(required=True)


class LedgerEntryType(graphene.ObjectType):
    delta = graphene.Int(required=True)
    balance_after = graphene.Int(required=True)
    reason = graphene.String(required=True)
    source = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)


class LedgerKind(graphene.Enum):
    POINTS = "points"
    BALANCE = "balance"


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
    }


def resolve_ledger(user, info, kind="points", page=1):
    member = selectors.member_for(user)
    if member is None:
        return []
    history = selectors.points_history if kind in ("points", LedgerKind.POINTS) else selectors.balance_history
    return list(history(member, page).object_list)


VIEWER_FIELDS = {
    "member_card": (graphene.Field(MemberCardType), resolve_member_card),
    "ledger": (
        graphene.List(
            graphene.NonNull(LedgerEntryType),
            required=True,
            kind=LedgerKind(default_value="points"),
            page=graphene.Int(default_value=1),
        ),
        resolve_ledger,
    ),
}


class MembersQuery:
    member_levels = graphene.List(graphene.NonNull(MemberLevelType), required=True)

    def resolve_member_levels(self, info):
        return selectors.member_levels()
