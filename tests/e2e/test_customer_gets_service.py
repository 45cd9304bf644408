"""A customer on a phone gets service: sends a complaint with a photo, which staff answer and
resolve in the admin, reads the answer and rates it (the photo is theirs and staff's only); and
books a consultation, finding the booking in My account at the time the slot button showed. The
brand runs the service-desk starter portal in Shanghai, so local times are not UTC."""

import datetime as dt
import re
import uuid
import zoneinfo
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
PASSWORD = "Oolong-Tea-2026!"
STAFF = "desk"
BRAND_ZONE = "Asia/Shanghai"  # not UTC: the pages must show the brand's local times

pytestmark = pytest.mark.django_db  # see test_admin_builds_page.py: makes the test database exist


@dataclass(frozen=True)
class ServiceDesk:
    schema_name: str
    url: str  # http://<tenant domain>:<port>, no trailing slash


@pytest.fixture(scope="module")
def service_desk(live_server_url, django_db_blocker):
    """A committed tenant on the service-desk starter portal (its complaint form, its consultation
    on weekdays 9–18), two customers, and a member of staff who works requests (an editor granted
    service.work_ticket, not a superuser). Removed afterwards, as conftest's live_tenant is."""
    from django.contrib.auth.models import Permission
    from django.db import connection
    from django_tenants.utils import schema_context

    from accounts.tests.factories import customer
    from conftest import committed_tenant
    from tests.staff import make_editor

    label = f"e2e{uuid.uuid4().hex[:10]}"
    port = live_server_url.rsplit(":", 1)[1]
    with django_db_blocker.unblock():
        try:
            with committed_tenant(
                label,
                name=f"E2E {label}",
                template="service-desk",
                default_language="en",
                time_zone=BRAND_ZONE,
            ) as provisioned:
                tenant = provisioned.tenant
                customer(tenant, "mei@example.com", password=PASSWORD)
                customer(tenant, "li@example.com", password=PASSWORD)
                with schema_context(tenant.schema_name):
                    staff = make_editor(STAFF)
                    staff.user_permissions.add(
                        Permission.objects.get(content_type__app_label="service", codename="work_ticket")
                    )
                yield ServiceDesk(tenant.schema_name, f"http://{provisioned.domain.domain}:{port}")
        finally:
            connection.close()  # see conftest.live_tenant


# The page's width with and without the booking days strip: the strip scrolls sideways inside
# itself, so hiding it must not change how wide the page is (its hidden "no free time" texts once
# escaped the scroller and made the whole page scroll sideways).
PAGE_WIDTH_WITHOUT_STRIP = """() => {
  const strip = document.querySelector('.booking-days');
  const withStrip = document.documentElement.scrollWidth;
  strip.style.display = 'none';
  const without = document.documentElement.scrollWidth;
  strip.style.display = '';
  return [withStrip, without];
}"""


def phone_context(browser):
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")


def log_in(page, desk: ServiceDesk, email: str, then: str) -> None:
    page.goto(f"{desk.url}/accounts/login/?next={then}")
    page.locator("input[name='login']").fill(email)
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("form button[type='submit'], form input[type='submit']").last.click()
    page.wait_for_url(re.compile(rf".*{re.escape(then)}$"))


def small_photo(folder) -> str:
    """A real 64×48 PNG (what a phone's photo picker hands over, only smaller)."""
    from PIL import Image

    path = folder / "broken-cup.png"
    Image.new("RGB", (64, 48), (200, 80, 40)).save(path, format="PNG")
    return str(path)


def open_file(context, url: str) -> tuple[int, str, bytes]:
    """Open `url` in a new tab of `context` (as tapping the photo does): status, type, first bytes.
    (Playwright's own request client cannot reach *.localhost, which only browsers send home.)"""
    tab = context.new_page()
    try:
        response = tab.goto(url)
        return response.status, response.headers.get("content-type", ""), response.body()[:8]
    finally:
        tab.close()


