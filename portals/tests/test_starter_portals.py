"""Starter portals hold the brand's own data, generic words in its language, and only links that work."""

import re

import pytest
from wagtail.models import Page

from builder.models import Navigation
from portals.starter_portals import CONTACT_WORDS
from portals.tests.links import assert_internal_links_answer, hrefs_in, rendered_pages, sorted_links

TEMPLATES = ["member-mall", "service-desk"]
LANGUAGES = ["en", "zh-hans"]
EVERY_PORTAL = pytest.mark.parametrize(
    ("template", "language"), [(t, lang) for t in TEMPLATES for lang in LANGUAGES]
)
PAGES = {
    "member-mall": ["/", "/membership/", "/help/", "/contact/"],
    "service-desk": ["/", "/help/", "/contact/"],
}
HERO = {
    ("member-mall", "en"): "Welcome to Acme",
    ("member-mall", "zh-hans"): "欢迎来到 Acme",
    ("service-desk", "en"): "How can we help today?",
    ("service-desk", "zh-hans"): "今天有什么可以帮您？",
}
# What the demo brands (portals/demo.py) and the old starter content said; none of it belongs to a new brand.
DEMO_WORDS = re.compile(
    r"\.example|lumen|harbor|流明|coffee|咖啡|beans|静安|徐汇|plumbing|cleaning|保洁|spring|春季|"
    r"400-820|400-600|/spring/|/stores/|/services/|在线客服|insured",
    re.IGNORECASE,
)
CONTACTS = {
    "contact_email": "care@acme-shop.com",
    "contact_phone": "+86 21 5888 1234",
    "website": "https://www.acme-shop.com/",
}
OTHER_LANGUAGE = {"en": "zh-hans", "zh-hans": "en"}


def every_page(template: str, language: str) -> list[str]:
    """The starter pages in the brand's language (no prefix), then in the other one (/en/...)."""
    other = OTHER_LANGUAGE[language]
    return PAGES[template] + [f"/{other}{path}" for path in PAGES[template]]


def language_of(path: str, default: str) -> str:
    other = OTHER_LANGUAGE[default]
    return other if path.startswith(f"/{other}/") else default


LANGUAGE_SWITCH = re.compile(r'<nav class="language-switch".*?</nav>', re.DOTALL)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@EVERY_PORTAL
def test_without_contacts_every_page_shows_placeholders_and_nothing_of_a_demo_brand(
    template, language, make_tenant, client, in_tenant
):
    tenant = make_tenant("acme", template=template, default_language=language, admin_email="boss@acme.com")
    pages = rendered_pages(client, tenant.tenant, "acme.localhost", in_tenant)

    assert list(pages) == every_page(template, language)
    other = OTHER_LANGUAGE[language]
    assert f'<h2 class="hero-heading">{HERO[template, language]}</h2>' in pages["/"]
    assert f'<h2 class="hero-heading">{HERO[template, other]}</h2>' in pages[f"/{other}/"]
    for prefix, page_language in (("", language), (f"/{other}", other)):
        words = CONTACT_WORDS[page_language]
        for path in ("/", "/help/", "/contact/"):
            html = pages[prefix + path]
            assert words["phone"].format(words["phone_placeholder"]) in html, path
            assert words["email"].format(words["email_placeholder"]) in html, path
            assert words["website"] not in html, path
    for path, html in pages.items():
        assert DEMO_WORDS.search(html) is None, (path, DEMO_WORDS.search(html))
        if language_of(path, language) == "en":  # the page, its menu and footer all speak its language
            # (but the header's language switch names Chinese in Chinese)
            outside_switch = LANGUAGE_SWITCH.sub("", html)
            assert CJK.search(outside_switch) is None, (path, CJK.search(outside_switch))
        internal, external, contact = sorted_links(hrefs_in(html), "acme.localhost")
        assert external == set(), path  # no website, no chat: no link at all
        assert contact == set(), path  # a placeholder is text, never a tel: or mailto: link


