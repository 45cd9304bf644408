"""Service desk blocks: the service entry's channels and week (never "open now" from the server),
a request form's card, the visitor's own open requests (a log-in link for visitors), one service's
next free times, and the services list; a fixed number of queries; and what an editor is told
when a block names a form or a service the brand does not have."""

import datetime as dt
import json
import re
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from builder.fields import page_blocks
from builder.models import HomePage, StandardPage
from mall.tests.test_graphql import Pictures
from members.models import Audience
from service import services
from service.models import (
    BookableService,
    ClosedDay,
    Location,
    Provider,
    RequestType,
    ServiceEntrySettings,
    Ticket,
)
from service.tests.factories import (
    BookableServiceFactory,
    LocationFactory,
    ProviderFactory,
    RequestTypeFactory,
)

BLOCKS = dict(page_blocks())
HOST = {"HTTP_HOST": "svcblocks.localhost", "HTTP_ACCEPT_LANGUAGE": "en"}
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Monday morning in Shanghai, for the free times (services.available_slots counts from now).
NOW = dt.datetime(2030, 1, 7, 10, 30, tzinfo=SHANGHAI)


def without_starter_service_desk():
    """Starter portals set up a service desk (request types, a location, a service, the entry's
    channels); these tests start from none."""
    ServiceEntrySettings.objects.all().delete()
    BookableService.objects.all().delete()
    Provider.objects.all().delete()
    Location.objects.all().delete()
    RequestType.objects.all().delete()


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("svcblocks", default_language="en").tenant
    with in_tenant(tenant):
        without_starter_service_desk()
        RequestTypeFactory(name="Repair", slug="repair", intro="Broken grinder? We fix it.", sort_order=1)
        RequestTypeFactory(name="Question", slug="question", sort_order=0)
        RequestTypeFactory(name="Members' line", slug="members-line", audience=Audience.MEMBERS, sort_order=2)
        RequestTypeFactory(name="Old form", slug="old-form", is_active=False)
    return tenant


def render(name, raw, context=None):
    block = BLOCKS[name]
    return block.render(block.to_python(raw), context=context)


def set_up_entry(**fields) -> ServiceEntrySettings:
    entry = ServiceEntrySettings.load()
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.save()
    return entry


def store() -> object:
    """Jing'an store: Monday 9–12 and 13–18, Tuesday to Friday 9–18, Saturday 10–16, closed on
    Sundays; two closed days soon and one in six weeks."""
    hours = [(0, "09:00", "12:00"), (0, "13:00", "18:00")]
    hours += [(day, "09:00", "18:00") for day in (1, 2, 3, 4)] + [(5, "10:00", "16:00")]
    location = LocationFactory(name="Jing'an store", time_zone="Asia/Shanghai", hours=hours)
    today = timezone.localdate(timezone.now(), SHANGHAI)
    for days, name in ((3, "Staff training"), (10, ""), (40, "Spring Festival"), (-5, "Long ago")):
        ClosedDay.objects.create(location=location, date=today + dt.timedelta(days=days), name=name)
    return location


def channels(html) -> list[str]:
    return re.findall(r'<(?:a|button|li) class="channel [^"]*?(entry-[a-z]+)"', html)


# --- The service entry ----------------------------------------------------------------------------


