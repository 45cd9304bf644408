"""A member on a phone opens My account → Recommend us and gets a referral link; a friend, in a
browser of their own, opens the link and signs up; the promoter's dashboard then counts one
referred friend. The dashboard never scrolls sideways on a 390 px wide phone."""

import re
import uuid

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
PASSWORD = "Oolong-Tea-2026!"
# The widest thing on the page decides: anything wider than the screen widens this.
PAGE_WIDTH = "() => document.documentElement.scrollWidth"
TOO_WIDE = """(limit) => [...document.querySelectorAll('body *')]
  .filter((element) => element.getBoundingClientRect().right > limit + 0.5)
  .slice(0, 8)
  .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`)"""

pytestmark = pytest.mark.django_db  # see test_admin_builds_page.py: makes the test database exist


@pytest.fixture(scope="module")
def promoter_portal(live_tenant, django_db_blocker):
    """The brand's portal with a member, Mei, who has not got a referral link yet (committed)."""
    from accounts.tests.factories import customer

    with django_db_blocker.unblock():
        customer(live_tenant.provisioned.tenant, "mei@example.com", password=PASSWORD)
    return live_tenant


def fits_the_phone(page) -> list:
    """What sticks out on the right when the page is wider than the phone (nothing: [])."""
    if page.evaluate(PAGE_WIDTH) <= PHONE["width"]:
        return []
    return page.evaluate(TOO_WIDE, PHONE["width"])


def test_a_member_gets_a_link_a_friend_signs_up_through_it_and_counts(
    browser, promoter_portal, artifacts_dir, django_db_blocker
):
    portal_url = promoter_portal.url
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal_url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    friend_email = f"lin.{uuid.uuid4().hex[:8]}@example.com"
    try:
        page.goto(portal_url + "/accounts/login/")
        page.locator("input[name='login']").fill("mei@example.com")
        page.locator("input[name='password']").fill(PASSWORD)
        page.locator("form button[type='submit'], form input[type='submit']").last.click()
        page.wait_for_url(re.compile(r".*/account/$"))

        section = page.locator(".account-referral")
        expect(section.locator(".account-referral-summary")).to_have_text(
            "Share your link with friends and earn commission on what they buy."
        )
        section.get_by_role("link", name="Get my referral link").click()
        page.wait_for_url(re.compile(r".*/account/referral/$"))
        expect(page.locator("h1")).to_have_text("Recommend us")
        assert fits_the_phone(page) == []
        page.get_by_role("button", name="Get my referral link").click()
        page.wait_for_url(re.compile(r".*/account/referral/$"))
        expect(page.locator(".referral-messages")).to_have_text(
            "Your referral link is ready. Share it with friends!"
        )

        code = page.locator(".referral-code").inner_text()
        assert re.fullmatch(r"[A-Z2-9]{8}", code)
        link = page.locator("#referral-link").input_value()
        assert link == f"{portal_url}/r/{code}/"
        expect(page.locator(".referral-qr svg[role='img']")).to_be_visible()
        page.get_by_role("button", name="Copy link").click()
        expect(page.locator("#referral-copy-status")).to_have_text("Link copied.")
        assert page.evaluate("() => navigator.clipboard.readText()") == link
        expect(page.locator(".stat-referred")).to_have_text("0")
        page.screenshot(path=str(artifacts_dir / "referral-dashboard-phone.png"), full_page=True)
        assert fits_the_phone(page) == []

        # The friend, on a phone of their own, opens the link and signs up.
        friend_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
        friend = friend_context.new_page()
        friend.set_default_timeout(15_000)
        try:
            friend.goto(link)
            friend.wait_for_url(re.compile(r".*:\d+/$"))  # on to the brand's home page
            friend.goto(portal_url + "/accounts/signup/")
            friend.locator("input[name='email']").fill(friend_email)
            friend.locator("input[name='password1']").fill(PASSWORD)
            friend.locator("input[name='password2']").fill(PASSWORD)
            friend.locator("form button[type='submit'], form input[type='submit']").last.click()
            expect(friend.locator("main")).to_contain_text("erif")  # "Verify your e-mail"
        finally:
            friend_context.close()

        page.reload()
        expect(page.locator(".stat-referred")).to_have_text("1")
        expect(page.locator(".referral-customer .customer-name")).to_have_text([re.compile(r"^\S\*\*$")])
        page.screenshot(path=str(artifacts_dir / "referral-dashboard-referred-phone.png"), full_page=True)
        assert fits_the_phone(page) == []

        page.get_by_role("link", name="Print a poster with your QR code").click()
        page.wait_for_url(re.compile(r".*/account/referral/poster/$"))
        expect(page.locator(".poster-code")).to_have_text(code)
        expect(page.locator(".poster-qr svg[role='img']")).to_be_visible()
        assert fits_the_phone(page) == []
        page.screenshot(path=str(artifacts_dir / "referral-poster-phone.png"), full_page=True)
        # On paper: the poster only, without the portal's header, footer and buttons.
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator(".poster-actions").first).to_be_hidden()
        expect(page.locator(".poster-qr svg")).to_be_visible()
        page.screenshot(path=str(artifacts_dir / "referral-poster-print.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(artifacts_dir / "referral-failure.png"), full_page=True)
        (artifacts_dir / "referral-failure.html").write_text(page.content())
        raise
    finally:
        context.close()

    from django_tenants.utils import schema_context

    from referrals.models import Referral

    with django_db_blocker.unblock(), schema_context(promoter_portal.provisioned.tenant.schema_name):
        referral = Referral.objects.select_related("promoter", "customer__user").get()
        assert (referral.promoter.code, referral.customer.user.email, referral.via) == (
            code,
            friend_email,
            "link",
        )
