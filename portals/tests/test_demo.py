"""The demo brands get their own contacts and pages from the demo seeding, on top of a starter portal."""

import re

import pytest
from django.utils import timezone

from knowledge.models import ArticlePage
from portals.demo import DEMO_TENANTS, create_demo_tenant
from portals.knowledge_demo import KNOWLEDGE_DEMO
from portals.tests.links import assert_internal_links_answer, hrefs_in, rendered_pages, sorted_links

LUMEN, HARBOR = DEMO_TENANTS


@pytest.mark.parametrize(
    ("demo", "pages", "own_words"),
    [
        (
            LUMEN,
            ["/", "/membership/", "/help/", "/contact/", "/story/", "/stores/"]
            + ["/en/", "/en/membership/", "/en/help/", "/en/contact/", "/en/story/", "/en/stores/"],
            "南京西路 1266 号",
        ),
        (
            HARBOR,
            ["/", "/help/", "/contact/", "/services/"]
            + ["/zh-hans/", "/zh-hans/help/", "/zh-hans/contact/", "/zh-hans/services/"],
            "88 Harbour Road, Shanghai",
        ),
    ],
    ids=["lumen", "harbor"],
)
def test_a_demo_brand_shows_its_own_contacts_and_pages(demo, pages, own_words, agency, client, in_tenant):
    result = create_demo_tenant(demo, agency=agency)
    html = rendered_pages(client, result.tenant, demo["domain"], in_tenant)

    assert [path for path in html if "/support/" not in path] == pages
    with in_tenant(result.tenant):
        articles = {
            language: ArticlePage.objects.live().filter(locale__language_code=language).count()
            for language in ("zh-hans", "en")
        }
    assert articles == {"zh-hans": 24, "en": 24}
    key = "points-rules" if demo is LUMEN else "water-leak"
    content = next(item for item in KNOWLEDGE_DEMO[demo["help_centre"]]["articles"] if item["key"] == key)
    with in_tenant(result.tenant):
        article = ArticlePage.objects.get(slug=key, locale__language_code="en")
        related = [item.article.slug for item in article.related_articles.all()]
        tags = sorted(tag.name for tag in article.tags.all())
    assert (related, tags) == (content["related"], sorted(content["tags"]["en"]))
    assert all(
        path in html for path in ("/support/", "/en/support/" if demo is LUMEN else "/zh-hans/support/")
    )
    # The invite card and the top promoters (demo_referrals): Tao brought 4 customers, Mei 1.
    referral_page = html["/membership/" if demo is LUMEN else "/contact/"]
    assert re.findall(r'class="top-promoter-name">([^<]*)<', referral_page) == ["T**", "M**"]
    assert " block-invite-card " in referral_page
    home = html["/"]
    assert f'href="mailto:{demo["contact_email"]}"' in home
    assert f'href="tel:{demo["contact_phone"]}"' in home
    assert not re.search(r"\[(Your |您的)", home)  # no placeholder left (starter_portals.CONTACT_WORDS)
    assert own_words in "".join(html.values())
    links = set()
    for page in html.values():
        internal, external, _ = sorted_links(hrefs_in(page), demo["domain"])
        assert external <= {demo["website"]}
        links |= internal
    assert_internal_links_answer(client, links, demo["domain"])


@pytest.mark.parametrize("demo", [LUMEN, HARBOR], ids=["lumen", "harbor"])
def test_a_demo_brand_has_a_stocked_shop_orders_events_a_campaign_and_a_promoter(demo, agency, in_tenant):
    from django.db.models import Sum

    from events.models import Campaign, DailyCheckInSettings, Draw, Event, Invitation, Registration
    from mall.models import Order, Product, SaleMode, Sku

    result = create_demo_tenant(demo, agency=agency)
    with in_tenant(result.tenant):
        modes = set(Product.objects.values_list("sale_mode", flat=True))
        assert modes == {SaleMode.NORMAL, SaleMode.GROUP_BUY, SaleMode.BARGAIN}
        assert Sku.objects.aggregate(stock=Sum("stock"))["stock"] > 100
        # The shop's four, and the referred customers' five (demo_referrals).
        assert sorted(Order.objects.values_list("status", flat=True)) == [
            "completed",
            "completed",
            "completed",
            "completed",
            "pending_payment",
            "ready_for_pickup",
            "refunded",
            "shipped",
            "shipped",
        ]
        upcoming = Event.objects.filter(sessions__starts_at__gt=timezone.now()).distinct().count()
        assert upcoming == 3
        assert Registration.objects.filter(status="registered").count() >= 3
        assert DailyCheckInSettings.load().enabled
        campaign = Campaign.objects.get()
        assert (
            Invitation.objects.filter(campaign=campaign, qualified_at__isnull=False).count(),
            Draw.objects.count(),
        ) == (3, 1)
        assert_a_promoter_has_referred_customers_settled_commission_and_a_withdrawal()


def assert_a_promoter_has_referred_customers_settled_commission_and_a_withdrawal():
    from referrals import services as referrals
    from referrals.models import Commission, Promoter, Withdrawal

    tao = Promoter.objects.get(member__user__username="tao")
    assert sorted(tao.referrals.values_list("via", flat=True)) == ["code", "link", "qr", "staff"]
    by_status = {
        (tier, status)
        for tier, status in Commission.objects.filter(promoter=tao).values_list("tier", "status")
    }
    assert by_status == {(1, "settled"), (1, "reversed"), (1, "pending"), (2, "settled")}
    settled = sum(
        Commission.objects.filter(promoter=tao, status="settled").values_list("amount_cents", flat=True)
    )
    paid, waiting = Withdrawal.objects.filter(promoter=tao).order_by("pk")
    assert (paid.status, waiting.status) == ("paid", "requested")
    assert (tao.withdrawn_cents, tao.held_cents) == (paid.amount_cents, waiting.amount_cents)
    assert tao.available_cents + tao.held_cents + tao.withdrawn_cents == settled
    assert tao.pending_cents == Commission.objects.get(promoter=tao, status="pending").amount_cents
    assert referrals.ledger_drift(tao) == {"pending": 0, "available": 0, "held": 0, "withdrawn": 0}