def test_the_service_entry_shows_every_channel_and_the_week_but_never_says_open_now(brand, in_tenant):
    with in_tenant(brand):
        location = store()
        set_up_entry(
            phone="+86 21 5555 0100",
            email="help@lumen.example",
            wechat_id="LumenCoffee",
            hours_location=location,
            question_type=RequestType.objects.get(slug="question"),
            chat_provider="link",
            chat_id="https://chat.example/lumen",
        )
        today = timezone.localdate(timezone.now(), SHANGHAI)
        html = render("service_entry", {"heading": "How can we help?", "text": "We are here."})

    assert '<section class="block block-service-entry variant-light">' in html
    assert "<h2>How can we help?</h2>" in html
    assert "<p>We are here.</p>" in html
    assert channels(html) == ["entry-chat", "entry-phone", "entry-question", "entry-email", "entry-wechat"]
    assert (
        '<a class="channel entry-live entry-chat" href="https://chat.example/lumen" target="_blank" rel="noopener">'
        in html
    )
    assert '<a class="channel entry-live entry-phone" href="tel:+862155550100">' in html
    assert "<strong>Call us</strong> +86 21 5555 0100" in html
    assert '<a class="channel entry-question" href="/service/request/question/">' in html
    assert '<a class="channel entry-email" href="mailto:help@lumen.example">' in html
    assert '<span class="entry-wechat-id">LumenCoffee</span>' in html
    # Phone and chat say so outside the hours, once the browser has worked it out.
    assert html.count('<span class="entry-outside" hidden>Outside opening hours</span>') == 2

    hours = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html)
    assert hours == [
        ("Monday", "09:00–12:00, 13:00–18:00"),
        ("Tuesday", "09:00–18:00"),
        ("Wednesday", "09:00–18:00"),
        ("Thursday", "09:00–18:00"),
        ("Friday", "09:00–18:00"),
        ("Saturday", "10:00–16:00"),
        ("Sunday", "Closed"),
    ]
    assert '<h3 class="hours-title">Opening hours: Jing&#x27;an store</h3>' in html
    soon = [today + dt.timedelta(days=days) for days in (3, 10)]
    assert re.findall(r'<ul class="entry-closed-days" role="list">(.*?)</ul>', html) == [
        f"<li>Closed on {soon[0]:%Y-%m-%d}: Staff training</li><li>Closed on {soon[1]:%Y-%m-%d}</li>"
    ]

    # What the browser needs to tell "open now", never the answer itself: the page is cached.
    data = re.search(r'data-service-hours="([^"]+)"', html).group(1).replace("&quot;", '"')
    assert json.loads(data) == {
        "zone": "Asia/Shanghai",
        "week": [
            [["09:00", "12:00"], ["13:00", "18:00"]],
            [["09:00", "18:00"]],
            [["09:00", "18:00"]],
            [["09:00", "18:00"]],
            [["09:00", "18:00"]],
            [["10:00", "16:00"]],
            [],
        ],
        "closed": [(today + dt.timedelta(days=days)).isoformat() for days in (3, 10, 40)],
    }
    assert (
        '<span class="entry-open" hidden>Open now</span><span class="entry-closed" hidden>Closed now</span>'
        in html
    )
    assert re.sub(r"<span class=\"entry-(open|closed)\" hidden>[^<]+</span>", "", html).count("now") == 0
    assert '<script src="/static/service/entry.js" defer></script>' in html
    assert "csrfmiddlewaretoken" not in html


def test_a_chat_widget_is_a_button_that_loads_the_providers_script_only_when_clicked(brand, in_tenant):
    with in_tenant(brand):
        set_up_entry(chat_provider="crisp", chat_id="1a2b3c4d-1a2b-1a2b-1a2b-1a2b3c4d5e6f")
        html = render("service_entry", {})
    assert (
        '<button type="button" class="channel entry-live entry-chat" data-chat-provider="crisp" '
        'data-chat-script="https://client.crisp.chat/l.js" '
        'data-chat-config="window.$crisp = []; window.CRISP_WEBSITE_ID = &quot;1a2b3c4d-1a2b-1a2b-1a2b-1a2b3c4d5e6f&quot;;">'
    ) in html
    assert 'crisp.chat/l.js"></script>' not in html
    assert "<h2>Customer service</h2>" in html
    assert "entry-outside" not in html  # no opening hours: chat is never marked as closed
    assert "data-service-hours" not in html
    assert "entry-status" not in html


