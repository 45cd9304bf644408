"""Referral blocks: the invite card (a promoter's own link, code, QR code and share text; the way in
for members without a link and for visitors), the promoter's figures, and the top promoters (masked
names, counts, never money; cached with the page body for everyone); each at a fixed number of
queries."""

import re

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from builder.fields import page_blocks
from builder.models import HomePage, StandardPage
from core.cache import bump_generation
from members.qr import text_qr_svg
from members.tests.factories import MemberFactory
from referrals import services
from referrals.models import Promoter, ReferralSettings
from referrals.tests import factories
from referrals.tests.test_graphql import person, programme_with_money

BLOCKS = dict(page_blocks())
DOMAIN = "refblocks.localhost"
HOST = {"HTTP_HOST": DOMAIN, "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def brand(make_tenant, in_tenant):
    return make_tenant("refblocks", default_language="en").tenant


def publish(brand, in_tenant, slug, body):
    with in_tenant(brand):
        home = HomePage.objects.get(depth=2, locale__language_code="en")
        page = home.add_child(instance=StandardPage(title=slug.title(), slug=slug, body=body))
        page.save_revision().publish()


def logged_in(brand, in_tenant, user) -> Client:
    client = Client()
    with in_tenant(brand):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def page(client, path) -> str:
    response = client.get(path, **HOST)
    assert response.status_code == 200
    return response.content.decode()


def block_html(html: str, name: str) -> str:
    """The one rendered block of this kind on the page."""
    found = re.findall(rf'<section class="block block-{name} variant-light">.*?</section>', html, re.S)
    assert len(found) == 1, found
    return found[0]


def render(name, raw, user=None):
    """The block rendered for a request of `user` (a visitor when None), outside a page."""
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/invite/", HTTP_HOST=DOMAIN)
    request.user = user or AnonymousUser()
    block = BLOCKS[name]
    return block.render(block.to_python(raw), context={"request": request})


# --- The invite card ------------------------------------------------------------------------------


def test_the_invite_card_gives_a_promoter_their_link_code_qr_code_and_share_text(brand, in_tenant):
    with in_tenant(brand):
        settings = ReferralSettings.load()
        settings.share_text = "Harbor fixed our boiler in a day. Sign up through my link:"
        settings.save()
        tao = factories.promoter(person("tao", "Tao"))
        user = tao.member.user
    publish(
        brand,
        in_tenant,
        "invite",
        [("invite_card", {"heading": "Invite friends", "text": "Earn on every order."})],
    )

    html = block_html(page(logged_in(brand, in_tenant, user), "/invite/"), "invite-card")
    link = f"http://{DOMAIN}/r/{tao.code}/"
    assert "<h2>Invite friends</h2>" in html
    assert "<p>Earn on every order.</p>" in html
    assert f'<input id="invite-card-link" type="url" value="{link}" readonly>' in html
    assert (
        '<button type="button" class="button button-primary" data-copy="invite-card-link" '
        'data-copied="Link copied." hidden>Copy link</button>'
    ) in html
    assert (
        '<button type="button" class="button button-secondary" '
        'data-share-text="Harbor fixed our boiler in a day. Sign up through my link:" '
        f'data-share-url="{link}" hidden>Share</button>'
    ) in html
    assert (
        f'<p class="referral-code-line">Your code: <code class="referral-code">{tao.code}</code></p>' in html
    )
    assert (
        '<p class="referral-share-text">Harbor fixed our boiler in a day. Sign up through my link:</p>'
        in html
    )
    assert re.search(r'<div class="referral-qr"><svg [^>]*role="img" aria-label="QR"', html)
    assert '<a href="/account/referral/">My referrals and commission</a>' in html
    assert 'document.querySelectorAll("[data-copy]")' in html  # the copy and share buttons work
    assert "csrfmiddlewaretoken" not in html


def test_the_qr_code_carries_the_link_marked_as_scanned(brand, in_tenant):
    with in_tenant(brand):
        tao = factories.promoter(person("tao", "Tao"))
        html = render("invite_card", {}, user=tao.member.user)
    expected = re.search(
        r"<svg.*?</svg>", str(text_qr_svg(f"http://{DOMAIN}/r/{tao.code}/?via=qr")), re.S
    ).group(0)
    assert expected in html
    assert (
        re.search(r"<svg.*?</svg>", str(text_qr_svg(f"http://{DOMAIN}/r/{tao.code}/")), re.S).group(0)
        not in html
    )


def test_without_a_link_the_invite_card_says_how_to_get_one(brand, in_tenant):
    with in_tenant(brand):
        member = MemberFactory()
        staff_user = UserFactory(is_staff=True)  # logged in, no member card
        settings = ReferralSettings.load()
        settings.requires_approval = True
        settings.save()
        waiting = services.become_promoter(person("wen", "Wen"))
        settings.requires_approval = False
        settings.save()
        paused = factories.promoter(person("pat", "Pat"))
        services.suspend_promoter(paused, reason="Spam", acting_user=None)
    publish(brand, in_tenant, "invite", [("invite_card", {"heading": "", "text": ""})])

    visitor = block_html(page(Client(), "/invite/"), "invite-card")
    assert "<h2>Invite friends</h2>" in visitor
    assert (
        '<a class="button button-primary" href="/accounts/login/?next=/invite/">Log in to get your referral link</a>'
        in visitor
    )
    assert "/r/" not in visitor
    for user in (member.user, staff_user):
        html = block_html(page(logged_in(brand, in_tenant, user), "/invite/"), "invite-card")
        assert '<a class="button button-primary" href="/account/referral/">Get my referral link</a>' in html
        assert "/r/" not in html
    html = block_html(page(logged_in(brand, in_tenant, waiting.member.user), "/invite/"), "invite-card")
    assert (
        "<p>Thank you for asking to become a promoter. We will tell you as soon as your link is ready.</p>"
        in html
    )
    assert waiting.code not in html
    html = block_html(page(logged_in(brand, in_tenant, paused.member.user), "/invite/"), "invite-card")
    assert "<p>Your referral link is paused. The commission you earned is still yours.</p>" in html
    assert paused.code not in html


def test_the_invite_card_and_top_promoters_say_when_the_programme_is_paused(brand, in_tenant):
    with in_tenant(brand):
        tao = factories.promoter(person("tao", "Tao"))
        factories.referred(tao)
        settings = ReferralSettings.load()
        settings.enabled = False
        settings.save()
        card = render("invite_card", {}, user=tao.member.user)
        top = render("top_promoters", {})
    for html in (card, top):
        assert '<p class="muted">Referrals are paused at the moment.</p>' in html
    assert tao.code not in card
    assert '<li class="top-promoter">' not in top


# --- The promoter's figures -----------------------------------------------------------------------


def test_promoter_figures_are_the_visitors_own(brand, in_tenant):
    with in_tenant(brand):
        data = programme_with_money()
        newcomer = factories.promoter(person("nia", "Nia"))
        member = MemberFactory()
    publish(brand, in_tenant, "mine", [("promoter_stats", {"heading": "", "empty_text": ""})])

    html = block_html(page(logged_in(brand, in_tenant, data.tao.member.user), "/mine/"), "promoter-stats")
    figures = re.findall(r'<div><dt>([^<]+)</dt><dd class="figure-([a-z]+)">([^<]+)</dd></div>', html)
    assert figures == [
        ("Customers referred", "referred", "3"),
        ("Pending", "pending", "¥0.00"),
        ("Available", "available", "¥5.00"),
        ("Withdrawn", "withdrawn", "¥15.00"),
    ]
    assert "<h2>My referrals</h2>" in html
    assert '<a href="/account/referral/">My referrals and commission</a>' in html

    # Mei's own: Tao is her customer, and the second tier of his customers' orders.
    mei = block_html(page(logged_in(brand, in_tenant, data.mei.member.user), "/mine/"), "promoter-stats")
    assert re.findall(r'<dd class="figure-[a-z]+">([^<]+)</dd>', mei) == ["1", "¥0.00", "¥6.00", "¥0.00"]

    empty = "No referrals yet. Share your link: your friends' orders earn you commission."
    html = block_html(page(logged_in(brand, in_tenant, newcomer.member.user), "/mine/"), "promoter-stats")
    assert f'<p class="muted referral-empty">{empty}</p>' in html
    assert '<a href="/account/referral/">My referrals</a>' in html
    html = block_html(page(logged_in(brand, in_tenant, member.user), "/mine/"), "promoter-stats")
    assert f'<p class="muted referral-empty">{empty}</p>' in html
    assert '<a href="/account/referral/">Get my referral link</a>' in html
    html = block_html(page(Client(), "/mine/"), "promoter-stats")
    assert '<p><a href="/accounts/login/?next=/mine/">Log in to see your referrals</a></p>' in html
    assert "figure-" not in html

    with in_tenant(brand):
        own = render(
            "promoter_stats", {"empty_text": "Nothing yet: share your link!"}, user=newcomer.member.user
        )
    assert '<p class="muted referral-empty">Nothing yet: share your link!</p>' in own


# --- Top promoters --------------------------------------------------------------------------------


def test_top_promoters_are_masked_names_and_counts_most_first_never_money(brand, in_tenant):
    with in_tenant(brand):
        data = programme_with_money()  # Tao brought 3 customers, Mei 1 (Tao)
        kai = factories.promoter(person("kai", "Kai"))
        for _ in range(2):
            factories.referred(kai)
        quiet = factories.promoter(person("quiet", "Quiet"))  # brought nobody: not listed
        gone = factories.promoter(person("gus", "Gus"))
        for _ in range(5):
            factories.referred(gone)
        services.suspend_promoter(gone, reason="Spam", acting_user=None)  # not active: not listed
        html = render("top_promoters", {"heading": "Our best friends", "count": 5})
        two = render("top_promoters", {"count": 2})
    rows = re.findall(
        r'<li class="top-promoter"><span class="top-promoter-rank">(\d+)</span> '
        r'<span class="top-promoter-name">([^<]+)</span> <span class="top-promoter-count">([^<]+)</span></li>',
        html,
    )
    assert rows == [("1", "T**", "3 customers"), ("2", "K**", "2 customers"), ("3", "M**", "1 customer")]
    assert "<h2>Our best friends</h2>" in html
    assert "¥" not in html
    assert quiet.code not in html
    assert data.tao.code not in html
    assert two.count('<li class="top-promoter">') == 2
    assert "<h2>Top promoters</h2>" in two


def test_nobody_referred_yet_says_so(brand, in_tenant):
    with in_tenant(brand):
        factories.promoter(person("tao", "Tao"))
        html = render("top_promoters", {})
    assert '<p class="muted">Nobody has referred a customer yet: be the first.</p>' in html


def test_top_promoters_are_cached_with_the_page_for_everyone_until_the_next_publish(brand, in_tenant):
    """The block's docstring: not personal, so the body is shared; a referral does not refresh it,
    the next publish (or the cache's timeout) does."""
    with in_tenant(brand):
        tao = factories.promoter(person("tao", "Tao"))
        factories.referred(tao)
        member = MemberFactory()
    publish(brand, in_tenant, "best", [("top_promoters", {"heading": "", "count": 5})])
    member_client = logged_in(brand, in_tenant, member.user)
    first = block_html(page(member_client, "/best/"), "top-promoters")
    assert "1 customer" in first
    with in_tenant(brand):
        factories.referred(tao)
    # Another visitor (a member, so not the anonymous page cache): the same cached body.
    assert block_html(page(logged_in(brand, in_tenant, tao.member.user), "/best/"), "top-promoters") == first
    with in_tenant(brand):
        bump_generation()  # what publishing does
    assert "2 customers" in block_html(page(member_client, "/best/"), "top-promoters")


# --- Queries --------------------------------------------------------------------------------------


def queries(name, raw, user=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        html = render(name, raw, user)
    return len(captured), html


def test_each_block_costs_the_same_queries_for_few_rows_as_for_many(brand, in_tenant):
    with in_tenant(brand):
        ReferralSettings.load()  # the settings row exists, as on any brand after its first page
        tao = factories.promoter(person("tao", "Tao"))
        factories.referred(tao)
        others = [factories.promoter() for _ in range(2)]
        for other in others:
            factories.referred(other)
        user = Promoter.objects.select_related("member__user").get(pk=tao.pk).member.user
        few = {
            "invite_card": queries("invite_card", {}, user),
            "promoter_stats": queries("promoter_stats", {}, user),
            "top_promoters": queries("top_promoters", {"count": 20}),
        }
        for _ in range(6):
            factories.referred(tao)
        for _ in range(8):
            factories.referred(factories.promoter())
        many = {
            "invite_card": queries("invite_card", {}, user),
            "promoter_stats": queries("promoter_stats", {}, user),
            "top_promoters": queries("top_promoters", {"count": 20}),
        }
    assert {name: count for name, (count, _html) in many.items()} == {
        name: count for name, (count, _html) in few.items()
    }
    # The settings and the promoter; the promoter and two for the figures; the settings and the list.
    assert {name: count for name, (count, _html) in few.items()} == {
        "invite_card": 3,
        "promoter_stats": 3,
        "top_promoters": 2,
    }
    assert many["top_promoters"][1].count('<li class="top-promoter">') == 11
    assert '<dd class="figure-referred">7</dd>' in many["promoter_stats"][1]
