"""The portal fits a phone: a logged-in customer with unread messages (the header then shows the
inbox link with its badge, beside the language switch) and a brand name long enough to wrap never
gets a page wider than a 390 px screen, on either starter portal and its theme's header (member-mall:
Lumen, service-desk: Harbor with its service bar). Wider pages make phones zoom the whole page out.
On the way: My account's service sections are styled, sections keep clear of the next heading, and
a form's <button class="button"> reads in the same font as a link styled as a button."""

import datetime as dt
import re
import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
PASSWORD = "Oolong-Tea-2026!"
# Long enough to wrap in the header on a phone (a real brand's name often is).
BRAND = "Harbourside Tea & Coffee Roasters of Old Town"

pytestmark = pytest.mark.django_db  # see test_admin_builds_page.py: makes the test database exist


@dataclass(frozen=True)
class Portal:
    url: str  # http://<tenant domain>:<port>, no trailing slash
    request_pk: int  # the customer's resolved request


# The widest thing on the page decides: a header, block or form wider than the screen widens this.
PAGE_WIDTH = "() => document.documentElement.scrollWidth"
# The elements sticking out on the right, to say what is too wide when the width check fails.
TOO_WIDE = """(limit) => [...document.querySelectorAll('body *')]
  .filter((element) => element.getBoundingClientRect().right > limit + 0.5)
  .slice(0, 8)
  .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`
    + ` right=${Math.round(element.getBoundingClientRect().right)}`)"""
# A link styled as a button placed beside the form's submit button (same parent, so the same
# inherited font): both fonts as the browser computes them.
BUTTON_AND_LINK_FONTS = """() => {
  const button = document.querySelector('form.request-form button.button');
  const link = document.createElement('a');
  link.className = 'button button-secondary';
  link.href = '#';
  link.textContent = button.textContent;
  button.after(link);
  const font = (element) => {
    const style = getComputedStyle(element);
    return [style.fontSize, style.fontFamily, style.fontWeight];
  };
  const fonts = [font(button), font(link)];
  link.remove();
  return fonts;
}"""

# The space between the bottom of one element and the top of the next one, in CSS pixels.
SPACE_BETWEEN = """([above, below]) => document.querySelector(below).getBoundingClientRect().top
  - document.querySelector(above).getBoundingClientRect().bottom"""
# How a row of a list is laid out: unstyled, it is a plain list item on the page's background.
ROW_STYLE = """(selector) => {
  const style = getComputedStyle(document.querySelector(selector));
  return [style.display, style.backgroundColor];
}"""


@pytest.fixture(scope="module")
def portals(live_server_url, django_db_blocker) -> dict[str, Portal]:
    """One committed tenant per starter portal, named `BRAND`, each with a customer who has an
    unread message in their inbox, an open request and one staff resolved (so it can be rated),
    and on the service desk an appointment too. Removed afterwards (see conftest.live_tenant)."""
    from contextlib import ExitStack

    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from accounts.tests.factories import customer
    from conftest import committed_tenant
    from notifications import services as notifications
    from service import services as service_desk
    from service.models import BookableService, RequestType
    from tests.staff import make_editor

    port = live_server_url.rsplit(":", 1)[1]
    with django_db_blocker.unblock():
        try:
            with ExitStack() as stack:
                portals = {}
                for template in ("member-mall", "service-desk"):
                    label = f"e2e{uuid.uuid4().hex[:10]}"
                    provisioned = stack.enter_context(
                        committed_tenant(
                            label, name=BRAND, template=template, default_language="en", time_zone="UTC"
                        )
                    )
                    user = customer(provisioned.tenant, "mei@example.com", password=PASSWORD)
                    with schema_context(provisioned.tenant.schema_name):
                        notifications.notify(
                            user,
                            "points.changed",
                            {"earned": True, "points": 5, "balance": 5, "reason": "Visit"},
                            idempotency_key=f"e2e-phone-{label}",
                            channels=["inbox"],
                        )
                        request_type = RequestType.objects.order_by("pk").first()
                        for subject in (
                            "My order has not arrived yet",
                            "The lid of my travel mug does not close",
                        ):
                            ticket = service_desk.submit_request(
                                request_type, subject=subject, message="Could you help me?", user=user
                            )
                        # The last one resolved (so it can be rated), the first one still open.
                        service_desk.reply_to_ticket(
                            ticket, "A new lid is on its way.", status="resolved", acting_user=make_editor()
                        )
                        if template == "service-desk":
                            consultation = BookableService.objects.get()
                            today = timezone.localdate()
                            slot = service_desk.available_slots(
                                consultation, today + dt.timedelta(days=1), today + dt.timedelta(days=7)
                            )[0]
                            service_desk.book_appointment(consultation, slot.starts_at, user=user)
                    portals[template] = Portal(f"http://{provisioned.domain.domain}:{port}", ticket.pk)
                yield portals
        finally:
            connection.close()  # see conftest.live_tenant