def test_a_script_or_a_bad_account_typed_by_staff_never_reaches_the_page(brand, in_tenant):
    with in_tenant(brand):
        entry = set_up_entry(phone="400 820 8820", chat_provider="tawk", chat_id="bad")
        with pytest.raises(ValidationError):
            entry.full_clean()
        # Even stored past the form's check, an id the provider would not accept shows no chat.
        ServiceEntrySettings.objects.filter(pk=entry.pk).update(
            chat_id='5f1a2b3c4d5e6f7a8b9c0d1e/1abcdefgh"><script>alert(1)</script>'
        )
        html = render("service_entry", {})
    assert channels(html) == ["entry-phone"]
    assert "<script>alert" not in html
    assert "tawk" not in html


def test_without_channels_the_entry_says_so_and_a_closed_form_is_not_offered(brand, in_tenant):
    with in_tenant(brand):
        set_up_entry(question_type=RequestType.objects.get(slug="old-form"))
        html = render("service_entry", {})
    assert '<p class="service-empty">No service channels set up yet.</p>' in html
    assert "old-form" not in html


def test_the_service_entry_costs_a_fixed_number_of_queries(brand, in_tenant):
    pictures = Pictures(brand)
    try:
        with in_tenant(brand):
            set_up_entry(
                phone="400 820 8820",
                wechat_qr=pictures.add("QR"),
                hours_location=store(),
                question_type=RequestType.objects.get(slug="question"),
            )
            render("service_entry", {})  # the QR code's rendition is made once
            with CaptureQueriesContext(connection) as captured:
                html = render("service_entry", {})
            # The settings with their picture, location and form; the hours; the closed days (the
            # QR code's rendition comes from Wagtail's rendition cache).
            assert len(captured) == 3
            image = re.search(r"<img [^>]*>", html).group(0)
            assert 'class="entry-qr"' in image
            assert 'alt="Scan to follow us on WeChat"' in image
            set_up_entry(hours_location=None, wechat_qr=None)
            with CaptureQueriesContext(connection) as captured:
                render("service_entry", {})
            assert len(captured) == 1
    finally:
        pictures.remove()


# --- A request form's card ------------------------------------------------------------------------


def test_a_request_forms_card_leads_to_the_form_and_holds_no_form(brand, in_tenant):
    with in_tenant(brand):
        html = render("request_form", {"request_type": "repair"})
        own = render(
            "request_form", {"request_type": "repair", "heading": "Broken?", "button_text": "Get it fixed"}
        )
        members = render("request_form", {"request_type": "members-line"})
        empty = render("request_form", {})
        gone = render("request_form", {"request_type": "old-form"})
        missing = render("request_form", {"request_type": "teapots"})
    assert '<h2 class="request-card-title">Repair</h2>' in html
    assert '<p class="request-card-intro">Broken grinder? We fix it.</p>' in html
    assert '<a class="button button-primary" href="/service/request/repair/">Send a request</a>' in html
    assert "request-card-audience" not in html
    assert "<form" not in html
    assert "csrfmiddlewaretoken" not in html
    assert '<h2 class="request-card-title">Broken?</h2>' in own
    assert '<a class="button button-primary" href="/service/request/repair/">Get it fixed</a>' in own
    assert '<p class="request-card-audience">For members: log in to send it.</p>' in members
    assert '<p class="service-empty">No request form chosen yet.</p>' in empty
    assert gone.strip() == ""
    assert missing.strip() == ""
    assert not getattr(BLOCKS["request_form"].meta, "personal", False)  # cacheable for everyone


def errors_of(name, raw) -> dict:
    block = BLOCKS[name]
    with pytest.raises(ValidationError) as error:
        block.clean(block.to_python(raw))
    return {field: errors.messages for field, errors in error.value.block_errors.items()}


