"""A member on a phone logs in, signs up for a workshop (answering its question), finds the ticket
with its QR code in My account; staff check the ticket in at the admin's desk, and the ticket says so."""

import re

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
PASSWORD = "Oolong-Tea-2026!"

pytestmark = pytest.mark.django_db  # see test_admin_builds_page.py: makes the test database exist


@pytest.fixture(scope="module")
def workshop(live_tenant, django_db_blocker):
    """A latte art workshop tomorrow (8 seats, one required question) and a member (committed, so
    the server thread sees them)."""
    from django_tenants.utils import schema_context

    from accounts.tests.factories import customer
    from events.models import EventQuestion
    from events.tests.factories import EventFactory

    tenant = live_tenant.provisioned.tenant
    with django_db_blocker.unblock():
        customer(tenant, "mei@example.com", password=PASSWORD)
        with schema_context(tenant.schema_name):
            event = EventFactory(
                title="Latte art workshop",
                slug="latte-art",
                address="88 Yuyuan Road, Shanghai",
                price_cents=8_000,
                sessions=[{"capacity": 8}],
            )
            EventQuestion.objects.create(event=event, label="Milk", choices="Whole, Oat", required=True)
    return live_tenant


def check_in_at_the_door(browser, workshop, code, artifacts_dir) -> str:
    """The brand's staff, at the door on their own device, open the event's check-in desk in the
    admin and type the code as a hand-held scanner would (then Enter); returns what the desk says."""
    from django_tenants.utils import schema_context

    from events.models import Event

    with schema_context(workshop.provisioned.tenant.schema_name):
        event_id = Event.objects.get(slug="latte-art").pk
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    desk = context.new_page()
    desk.set_default_timeout(15_000)
    try:
        desk.goto(workshop.url + "/admin/login/")
        desk.locator("#id_username").fill(workshop.admin_username)
        desk.locator("#id_password").fill(workshop.admin_password)
        desk.locator("form button[type=submit]").click()
        desk.wait_for_url(f"{workshop.url}/admin/")
        desk.goto(f"{workshop.url}/admin/events/{event_id}/desk/")
        desk.locator("#ticket-code").fill(code.lower())
        desk.locator("#ticket-code").press("Enter")
        # desk.js posts the scan and shows the answer without reloading the desk.
        result = desk.locator("#desk-result .checkin-desk__result strong")
        expect(result).to_have_text("Checked in.")
        expect(desk.locator("#desk-result dd").first).to_have_text("mei@example.com")
        said = result.inner_text()
        desk.locator("#ticket-code").fill(code)
        desk.locator("#ticket-code").press("Enter")
        expect(result).to_contain_text("Already checked in at ")  # a second scan is refused
        desk.screenshot(path=str(artifacts_dir / "event-desk.png"), full_page=True)
        return said
    finally:
        context.close()


def test_a_member_signs_up_sees_the_ticket_qr_and_staff_check_it_in(
    browser, workshop, artifacts_dir, django_db_blocker
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(workshop.url + "/accounts/login/?next=/events/")
        page.locator("input[name='login']").fill("mei@example.com")
        page.locator("input[name='password']").fill(PASSWORD)
        page.locator("form button[type='submit'], form input[type='submit']").last.click()
        page.wait_for_url(re.compile(r".*/events/$"))

        card = page.locator(".event-card")
        expect(card.locator(".event-card-title")).to_have_text(["Latte art workshop"])
        expect(card.locator(".session-seats")).to_have_text(["8 seats left"])
        expect(card.locator(".event-price")).to_have_text(["¥80.00 at the door"])
        card.get_by_role("link").first.click()
        page.wait_for_url(re.compile(r".*/events/latte-art/$"))

        expect(page.locator("h1")).to_have_text("Latte art workshop")
        page.get_by_label("Oat").check()
        page.screenshot(path=str(artifacts_dir / "event-phone.png"), full_page=True)
        page.get_by_role("button", name="Sign up").click()
        page.wait_for_url(re.compile(r".*/account/events/[A-Z0-9]{10}/$"))
        expect(page.locator(".events-messages")).to_have_text(
            "You're signed up. Show this ticket at the event."
        )
        expect(page.locator(".ticket-qr svg")).to_be_visible()
        code = page.locator(".ticket-code").inner_text()

        page.goto(workshop.url + "/account/")
        section = page.locator(".account-events")
        expect(section.locator(".registration-event")).to_have_text(["Latte art workshop"])
        expect(section.locator(".event-status")).to_have_text(["Signed up"])
        section.get_by_role("link", name="Latte art workshop").click()
        page.wait_for_url(re.compile(rf".*/account/events/{code}/$"))
        expect(page.locator(".ticket-qr svg[role='img']")).to_be_visible()
        expect(page.locator(".ticket-status")).to_have_text("Signed up")
        page.screenshot(path=str(artifacts_dir / "event-ticket-phone.png"), full_page=True)

        # Staff at the door scan the code at the event's desk in the admin.
        with django_db_blocker.unblock():
            said = check_in_at_the_door(browser, workshop, code, artifacts_dir)
        assert said == "Checked in."
        page.reload()
        expect(page.locator(".ticket-status")).to_have_text("Checked in")
        expect(page.locator(".ticket-checked-in")).to_be_visible()
        expect(page.get_by_role("button", name="Cancel my place")).to_have_count(0)
        page.screenshot(path=str(artifacts_dir / "event-ticket-checked-in-phone.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(artifacts_dir / "event-failure.png"), full_page=True)
        (artifacts_dir / "event-failure.html").write_text(page.content())
        raise
    finally:
        context.close()

    from django_tenants.utils import schema_context

    from events.models import Registration

    with django_db_blocker.unblock(), schema_context(workshop.provisioned.tenant.schema_name):
        registration = Registration.objects.get()
        assert (registration.status, registration.answers, registration.ticket_code) == (
            "registered",
            {"Milk": "Oat"},
            code,
        )
        assert registration.checked_in_at is not None