@EVERY_PORTAL
def test_the_brands_contacts_are_on_its_pages(template, language, make_tenant, client, in_tenant):
    tenant = make_tenant("acme", template=template, default_language=language, **CONTACTS)
    pages = rendered_pages(client, tenant.tenant, "acme.localhost", in_tenant)

    other = OTHER_LANGUAGE[language]
    for prefix, page_language in (("", language), (f"/{other}", other)):
        words = CONTACT_WORDS[page_language]
        for path in ("/", "/help/", "/contact/"):
            html = pages[prefix + path]
            assert 'href="mailto:care@acme-shop.com"' in html, path
            assert 'href="tel:+862158881234"' in html, path
            assert "+86 21 5888 1234" in html, path
            assert words["email_placeholder"] not in html, path
            assert words["phone_placeholder"] not in html, path
        website = (
            f'<a class="button button-secondary" href="https://www.acme-shop.com/">{words["website"]}</a>'
        )
        assert website in pages[f"{prefix}/contact/"]
    for path, html in pages.items():
        words = CONTACT_WORDS[language_of(path, language)]
        assert f'<li><a href="https://www.acme-shop.com/">{words["website"]}</a></li>' in html, path  # footer
        _, external, contact = sorted_links(hrefs_in(html), "acme.localhost")
        assert external <= {"https://www.acme-shop.com/"}, path
        assert contact <= {"mailto:care@acme-shop.com", "tel:+862158881234"}, path


def test_only_one_contact_given_shows_it_and_a_placeholder_for_the_other(make_tenant, client):
    make_tenant("acme", default_language="en", contact_phone="400-123-4567")
    home = client.get("/", HTTP_HOST="acme.localhost").content.decode()

    assert 'href="tel:400-123-4567"' in home
    assert "Email: [Your customer-service e-mail]" in home
    assert "[Your customer-service phone]" not in home
    assert "mailto:" not in home


@EVERY_PORTAL
@pytest.mark.parametrize("contacts", [{}, CONTACTS], ids=["no-contacts", "contacts"])
def test_every_internal_link_on_every_page_menu_and_footer_answers(
    template, language, contacts, make_tenant, client, in_tenant
):
    tenant = make_tenant("acme", template=template, default_language=language, **contacts)
    pages = rendered_pages(client, tenant.tenant, "acme.localhost", in_tenant)

    links = set()
    for html in pages.values():
        internal, _, _ = sorted_links(hrefs_in(html), "acme.localhost")
        links |= internal
    # The member card invites anonymous visitors to sign up or log in; My account asks them to log in.
    # The header's magnifier opens the portal's search. The member mall leads to its shop and orders.
    # The member mall also to the member's referral link and commission ("Recommend us").
    # Both lead to the service desk (request forms, set up by the starter); the service desk also to
    # the customer's requests, bookings and the bookable consultation.
    entrances = (
        {
            "/accounts/signup/",
            "/accounts/login/",
            "/shop/",
            "/account/orders/",
            "/service/",
            "/account/referral/",
        }
        if template == "member-mall"
        else {"/service/", "/account/requests/", "/book/", "/account/appointments/"}
    ) | {"/service/request/question/"}  # the floating service button's "Ask a question"
    expected = {*every_page(template, language), "/account/", "/search/", *entrances}
    assert {link for link in links if not link.startswith("/accounts/login/?")} == expected
    assert_internal_links_answer(client, links, "acme.localhost")


@EVERY_PORTAL
@pytest.mark.parametrize("contacts", [{}, CONTACTS], ids=["no-contacts", "contacts"])
def test_the_brand_admin_can_publish_the_starter_pages_unchanged(
    template, language, contacts, make_tenant, in_tenant
):
    """Every starter page, the menu and the footer pass the blocks' own validation, as the admin's
    editor runs it: no placeholder sits in a field that refuses it."""
    tenant = make_tenant("acme", template=template, default_language=language, **contacts).tenant
    with in_tenant(tenant):
        for page in Page.objects.live().specific():
            if hasattr(page, "body"):
                page.body.stream_block.clean(page.body)
        navigations = list(Navigation.objects.all())
        assert len(navigations) == 2  # one menu and footer per language
        for navigation in navigations:
            navigation.menu.stream_block.clean(navigation.menu)
            navigation.footer_columns.stream_block.clean(navigation.footer_columns)
            assert navigation.footer_text == "© Acme"


@EVERY_PORTAL
def test_every_starter_page_opens_in_the_admins_editor(template, language, make_tenant, in_tenant, client):
    """The page editor converts each block for the admin (rich text into the editor's format):
    every starter page must open there without an error."""
    from django.contrib.auth import get_user_model

    tenant = make_tenant("acme", template=template, default_language=language).tenant
    with in_tenant(tenant):
        client.force_login(get_user_model().objects.get(username="admin@acme.example"))
        pages = list(Page.objects.live().specific().filter(depth__gte=2))
    assert {
        page.pk: client.get(f"/admin/pages/{page.pk}/edit/", HTTP_HOST="acme.localhost").status_code
        for page in pages
    } == {page.pk: 200 for page in pages}