def test_a_block_naming_a_form_or_service_the_brand_does_not_offer_is_refused(brand, in_tenant):
    with in_tenant(brand):
        BookableServiceFactory(name="Bike fitting", slug="bike-fitting")
        BookableServiceFactory(name="Members' tasting", slug="members-tasting", members_only=True)
        assert errors_of("request_form", {"request_type": ""}) == {
            "request_type": ["Choose the request form."]
        }
        assert errors_of("request_form", {"request_type": "old-form"}) == {
            "request_type": ["There is no request form “old-form” taking requests."]
        }
        assert errors_of("request_form", {"request_type": "teapots"}) == {
            "request_type": ["There is no request form “teapots” taking requests."]
        }
        assert errors_of("book_service", {"service": "members-tasting"}) == {
            "service": [
                "“Members' tasting” is for members only; a page block shows only services anyone may book."
            ]
        }
        assert errors_of("book_service", {"service": "teapots"}) == {
            "service": ["There is no bookable service “teapots”."]
        }
        form = BLOCKS["request_form"]
        assert form.clean(form.to_python({"request_type": "question"}))["request_type"] == "question"
        booking = BLOCKS["book_service"]
        assert booking.clean(booking.to_python({"service": "bike-fitting"}))["service"] == "bike-fitting"
        assert booking.clean(booking.to_python({"service": ""}))["service"] == ""


# --- On a page: the visitor's own requests ---------------------------------------------------------


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


def test_my_requests_shows_the_customers_own_open_requests_and_visitors_a_log_in_link(brand, in_tenant):
    with in_tenant(brand):
        customer, other, staff = UserFactory(), UserFactory(), UserFactory(is_staff=True)
        repair, question = RequestType.objects.get(slug="repair"), RequestType.objects.get(slug="question")

        def send(user, subject, request_type=repair):
            return services.submit_request(request_type, subject=subject, message="Please help.", user=user)

        older = send(customer, "Grinder jams")
        newer = send(customer, "Where is my refund?", question)
        done = send(customer, "Solved already")
        services.change_ticket_status(done, Ticket.Status.CLOSED, acting_user=staff)
        send(other, "Someone else's request")
        Ticket.objects.filter(pk=older.pk).update(updated_at=dt.datetime(2030, 1, 7, 10, 5, tzinfo=dt.UTC))
    publish(brand, in_tenant, "mine", [("my_requests", {"heading": "", "count": 3})])

    visitor = Client().get("/mine/", **HOST).content.decode()
    assert '<p><a href="/accounts/login/?next=/mine/">Log in to see your requests</a></p>' in visitor
    assert "request-list" not in visitor

    html = logged_in(brand, in_tenant, customer).get("/mine/", **HOST).content.decode()
    assert "<h2>My requests</h2>" in html
    items = re.findall(
        r'<li class="request-item"><a class="request-link" href="([^"]+)"><span class="request-number">([^<]+)</span> '
        r'<span class="request-subject">([^<]+)</span></a> <span class="request-status status-(\w+)">([^<]+)</span>',
        html,
    )
    assert items == [
        (f"/account/requests/{newer.pk}/", f"#{newer.pk}", "Where is my refund?", "new", "New"),
        (f"/account/requests/{older.pk}/", f"#{older.pk}", "Grinder jams", "new", "New"),
    ]
    assert (
        '<time class="request-updated" datetime="2030-01-07T18:05:00+08:00">2030-01-07 18:05</time>' in html
    )
    assert '<p class="shelf-more"><a href="/account/requests/">All my requests</a></p>' in html
    assert "Someone else" not in html
    assert "Solved already" not in html

    newcomer = logged_in(brand, in_tenant, UserFactory()).get("/mine/", **HOST).content.decode()
    assert '<p class="service-empty">You have no open requests.</p>' in newcomer
    assert "Grinder jams" not in newcomer


# --- One service's next free times ------------------------------------------------------------------


