"""The floating service button and what the browser does with the service entry.

The button ends every portal page while Settings → Service entry has it on (through core.registry's
page extras, cached with the chrome); saving the settings in the admin refreshes cached pages. In
the browser (Debian's Chromium, as the e2e tests), entry.js says "open now" or "closed now" from
the location's hours in the location's time zone, whatever the visitor's own, marks phone and chat
outside the hours, loads a chat widget's script only on the first click, and the button's panel
opens and closes."""

import datetime as dt
import os
import re
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone
from wagtail import hooks

from core import registry
from core.cache import bump_generation
from service import entry
from service.entry import floating_button, service_entry
from service.models import ClosedDay, RequestType, ServiceEntrySettings
from service.tests.factories import LocationFactory, RequestTypeFactory
from service.tests.test_blocks import without_starter_service_desk
from tests.staff import EDITOR_PASSWORD, log_in

HOST = "svcentry.localhost"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
FAB = '<details class="service-fab">'
CRISP_ID = "1a2b3c4d-1a2b-1a2b-1a2b-1a2b3c4d5e6f"


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("svcentry", default_language="en").tenant
    with in_tenant(tenant):
        without_starter_service_desk()
        entry = ServiceEntrySettings.load()
        entry.phone = "400 820 8820"
        entry.question_type = RequestTypeFactory(name="Question", slug="question")
        entry.save()
    return tenant