def too_wide(page, name: str, artifacts_dir) -> dict:
    """{name: (page width, what sticks out)} when the page is wider than the phone, else {}."""
    page.screenshot(path=str(artifacts_dir / f"phone-fit-{name}.png"), full_page=True)
    width = page.evaluate(PAGE_WIDTH)
    return {name: (width, page.evaluate(TOO_WIDE, PHONE["width"]))} if width > PHONE["width"] else {}


@pytest.mark.parametrize("template", ["member-mall", "service-desk"])
def test_a_logged_in_customer_with_a_message_sees_pages_no_wider_than_the_phone(
    browser, portals, artifacts_dir, template
):
    portal = portals[template]
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{portal.url}/accounts/login/?next=/")
        page.locator("input[name='login']").fill("mei@example.com")
        page.locator("input[name='password']").fill(PASSWORD)
        page.locator("form button[type='submit'], form input[type='submit']").last.click()
        page.wait_for_url(re.compile(r".*:\d+/$"))

        # Everything the header can hold is there: the brand's name, the inbox with its badge (its
        # word kept for screen readers), the other language.
        header = page.locator(".site-header")
        expect(header.locator(".site-name")).to_have_text(BRAND)
        expect(header.locator(".inbox-link")).to_have_accessible_name(
            re.compile(r"^Messages\s+\d+\s+unread$")
        )
        expect(header.locator(".inbox-link .badge")).to_be_visible()
        expect(header.locator(".inbox-label")).to_have_css("width", "1px")  # on a phone: icon and badge
        expect(header.locator(".language-switch a[hreflang='zh-hans']")).to_have_text("简体中文")
        wider = too_wide(page, f"{template}-home", artifacts_dir)

        paths = (
            ["/service/", "/book/", "/account/"] if template == "service-desk" else ["/service/", "/account/"]
        )
        for path in paths:
            page.goto(portal.url + path)
            expect(header.locator(".inbox-link .badge")).to_be_visible()
            wider |= too_wide(page, f"{template}-{path.strip('/')}", artifacts_dir)
            if path == "/service/" and template == "service-desk":
                # The opening hours do not run into the next section's heading.
                assert (
                    page.evaluate(SPACE_BETWEEN, [".service-hours .hours", "#service-booking-heading"]) >= 16
                )
            if path == "/account/":
                # My account's service sections are styled as on the service pages: rows on cards.
                display, background = page.evaluate(ROW_STYLE, ".account-requests .request-row")
                assert (display, background == "rgba(0, 0, 0, 0)") == ("grid", False)
                if template == "service-desk":
                    display, background = page.evaluate(ROW_STYLE, ".account-appointments .booking-row")
                    assert (display, background == "rgba(0, 0, 0, 0)") == ("grid", False)

        # The resolved request: its rating form's button keeps clear of the Reply heading.
        page.goto(f"{portal.url}/account/requests/{portal.request_pk}/")
        expect(page.locator("#rate-heading")).to_be_visible()
        wider |= too_wide(page, f"{template}-request", artifacts_dir)
        assert page.evaluate(SPACE_BETWEEN, [".request-rate-form button", "#reply-heading"]) >= 16

        # The request form: its submit button reads like the links styled as buttons.
        page.goto(portal.url + "/service/")
        page.locator(".service-type").first.click()
        page.wait_for_url(re.compile(r".*/service/request/[\w-]+/$"))
        wider |= too_wide(page, f"{template}-request-form", artifacts_dir)
        button_font, link_font = page.evaluate(BUTTON_AND_LINK_FONTS)

        assert wider == {}
        assert button_font == link_font
    finally:
        context.close()