@pytest.fixture
def at_now(monkeypatch):
    """Free times are counted from NOW (a Monday, 10:30 in Shanghai)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(dt.UTC))
    return NOW


def slot_links(html) -> list[tuple[str, str]]:
    return re.findall(r'<a class="book-slot" href="([^"]+)"><time datetime="[^"]+">([^<]+)</time></a>', html)


def test_book_a_service_shows_the_next_three_free_times_on_every_view(brand, in_tenant, at_now):
    with in_tenant(brand):
        location = LocationFactory(name="Xuhui studio")
        fitting = BookableServiceFactory(
            name="Bike fitting",
            slug="bike-fitting",
            summary="We set your bike up for you.",
            duration_minutes=90,
            price_cents=28_800,
            # Two stylists at the same place: a time both have free is offered once.
            providers=[ProviderFactory(location=location), ProviderFactory(location=location)],
        )
        BookableServiceFactory(
            name="Members' tasting", slug="members-tasting", members_only=True, sort_order=-1
        )
        customer = UserFactory()
    publish(brand, in_tenant, "visit", [("book_service", {"service": "bike-fitting", "heading": ""})])
    client = logged_in(brand, in_tenant, customer)
    html = client.get("/visit/", **HOST).content.decode()
    assert '<h2 class="book-card-title">Bike fitting</h2>' in html
    assert '<p class="book-card-summary">We set your bike up for you.</p>' in html
    assert '<span class="book-duration">1 h 30 min</span> · <span class="book-price">¥288.00</span>' in html
    # Slots start every hour from 9:00 and end by 17:00: after 10:30, 11:00 is next.
    assert slot_links(html) == [
        ("/book/bike-fitting/?day=2030-01-07", "Mon 01-07 11:00"),
        ("/book/bike-fitting/?day=2030-01-07", "Mon 01-07 12:00"),
        ("/book/bike-fitting/?day=2030-01-07", "Mon 01-07 13:00"),
    ]
    assert '<time datetime="2030-01-07T11:00:00+08:00">' in html
    assert '<a class="button button-primary" href="/book/bike-fitting/">Book</a>' in html

    # Both stylists booked at 11:00 (until 12:30): the next view (the same body, the same visitor)
    # shows what is free now, not a cached list.
    with in_tenant(brand):
        for _stylist in range(2):
            services.book_appointment(
                fitting, dt.datetime(2030, 1, 7, 11, tzinfo=SHANGHAI), user=UserFactory()
            )
    html = client.get("/visit/", **HOST).content.decode()
    assert [text for _url, text in slot_links(html)] == [
        "Mon 01-07 13:00",
        "Mon 01-07 14:00",
        "Mon 01-07 15:00",
    ]


def test_book_a_service_without_a_choice_shows_the_first_service_for_everyone(brand, in_tenant, at_now):
    with in_tenant(brand):
        BookableServiceFactory(
            name="Members' tasting", slug="members-tasting", members_only=True, sort_order=-1
        )
        closed = LocationFactory(hours=[(6, "09:00", "17:00")])  # Sundays only
        BookableServiceFactory(
            name="Latte class", slug="latte-class", providers=[ProviderFactory(location=closed)]
        )
        html = render("book_service", {"heading": "Book a visit"})
        assert "<h2>Book a visit</h2>" in html
        assert '<h3 class="book-card-title">Latte class</h3>' in html
        assert '<span class="book-duration">1 hour</span> · <span class="book-price">Free</span>' in html
        assert slot_links(html) == [
            ("/book/latte-class/?day=2030-01-13", "Sun 01-13 09:00"),
            ("/book/latte-class/?day=2030-01-13", "Sun 01-13 10:00"),
            ("/book/latte-class/?day=2030-01-13", "Sun 01-13 11:00"),
        ]
        BookableService.objects.filter(slug="latte-class").update(duration_minutes=45)
        ClosedDay.objects.create(location=closed, date=dt.date(2030, 1, 13))
        html = render("book_service", {})
        assert '<span class="book-duration">45 minutes</span>' in html
        assert '<p class="service-empty">No free times in the next seven days.</p>' in html
        assert render("book_service", {"service": "members-tasting"}).strip() == ""
        BookableService.objects.filter(slug="latte-class").update(is_active=False)
        assert '<p class="service-empty">No services to book yet.</p>' in render("book_service", {})


def test_book_a_service_costs_a_fixed_number_of_queries(brand, in_tenant, at_now):
    with in_tenant(brand):
        location = LocationFactory()
        BookableServiceFactory(slug="fitting", providers=[ProviderFactory(location=location)])
        render("book_service", {"service": "fitting"})  # the brand's time zone is read once
        with CaptureQueriesContext(connection) as captured:
            assert len(slot_links(render("book_service", {"service": "fitting"}))) == 3
        BookableService.objects.get(slug="fitting").providers.add(
            *[ProviderFactory(location=LocationFactory()) for _number in range(4)]
        )
        with CaptureQueriesContext(connection) as more:
            assert len(slot_links(render("book_service", {"service": "fitting"}))) == 3
    # The service; its providers' locations; available_slots' providers, hours, closed days and
    # appointments.
    assert len(captured) == len(more) == 6


# --- The services list ------------------------------------------------------------------------------


def test_the_services_list_shows_services_anyone_may_book_as_cards(brand, in_tenant):
    with in_tenant(brand):
        BookableServiceFactory(name="Latte class", slug="latte-class", sort_order=2, price_cents=8_800)
        BookableServiceFactory(name="Bike fitting", slug="bike-fitting", sort_order=1, duration_minutes=45)
        BookableServiceFactory(name="Members' tasting", slug="members-tasting", members_only=True)
        BookableServiceFactory(name="Retired", slug="retired", is_active=False)
        html = render("service_list", {"heading": "Book a visit", "count": 6})
        first = render("service_list", {"count": 1})
    cards = re.findall(
        r'<h3 class="card-title"><a href="([^"]+)">([^<]+)</a></h3>.*?'
        r'<span class="book-duration">([^<]+)</span> · <span class="book-price">([^<]+)</span>',
        html,
        re.S,
    )
    assert cards == [
        ("/book/bike-fitting/", "Bike fitting", "45 minutes", "Free"),
        ("/book/latte-class/", "Latte class", "1 hour", "¥88.00"),
    ]
    assert "<h2>Book a visit</h2>" in html
    assert '<p class="shelf-more"><a href="/book/">All services</a></p>' in html
    assert re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', first) == ["Bike fitting"]
    assert not getattr(BLOCKS["service_list"].meta, "personal", False)


def test_the_services_list_costs_the_same_queries_for_two_services_as_for_eight(brand, in_tenant):
    pictures = Pictures(brand)
    try:
        with in_tenant(brand):
            for _number in range(2):
                BookableServiceFactory(image=pictures.add("Service"))
            render("service_list", {"count": 12})  # renditions are made once
            with CaptureQueriesContext(connection) as captured:
                assert render("service_list", {"count": 12}).count('class="card service-card"') == 2
            for _number in range(6):
                BookableServiceFactory(image=pictures.add("Service"))
            render("service_list", {"count": 12})
            with CaptureQueriesContext(connection) as more:
                html = render("service_list", {"count": 12})
            assert html.count('class="card service-card"') == 8
            assert html.count('class="card-image"') == 8
        assert len(captured) == len(more) == 2  # the services with their pictures; the renditions
    finally:
        pictures.remove()


SERVICE_BLOCKS = ["service_entry", "request_form", "my_requests", "book_service", "service_list"]


@pytest.mark.parametrize("name", SERVICE_BLOCKS)
def test_each_block_renders_its_preview_and_an_empty_value_with_its_class(name, brand, in_tenant):
    """What the editor's block picker shows (nothing chosen or set up yet)."""
    block = BLOCKS[name]
    with in_tenant(brand):
        for raw in (block.meta.preview_value, {}):
            html = render(name, raw)
            assert f'<section class="block block-{name.replace("_", "-")} variant-light"' in html
    assert [getattr(BLOCKS[n].meta, "personal", False) for n in SERVICE_BLOCKS] == [
        False,
        False,
        True,
        True,
        False,
    ]
