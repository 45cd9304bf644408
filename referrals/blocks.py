"""Referral blocks for page bodies: the visitor's invite card (link, code, QR, share text), their
promoter figures, and the brand's top promoters.

A page body is cached once for every visitor unless a block in it is `personal`
(builder/fragments.py). The invite card and the promoter figures show the visitor's own link and
money, so they are `personal`; the top promoters are the same for everyone (masked names and
counts, never money), so a body holding them stays cacheable (see TopPromotersBlock for how fresh
it is). Each block costs a fixed number of queries.

Imported while builder.models builds the page body (core.registry.app_blocks): the models are read
inside the blocks' methods, never at import time.
"""

from urllib.parse import quote

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLInt, GraphQLString
from wagtail import blocks

from blocks.base import BaseBlock

MAX_TOP_PROMOTERS = 20


def _request(parent_context):
    return (parent_context or {}).get("request")


def _login_url(request) -> str:
    path = request.get_full_path() if request is not None else "/"
    return f"{reverse('login')}?next={quote(path)}"


def _programme(request):
    from referrals.models import ReferralSettings

    return ReferralSettings.load(request_or_site=request)


def _viewer(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


@register_streamfield_block
class InviteCardBlock(BaseBlock):
    """The visitor's referral link, code and QR code with the brand's share text and a copy button;
    a "Get my referral link" link for members who have none yet, a log-in link for visitors."""

    heading = blocks.CharBlock(required=False, max_length=120)
    text = blocks.CharBlock(
        required=False,
        max_length=240,
        help_text=_("Why share: e.g. “Friends who sign up through your link earn you commission.”"),
    )

    graphql_fields = [GraphQLString("heading"), GraphQLString("text"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "link"
        template = "referrals/blocks/invite_card.html"
        label = _("Invite card")
        description = _("The visitor's referral link, code and QR code to share")
        # The promoter's own link and code: never cached for everyone (builder/fragments.py).
        # Visitors all get the same log-in link.
        personal = True
        preview_value = {
            "heading": "推荐有礼 · Invite friends",
            "text": "Friends who sign up through your link earn you commission on what they buy.",
        }

    def get_context(self, value, parent_context=None):
        from members.qr import text_qr_svg
        from referrals import selectors
        from referrals.views import link_for, share_text_for

        context = super().get_context(value, parent_context)
        request = _request(parent_context)
        settings = _programme(request)
        user = _viewer(request)
        promoter = selectors.promoter_for_user(user) if user is not None and settings.enabled else None
        context["enabled"] = settings.enabled
        context["logged_in"] = user is not None
        context["promoter"] = promoter
        context["account_url"] = reverse("referrals:dashboard")
        context["login_url"] = _login_url(request)
        if promoter is not None and promoter.is_active:
            # The same link, QR code and words as the dashboard (referrals.views).
            context["link"] = link_for(request, promoter)
            context["qr_svg"] = text_qr_svg(link_for(request, promoter, qr=True))
            context["share_text"] = share_text_for(request, settings)
        return context


@register_streamfield_block
class PromoterStatsBlock(BaseBlock):
    """The visitor's referral figures: customers referred, and commission pending, available and
    withdrawn; a short text while there is nothing yet."""

    heading = blocks.CharBlock(required=False, max_length=120)
    empty_text = blocks.CharBlock(
        required=False,
        max_length=240,
        label=_("Text while there is nothing yet"),
        help_text=_(
            "Default: “No referrals yet. Share your link: your friends' orders earn you commission.”"
        ),
    )

    graphql_fields = [GraphQLString("heading"), GraphQLString("empty_text"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "doc-full"
        template = "referrals/blocks/promoter_stats.html"
        label = _("Promoter figures")
        description = _("The visitor's referred customers and commission")
        # The promoter's own money: never cached for everyone (builder/fragments.py).
        personal = True
        preview_value = {"heading": "我的推广 · My referrals", "empty_text": ""}

    def get_context(self, value, parent_context=None):
        from core.money import format_money
        from referrals import selectors

        context = super().get_context(value, parent_context)
        request = _request(parent_context)
        user = _viewer(request)
        promoter = selectors.promoter_for_user(user) if user is not None else None
        context["logged_in"] = user is not None
        context["promoter"] = promoter
        context["account_url"] = reverse("referrals:dashboard")
        context["login_url"] = _login_url(request)
        context["figures"] = None
        if promoter is not None:
            stats = selectors.stats(promoter)
            if stats.referred or stats.pending_cents or stats.earned_cents:
                context["figures"] = {
                    "referred": stats.referred,
                    "pending": format_money(stats.pending_cents),
                    "available": format_money(stats.available_cents),
                    "withdrawn": format_money(stats.withdrawn_cents),
                }
        return context


@register_streamfield_block
class TopPromotersBlock(BaseBlock):
    """The brand's promoters who brought the most customers, names masked (“W**”), counts only.

    Freshness: the list is the same for every visitor, so the block is not personal and the page
    body holding it is cached for everyone (builder/fragments.py), like the upcoming events' seats.
    A new referral does not bump the tenant's cache generation: that would throw away every cached
    page of the brand on each sign-up through a link. So the list may be up to
    PORTAL_FRAGMENT_CACHE_SECONDS (5 minutes by default) old, as the anonymous page cache is
    anyway; publishing anything refreshes it at once. It shows no money, so a few minutes' lag
    costs nobody anything."""

    heading = blocks.CharBlock(required=False, max_length=120)
    count = blocks.IntegerBlock(
        min_value=1, max_value=MAX_TOP_PROMOTERS, default=5, label=_("How many promoters")
    )

    graphql_fields = [GraphQLString("heading"), GraphQLInt("count"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "pick"
        template = "referrals/blocks/top_promoters.html"
        label = _("Top promoters")
        description = _("The promoters who brought the most customers (names masked, no money)")
        preview_value = {"heading": "推广达人 · Top promoters", "count": 5}

    def get_context(self, value, parent_context=None):
        from accounts.selectors import masked_name
        from referrals import selectors

        context = super().get_context(value, parent_context)
        settings = _programme(_request(parent_context))
        count = max(1, min(int(value.get("count") or 5), MAX_TOP_PROMOTERS))
        context["enabled"] = settings.enabled
        context["rows"] = (
            [
                {"name": masked_name(promoter.member.user), "referred": promoter.referred}
                for promoter in selectors.top_promoters(count)
            ]
            if settings.enabled
            else []
        )
        return context


PORTAL_BLOCKS = [
    ("invite_card", InviteCardBlock()),
    ("promoter_stats", PromoterStatsBlock()),
    ("top_promoters", TopPromotersBlock()),
]
