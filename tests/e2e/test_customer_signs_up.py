"""A customer signs up on a brand's portal, confirms their e-mail, logs in and sees the member card."""

import re
import uuid

import pytest
from django.core import mail
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.django_db  # see test_admin_builds_page.py: makes the test database exist


def test_customer_signs_up_logs_in_and_sees_the_member_card_with_its_qr_code(
    browser, live_tenant, artifacts_dir
):
    portal_url = live_tenant.url
    email = f"mei.{uuid.uuid4().hex[:8]}@example.com"
    password = "Oolong-Tea-2026!"
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(portal_url + "/accounts/signup/")
        page.locator("input[name='email']").fill(email)
        page.locator("input[name='password1']").fill(password)
        page.locator("input[name='password2']").fill(password)
        page.locator("form button[type='submit'], form input[type='submit']").last.click()
        expect(page.locator("main")).to_contain_text("erif")  # "Verify your e-mail" / "verification"

        # The confirmation mail (the server thread's locmem outbox is this process's).
        sent = [message for message in mail.outbox if email in message.to]
        assert len(sent) == 1
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+", sent[0].body).group(0)
        page.goto(portal_url + link[link.index("/accounts/") :])
        page.locator("form button[type='submit'], form input[type='submit']").last.click()

        page.goto(portal_url + "/accounts/login/")
        page.locator("input[name='login']").fill(email)
        page.locator("input[name='password']").fill(password)
        page.locator("form button[type='submit'], form input[type='submit']").last.click()
        page.wait_for_url(re.compile(r".*/account/$"))

        card = page.locator(".member-card")
        expect(card).to_be_visible()
        expect(card.locator(".member-code")).to_have_text(re.compile(r"^[0-9A-F]{16}$"))
        qr = card.locator(".member-qr svg")
        expect(qr).to_be_visible()
        box = qr.bounding_box()
        assert box["width"] > 100
        assert box["height"] > 100
        page.screenshot(path=str(artifacts_dir / "member-card-phone.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(artifacts_dir / "signup-failure.png"), full_page=True)
        (artifacts_dir / "signup-failure.html").write_text(page.content())
        raise
    finally:
        context.close()