def resolve_in_the_admin(browser, desk: ServiceDesk, ticket_pk: int, number: str, artifacts_dir) -> None:
    """Staff, on their own computer, open the request in the admin, see the customer's photo, and
    reply, setting the request to resolved."""
    from tests.staff import EDITOR_PASSWORD

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    admin = context.new_page()
    admin.set_default_timeout(15_000)
    try:
        admin.goto(desk.url + "/admin/login/")
        admin.locator("#id_username").fill(STAFF)
        admin.locator("#id_password").fill(EDITOR_PASSWORD)
        admin.locator("form button[type=submit]").click()
        admin.wait_for_url(f"{desk.url}/admin/")
        admin.goto(f"{desk.url}/admin/service/tickets/{ticket_pk}/")
        expect(admin.locator("[data-field='status']")).to_have_text("New")
        photo = admin.locator("a[data-attachment]")
        expect(photo).to_have_text(["broken-cup.png"])
        assert open_file(context, desk.url + photo.get_attribute("href"))[:2] == (200, "image/png")

        reply = admin.locator("form[data-ticket-form='reply']")
        reply.get_by_label("Reply to the customer").fill(
            "We are sorry about the cup. A new one is on its way."
        )
        reply.get_by_label("Then set the status").select_option("resolved")
        reply.get_by_role("button", name="Send reply").click()
        admin.wait_for_url(f"{desk.url}/admin/service/tickets/{ticket_pk}/")
        expect(admin.locator(".messages li")).to_have_text([f"Your reply to {number} is sent."])
        expect(admin.locator("[data-field='status']")).to_have_text("Resolved")
        admin.screenshot(path=str(artifacts_dir / "service-admin-ticket.png"), full_page=True)
    finally:
        context.close()


