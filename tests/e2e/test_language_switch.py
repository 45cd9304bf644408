"""A visitor on a phone switches the portal to the other language and sees that language's page."""

import re

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.django_db  # see test_admin_builds_page.py: makes the test database exist


def test_the_switch_shows_the_same_page_in_the_other_language_and_is_remembered(
    browser, live_tenant, artifacts_dir
):
    # The live tenant's brand speaks English; its Chinese pages live under /zh-hans/.
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_tenant.url + "/help/")
        expect(page.locator("h1")).to_have_text("Help")
        expect(page.locator("html")).to_have_attribute("lang", "en")

        page.locator(".language-switch a[hreflang='zh-hans']").click()
        page.wait_for_url(re.compile(r".*/zh-hans/help/$"))
        expect(page.locator("h1")).to_have_text("帮助中心")
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(page.locator(".skip-link")).to_have_text("跳到正文")
        page.screenshot(path=str(artifacts_dir / "language-switch-zh.png"), full_page=True)

        # The choice is remembered: the front door opens in Chinese now.
        page.goto(live_tenant.url + "/")
        page.wait_for_url(re.compile(r".*/zh-hans/$"))
        expect(page.locator(".site-header")).to_contain_text("帮助中心")

        page.locator(".language-switch a[hreflang='en']").click()
        page.wait_for_url(re.compile(r".*:\d+/$"))
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()
