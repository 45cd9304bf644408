"""The coupon claim block: one claimable coupon, with a Claim button for members."""

import uuid

from django.contrib.messages import get_messages
from django.middleware.csrf import get_token
from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLString
from wagtail import blocks

from blocks.base import BaseBlock

# Messages from the claim view carry this tag; the block shows those (portal pages have no general
# message area).
MESSAGE_TAG = "coupon"


def claimable_template_choices():
    """The current tenant's claimable templates, read when the editor opens (each tenant its own).
    Switched-off and ended ones stay listed, so a page that shows one can still be saved."""
    from coupons.models import CouponTemplate

    return [
        (
            str(template.pk),
            template.name if template.is_active else _("%(name)s (off)") % {"name": template.name},
        )
        for template in CouponTemplate.objects.filter(claimable=True).only("pk", "name", "is_active")
    ]


def member_of(user):
    """The visitor's Member, or None (anonymous, or a user who has not joined the programme)."""
    if not user.is_authenticated:
        return None
    from members.models import Member

    try:
        return user.member
    except Member.DoesNotExist:
        return None


class CouponTemplateChoiceBlock(blocks.ChoiceBlock):
    """A claimable template's id. ChoiceBlock reads its whole choice list to load a stored value;
    with choices from the database that is a query per block on every page view, so a stored value
    is taken as it is here (the editor still validates it against the list)."""

    def to_python(self, value):
        return None if value is None else str(value)


@register_streamfield_block
class CouponClaimBlock(BaseBlock):
    """A coupon members claim with one button; visitors who are not logged in are invited to join."""

    coupon = CouponTemplateChoiceBlock(
        choices=claimable_template_choices,
        search_index=False,  # an id: nothing to search, and no choice-list query when indexing
        label=_("Coupon"),
        help_text=_("Only coupon templates marked “members can claim it” are listed."),
    )
    heading = blocks.CharBlock(
        required=False, max_length=80, help_text=_("Leave empty to show the coupon's name.")
    )
    text = blocks.TextBlock(required=False, max_length=240)

    graphql_fields = [
        GraphQLString("coupon"),
        GraphQLString("heading"),
        GraphQLString("text"),
        *BaseBlock.graphql_fields,
    ]

    class Meta:
        icon = "tag"
        template = "coupons/coupon_claim.html"
        label = _("Coupon to claim")
        description = _("A coupon members claim with one button")
        # What it shows depends on the visitor (their level, what they hold): the page body that
        # holds it is never served from the shared body cache (builder/fragments.py).
        personal = True
        preview_value = {
            "heading": "新会员礼券 · Welcome coupon",
            "text": "¥10 off your first order over ¥50.",
        }

    def get_context(self, value, parent_context=None):
        from coupons.selectors import claim_offer_for

        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None)
        member = member_of(user) if user is not None else None
        coupon_id = str(value.get("coupon") or "")
        context["offer"] = claim_offer_for(int(coupon_id), member) if coupon_id.isdigit() else None
        context["member"] = member
        context["logged_in"] = bool(user is not None and user.is_authenticated)
        context["next_url"] = request.get_full_path() if request is not None else "/"
        # The claim comes back to this block (the view redirects to next_url#anchor), so the
        # result message next to it is on screen: a block without an anchor of its own gets one.
        context["anchor"] = context["anchor"] or (f"coupon-{coupon_id}" if coupon_id.isdigit() else "")
        # A page renders its blocks with the page's own context (page, request), without context
        # processors: the form's CSRF token and the claim's result message are added here. Only for
        # members, so an anonymous page sets no cookie and stays cacheable.
        context["csrf_token"] = get_token(request) if member is not None else ""
        context["coupon_messages"] = (
            [message for message in get_messages(request) if MESSAGE_TAG in message.tags] if member else []
        )
        # Sent back with the claim: a double click on the button claims once.
        context["claim_key"] = uuid.uuid4().hex
        return context


PORTAL_BLOCKS = [("coupon_claim", CouponClaimBlock())]