def test_a_customer_complains_with_a_photo_staff_resolve_it_and_the_customer_rates_the_answer(
    browser, service_desk, artifacts_dir, django_db_blocker, tmp_path
):
    from django_tenants.utils import schema_context

    from service.models import Ticket, TicketEvent

    desk = service_desk
    context = phone_context(browser)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, desk, "mei@example.com", "/service/")
        expect(page.locator("h1")).to_have_text("How can we help?")
        expect(page.locator(".service-type strong")).to_have_text(
            ["Ask a question", "Make a complaint", "Request a repair"]
        )
        page.screenshot(path=str(artifacts_dir / "service-home-phone.png"), full_page=True)
        page.locator(".service-type", has_text="Make a complaint").click()
        page.wait_for_url(re.compile(r".*/service/request/complaint/$"))
        expect(page.locator("h1")).to_have_text("Make a complaint")

        page.get_by_label("Subject").fill("My cup arrived broken")
        page.get_by_label("When did it happen?").fill("2026-11-20")
        page.get_by_label("Photos").set_input_files(small_photo(tmp_path))
        page.get_by_label("Your message").fill("The handle came off when I unpacked it.")
        page.screenshot(path=str(artifacts_dir / "service-request-form-phone.png"), full_page=True)
        page.get_by_role("button", name="Send my request").click()
        page.wait_for_url(re.compile(r".*/account/requests/\d+/$"))

        with django_db_blocker.unblock(), schema_context(desk.schema_name):
            ticket = Ticket.objects.get()
        assert page.url == f"{desk.url}/account/requests/{ticket.pk}/"
        expect(page.locator(".service-messages")).to_have_text(
            f"Thank you! Your request {ticket.number} is sent. We will answer you here and let you know."
        )
        expect(page.locator("h1")).to_have_text("My cup arrived broken")
        expect(page.locator(".request-status")).to_have_text("Received")
        expect(page.locator(".request-answer dt")).to_have_text(["When did it happen?", "Photos"])
        expect(page.locator(".request-answer dd")).to_have_text(["2026-11-20", "broken-cup.png"])
        expect(page.locator(".request-message-body")).to_have_text(
            ["The handle came off when I unpacked it."]
        )
        photo = page.locator(".request-files img")
        expect(photo).to_have_attribute("alt", "broken-cup.png")
        expect(photo).to_have_js_property("naturalWidth", 64)  # the picture itself loaded
        photo_url = desk.url + page.locator(".request-files a").get_attribute("href")
        page.screenshot(path=str(artifacts_dir / "service-request-sent-phone.png"), full_page=True)

        # The photo is the customer's (and staff's): another logged-in customer gets nothing.
        assert open_file(context, photo_url) == (200, "image/png", b"\x89PNG\r\n\x1a\n")
        other_context = phone_context(browser)
        try:
            other = other_context.new_page()
            log_in(other, desk, "li@example.com", "/service/")
            assert open_file(other_context, photo_url)[0] == 404
            assert other.goto(f"{desk.url}/account/requests/{ticket.pk}/").status == 404
        finally:
            other_context.close()

        with django_db_blocker.unblock():
            resolve_in_the_admin(browser, desk, ticket.pk, ticket.number, artifacts_dir)

        page.reload()
        expect(page.locator(".request-status")).to_have_text("Resolved")
        messages = page.locator(".request-message")
        expect(messages.locator(".request-message-body")).to_have_text(
            [
                "The handle came off when I unpacked it.",
                "We are sorry about the cup. A new one is on its way.",
            ]
        )
        expect(messages.last.locator(".request-message-meta strong")).to_have_text("Customer service")
        expect(page.locator("#rate-heading")).to_have_text("How did we do?")
        page.screenshot(path=str(artifacts_dir / "service-request-resolved-phone.png"), full_page=True)

        rate = page.locator(".request-rate-form")
        rate.locator("label[for='rating-4']").tap()  # the fourth star
        expect(rate.get_by_label("4 stars")).to_be_checked()
        rate.get_by_label("Comment (optional)").fill("Quick and kind, thank you.")
        rate.get_by_role("button", name="Send my rating").click()
        page.wait_for_url(f"{desk.url}/account/requests/{ticket.pk}/")
        expect(page.locator(".service-messages")).to_have_text("Thank you for your rating!")
        expect(page.locator("#rated-heading")).to_have_text("Your rating")
        expect(page.locator(".request-rating")).to_have_text("★★★★☆")
        expect(page.locator(".request-rating")).to_have_attribute("aria-label", "4 of 5 stars")
        expect(page.locator(".request-rating-comment")).to_have_text("Quick and kind, thank you.")
        expect(page.locator(".request-rate-form")).to_have_count(0)
        page.screenshot(path=str(artifacts_dir / "service-request-rated-phone.png"), full_page=True)
    except Exception:
        page.screenshot(path=str(artifacts_dir / "service-request-failure.png"), full_page=True)
        (artifacts_dir / "service-request-failure.html").write_text(page.content())
        raise
    finally:
        context.close()

    with django_db_blocker.unblock(), schema_context(desk.schema_name):
        ticket = Ticket.objects.get()
        assert (ticket.status, ticket.rating, ticket.rating_comment, ticket.user.email) == (
            "resolved",
            4,
            "Quick and kind, thank you.",
            "mei@example.com",
        )
        rated = TicketEvent.objects.filter(ticket=ticket, action=TicketEvent.Action.RATED)
        assert list(rated.values_list("new_value", "actor__email")) == [("4", "mei@example.com")]
        assert list(ticket.messages.values_list("body", "from_staff", "internal")) == [
            ("The handle came off when I unpacked it.", False, False),
            ("We are sorry about the cup. A new one is on its way.", True, False),
        ]
        attachment = ticket.messages.get(from_staff=False).attachments.get()
        assert (attachment.name, attachment.content_type) == ("broken-cup.png", "image/png")


