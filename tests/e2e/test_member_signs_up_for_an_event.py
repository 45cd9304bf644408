"""A member on a phone logs in, signs up for a workshop (answering its question), finds the ticket
with its QR code in My account, and once staff check the ticket in, the ticket says so."""

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


def check_in_at_the_door(workshop, code):
    """The brand's staff check the ticket in from their own device: on another connection, so it
    commits (this test's own connection is inside the test's transaction) and the server sees it."""
    import threading

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import schema_context

    from events import services
    from events.models import Event

    done = {}

    def at_the_door():
        try:
            with schema_context(workshop.provisioned.tenant.schema_name):
                staff = get_user_model().objects.get(username=workshop.admin_username)
                done["registration"] = services.check_in(
                    code, event=Event.objects.get(slug="latte-art"), acting_user=staff
                )
        except Exception as error:  # noqa: BLE001 - raised again in the test's thread
            done["error"] = error
        finally:
            connection.close()

    door = threading.Thread(target=at_the_door)
    door.start()
    door.join(timeout=30)
    if "error" in done:
        raise done["error"]
    return done["registration"]


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

        # Staff at the door scan the code: services.check_in, as the admin's check-in desk calls it.
        with django_db_blocker.unblock():
            checked = check_in_at_the_door(workshop, code)
        assert checked.checked_in_at is not None
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
