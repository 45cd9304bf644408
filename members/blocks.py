"""Loyalty blocks for page bodies. Both depend on who is looking, so they are `personal`: the page
body is never cached with them in it (builder.fragments), and anonymous visitors are invited to join."""

from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLString
from wagtail import blocks

from blocks.base import BaseBlock
from members import qr, selectors


@register_streamfield_block
class MemberCardBlock(BaseBlock):
    """The visitor's member card: level, points, balance, coupons, progress and the QR code to scan in store."""

    heading = blocks.CharBlock(required=False, max_length=80)
    join_text = blocks.CharBlock(
        max_length=200,
        default="Join free: points on every order and a birthday treat.",
        help_text=_("Shown to visitors who are not logged in."),
    )

    graphql_fields = [GraphQLString("heading"), GraphQLString("join_text"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "user"
        template = "members/blocks/member_card.html"
        label = _("Member card")
        description = _("The visitor's card, points and QR code")
        personal = True
        preview_value = {"heading": "我的会员卡 · My card", "join_text": "Join free: points on every order."}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        member = selectors.member_for(getattr(request, "user", None))
        context["member"] = member
        if member is not None:
            context["progress"] = selectors.level_progress(member)
            context["card_figures"] = selectors.card_figures(member)
            context["qr_svg"] = qr.qr_svg(member.code)
        return context


@register_streamfield_block
class LevelBenefitsBlock(BaseBlock):
    """The programme's levels and what each gives; marks the visitor's own level."""

    heading = blocks.CharBlock(required=False, max_length=80)

    graphql_fields = [GraphQLString("heading"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "list-ol"
        template = "members/blocks/level_benefits.html"
        label = _("Level benefits")
        description = _("Member levels and their benefits")
        personal = True
        preview_value = {"heading": "会员等级 · Levels"}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        context["levels"] = selectors.member_levels()
        context["member"] = selectors.member_for(getattr(request, "user", None))
        return context


PORTAL_BLOCKS = [("member_card", MemberCardBlock()), ("level_benefits", LevelBenefitsBlock())]