def test_a_customer_books_a_consultation_and_finds_it_in_my_account(
    browser, service_desk, artifacts_dir, django_db_blocker
):
    from django_tenants.utils import schema_context

    from service.models import Appointment

    desk = service_desk
    zone = zoneinfo.ZoneInfo(BRAND_ZONE)
    context = phone_context(browser)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, desk, "mei@example.com", "/book/")
        expect(page.locator("h1")).to_have_text("Book an appointment")
        card = page.locator(".booking-service")
        expect(card.locator(".booking-service-name")).to_have_text(["Consultation"])
        expect(card.locator(".booking-service-facts")).to_have_text(["30 min · Free"])
        card.get_by_role("link", name="Consultation").tap()
        page.wait_for_url(re.compile(r".*/book/consultation/$"))
        expect(page.locator("h1")).to_have_text("Consultation")

        # The first day with a free time, then its first time.
        page.locator(".booking-day:not(.is-full) a").first.tap()
        page.wait_for_url(re.compile(r".*/book/consultation/\?day=\d{4}-\d{2}-\d{2}$"))
        day = dt.date.fromisoformat(parse_qs(urlsplit(page.url).query)["day"][0])
        expect(page.locator(".booking-day a[aria-current='date'] .booking-date")).to_have_text(f"{day:%m-%d}")
        expect(page.locator("#booking-times-heading")).to_have_text(f"{day:%A}, {day.isoformat()}")
        expect(page.locator(".booking-time-zone")).to_have_text(f"Times are in {BRAND_ZONE} time.")
        with_strip, without_strip = page.evaluate(PAGE_WIDTH_WITHOUT_STRIP)
        assert with_strip == without_strip
        page.screenshot(path=str(artifacts_dir / "booking-times-phone.png"), full_page=True)
        first = page.locator(".booking-time").first
        shown = first.inner_text()
        starts_at = dt.datetime.fromisoformat(first.locator("time").get_attribute("datetime"))
        local = starts_at.astimezone(zone)
        assert (local.date(), f"{local:%H:%M}", local.minute % 30) == (day, shown, 0)
        assert dt.time(9) <= local.time() <= dt.time(17, 30)
        ends = local + dt.timedelta(minutes=30)
        first.tap()
        page.wait_for_url(re.compile(r".*/book/consultation/\?.*slot=.*"))

        confirm = page.locator(".booking-confirm")
        expect(confirm.locator(".booking-chosen-time")).to_have_text(
            f"{local:%A}, {day.isoformat()} {shown}–{ends:%H:%M}"
        )
        page.screenshot(path=str(artifacts_dir / "booking-confirm-phone.png"), full_page=True)
        confirm.get_by_role("button", name="Book").tap()
        page.wait_for_url(re.compile(r".*/account/appointments/[A-Z0-9]+/$"))
        code = page.url.rstrip("/").rsplit("/", 1)[1]
        expect(page.locator(".booking-messages")).to_have_text(f"Booked! Your booking code is {code}.")
        expect(page.locator("h1")).to_have_text("Consultation")
        expect(page.locator(".booking-code")).to_have_text(code)
        expect(page.locator(".booking-status")).to_have_text("Booked")
        expect(page.locator(".booking-when")).to_have_text(
            f"{local:%A}, {day.isoformat()} {shown}–{ends:%H:%M} ({BRAND_ZONE})"
        )
        expect(page.locator(".ticket-qr svg[role='img']")).to_be_visible()
        page.screenshot(path=str(artifacts_dir / "booking-done-phone.png"), full_page=True)

        when = f"{day.isoformat()} {shown}–{ends:%H:%M}"
        page.goto(desk.url + "/account/appointments/")
        upcoming = page.locator(".booking-upcoming .booking-row")
        expect(upcoming.locator(".booking-service-name")).to_have_text(["Consultation"])
        expect(upcoming.locator(".booking-status")).to_have_text(["Booked"])
        expect(upcoming.locator(".booking-when")).to_have_text([when])
        page.screenshot(path=str(artifacts_dir / "booking-mine-phone.png"), full_page=True)

        page.goto(desk.url + "/account/")
        section = page.locator(".account-appointments")
        expect(section.locator(".booking-service-name")).to_have_text(["Consultation"])
        expect(section.locator(".booking-when")).to_have_text([when])
        page.screenshot(path=str(artifacts_dir / "booking-account-phone.png"), full_page=True)
        section.get_by_role("link", name="Consultation").tap()
        page.wait_for_url(f"{desk.url}/account/appointments/{code}/")
    except Exception:
        page.screenshot(path=str(artifacts_dir / "booking-failure.png"), full_page=True)
        (artifacts_dir / "booking-failure.html").write_text(page.content())
        raise
    finally:
        context.close()

    with django_db_blocker.unblock(), schema_context(desk.schema_name):
        appointment = Appointment.objects.select_related("user", "service").get()
        assert (
            appointment.code,
            appointment.user.email,
            appointment.service.slug,
            appointment.status,
            appointment.starts_at,
            appointment.ends_at,
        ) == (
            code,
            "mei@example.com",
            "consultation",
            "booked",
            starts_at.astimezone(dt.UTC),
            (starts_at + dt.timedelta(minutes=30)).astimezone(dt.UTC),
        )