def get(client, path) -> str:
    response = client.get(path, HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, path
    return response.content.decode()


def switch(in_tenant, tenant, **fields):
    """Change the settings as a script would (no admin), then forget cached pages by hand."""
    with in_tenant(tenant):
        ServiceEntrySettings.objects.update(**fields)
        bump_generation()


def test_the_service_desk_plugs_in_the_button_and_the_refresh():
    """service.wagtail_hooks imports service.entry, whose hooks register themselves."""
    from service import wagtail_hooks

    assert wagtail_hooks.entry is entry
    assert entry.page_extras in hooks.get_hooks(registry.PAGE_EXTRAS)
    assert entry.refresh_pages_after_entry_saved in hooks.get_hooks("after_edit_setting")


def test_the_floating_button_ends_every_portal_page_while_it_is_on(brand, in_tenant):
    client = Client()
    assert FAB not in get(client, "/")
    switch(in_tenant, brand, floating_button=True)
    for path in ("/", "/help/", "/accounts/login/"):
        html = get(client, path)
        assert html.count(FAB) == 1, path
        # After the footer, with the space that keeps the page's last line clear of it.
        assert re.search(
            r'</footer>\s*<div class="service-fab-space" aria-hidden="true"></div>\s*' + FAB, html
        )
        panel = html[html.index(FAB) :]
        assert '<span class="visually-hidden">Customer service</span></summary>' in panel
        assert '<a class="channel entry-live entry-phone" href="tel:4008208820">' in panel
        assert '<a class="channel entry-question" href="/service/request/question/">' in panel
    # Nothing to offer (no channel, and the form no longer takes requests): no button.
    with in_tenant(brand):
        RequestType.objects.update(is_active=False)
    switch(in_tenant, brand, phone="")
    assert FAB not in get(client, "/")
    switch(in_tenant, brand, phone="400 820 8820", floating_button=False)
    assert FAB not in get(client, "/help/")


def test_saving_the_settings_in_the_admin_refreshes_cached_pages(
    brand, in_tenant, django_capture_on_commit_callbacks
):
    with in_tenant(brand):
        get_user_model().objects.create_superuser("boss", "boss@svcentry.example", EDITOR_PASSWORD)
        pk = ServiceEntrySettings.objects.get().pk
    visitor = Client()
    assert FAB not in get(visitor, "/help/")
    assert visitor.get("/help/", HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE="en")["X-Portal-Cache"] == "hit"

    admin = log_in(HOST, "boss")
    form = {
        "phone": "400 820 8820",
        "email": "help@svcentry.example",
        "wechat_id": "",
        "wechat_qr": "",
        "hours_location": "",
        "question_type": "",
        "chat_provider": "",
        "chat_id": "",
        "floating_button": "on",
    }
    url = f"/admin/settings/service/serviceentrysettings/{pk}/"
    with django_capture_on_commit_callbacks(execute=True):  # the refresh waits for the commit
        response = admin.post(url, form, HTTP_HOST=HOST)
    assert response.status_code == 302
    html = get(visitor, "/help/")
    assert html.count(FAB) == 1
    assert '<a class="channel entry-email" href="mailto:help@svcentry.example">' in html
    assert "/service/request/question/" not in html  # the form is no longer offered

    del form["floating_button"]
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(url, form, HTTP_HOST=HOST).status_code == 302
    assert FAB not in get(visitor, "/help/")


# --- In the browser ------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
ENTRY_JS = Path(settings.BASE_DIR) / "service" / "static" / "service" / "entry.js"
PORTAL_CSS = Path(settings.BASE_DIR) / "static" / "portal" / "portal.css"


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless; these tests fail in CI without it and are skipped elsewhere."""
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"Chromium is not installed at {CHROMIUM}; CI=true, so these tests must run.")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop in this thread; see tests/e2e
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


def open_page(browser, html: str, *, at: dt.datetime, visitor_zone: str = "America/New_York", requests=None):
    """`html` served as a portal page (with the real entry.js and portal.css) to a visitor in
    `visitor_zone` whose clock says `at`. Requests to other hosts are answered by `requests`."""
    context = browser.new_context(timezone_id=visitor_zone)
    page = context.new_page()
    page.clock.set_fixed_time(at)
    files = {
        "http://portal.test/": (f"<!doctype html><html><body><main>{html}</main></body></html>", "text/html"),
        "http://portal.test/static/service/entry.js": (ENTRY_JS.read_text(), "text/javascript"),
        "http://portal.test/static/portal/portal.css": (PORTAL_CSS.read_text(), "text/css"),
    }

    def answer(route):
        url = route.request.url
        if url in files:
            body, content_type = files[url]
            return route.fulfill(body=body, content_type=content_type)
        if requests is not None:
            return requests(route)
        return route.abort()

    page.route("**/*", answer)
    page.goto("http://portal.test/")
    page.wait_for_function("window.portalServiceEntry === true")
    return page


def status_of(page) -> dict:
    return page.evaluate(
        """() => ({
          open: !document.querySelector('.entry-open').hidden,
          closed: !document.querySelector('.entry-closed').hidden,
          phoneOutside: document.querySelector('.entry-phone').classList.contains('is-outside-hours'),
          noteShown: !document.querySelector('.entry-phone .entry-outside').hidden,
        })"""
    )


def test_open_now_is_worked_out_in_the_locations_time_zone(brand, in_tenant, browser, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2030, 1, 7, 2, tzinfo=dt.UTC))
    with in_tenant(brand):
        hours = [(0, "09:00", "12:00"), (0, "13:00", "18:00")]
        hours += [(day, "09:00", "18:00") for day in (1, 2, 3, 4)] + [(5, "10:00", "16:00")]
        store = LocationFactory(name="Jing'an store", time_zone="Asia/Shanghai", hours=hours)
        ClosedDay.objects.create(location=store, date=dt.date(2030, 1, 8), name="Staff training")
        ServiceEntrySettings.objects.update(hours_location=store)
        html = render_to_string("service/entry_channels.html", {"entry": service_entry()})
    monkeypatch.undo()

    def at(day, hour, minute=0):
        return dt.datetime(2030, 1, day, hour, minute, tzinfo=SHANGHAI)

    # The visitor is in New York, where 10:30 on Monday in Shanghai is still Sunday evening.
    moments = {
        "Monday 10:30": (at(7, 10, 30), True),
        "Monday's lunch break": (at(7, 12, 30), False),
        "Monday 13:00": (at(7, 13), True),
        "Monday 18:00, closing time": (at(7, 18), False),
        "Tuesday, a closed day": (at(8, 10), False),
        "Wednesday 08:59": (at(9, 8, 59), False),
        "Saturday 15:59": (at(12, 15, 59), True),
        "Sunday noon": (at(13, 12), False),
    }
    for name, (moment, open_now) in moments.items():
        page = open_page(browser, html, at=moment)
        assert status_of(page) == {
            "open": open_now,
            "closed": not open_now,
            "phoneOutside": not open_now,
            "noteShown": not open_now,
        }, name
        page.context.close()


def test_chat_loads_only_when_asked_for_and_the_button_opens_its_panel(brand, in_tenant, browser):
    with in_tenant(brand):
        ServiceEntrySettings.objects.update(chat_provider="crisp", chat_id=CRISP_ID, floating_button=True)
        html = render_to_string("service/entry_floating.html", floating_button(None))
    loaded = []

    def crisp(route):
        loaded.append(route.request.url)
        return route.fulfill(body="window.crispLoaded = true;", content_type="text/javascript")

    page = open_page(browser, html, at=dt.datetime(2030, 1, 7, 2, tzinfo=dt.UTC), requests=crisp)
    panel = page.locator(".service-fab-panel")
    assert not panel.is_visible()
    page.click(".service-fab-button")
    assert panel.is_visible()
    page.keyboard.press("Escape")
    assert not panel.is_visible()
    page.click(".service-fab-button")
    page.mouse.click(10, 10)  # outside the panel
    assert not panel.is_visible()
    assert loaded == []  # no third-party script until a customer asks to chat

    page.click(".service-fab-button")
    page.click(".service-fab .entry-chat")
    page.wait_for_function("window.crispLoaded === true")
    assert loaded == ["https://client.crisp.chat/l.js"]
    assert page.evaluate("window.CRISP_WEBSITE_ID") == CRISP_ID
    assert page.evaluate("JSON.stringify(window.$crisp)") == '[["do","chat:show"],["do","chat:open"]]'
    assert not panel.is_visible()  # the chat takes over
    page.click(".service-fab-button")
    page.click(".service-fab .entry-chat")
    assert loaded == ["https://client.crisp.chat/l.js"]  # loaded once
    page.context.close()
