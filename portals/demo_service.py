"""The demo brands' service desk (development only: `make setup` seeds it through the real services).

The starter portal already set up the request types, the service entry and (Harbor) a location with
a bookable consultation; this adds a second location with staff, two more services, requests in
every status with conversations and ratings, and appointments: upcoming, completed with evaluations,
a no-show and a cancellation.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from builder.models import HomePage, StandardPage
from service import services
from service.models import (
    BookableService,
    ClosedDay,
    Location,
    OpeningHours,
    Provider,
    RequestType,
    ServiceEntrySettings,
    Team,
)

# (customer, type slug, subject, message, [(who, text, status after)], rating, comment)
# who: "staff" replies, "customer" answers, "note" is internal; the last status stays.
HARBOR_REQUESTS = [
    (
        "mei",
        "question",
        "Do you service gas boilers?",
        "Our boiler is 12 years old. Can you service it?",
        [],
        None,
        "",
    ),
    (
        "jun",
        "repair",
        "Dishwasher leaks at the door",
        "Water on the floor after every cycle since Monday.",
        [("staff", "Sorry to hear that. Could you send a photo of the door seal?", "waiting")],
        None,
        "",
    ),
    (
        "li",
        "complaint",
        "Technician arrived two hours late",
        "Nobody called to say he would be late; I took the morning off for this.",
        [
            ("note", "Route planning moved him twice that morning. Offer a voucher.", None),
            (
                "staff",
                "We are sorry. The visit is free of charge and we added a voucher to your account.",
                "open",
            ),
        ],
        None,
        "",
    ),
    (
        "fang",
        "repair",
        "Kitchen tap drips",
        "The hot tap drips all night.",
        [
            ("staff", "A technician can come on Thursday morning. Does that suit you?", "waiting"),
            ("customer", "Thursday is fine, thank you.", None),
            ("staff", "Booked. The tap washer was replaced on Thursday.", "resolved"),
        ],
        5,
        "Quick and friendly.",
    ),
    (
        "wei",
        "question",
        "Invoice for last month's cleaning",
        "Please send an invoice with our company name.",
        [("staff", "The invoice is on its way to your e-mail.", "resolved")],
        4,
        "",
    ),
    (
        "tao",
        "complaint",
        "Scratched floor after the move",
        "The movers scratched the oak floor in the hall.",
        [
            ("staff", "We will send our floor specialist to repair it at our cost.", "resolved"),
            ("staff", "Repair done on 3 November. Closing this request.", "closed"),
        ],
        3,
        "Fixed in the end, but it took two weeks.",
    ),
]

LUMEN_REQUESTS = [
    (
        "mei",
        "complaint",
        "外卖咖啡洒了",
        "今天下午的外卖订单送到时杯盖松了，洒了一半。",
        [("staff", "非常抱歉！我们已为您补发一张饮品券，请在“我的账户”查看。", "resolved")],
        5,
        "处理很快，谢谢！",
    ),
    ("jun", "question", "会员积分可以转赠吗？", "想把积分转给家人，可以吗？", [], None, ""),
    (
        "li",
        "complaint",
        "门店排队太久",
        "周六上午静安店排了二十分钟。",
        [("staff", "感谢反馈，我们周末高峰已增加一名咖啡师。", "waiting")],
        None,
        "",
    ),
]


def _admin():
    return get_user_model().objects.filter(is_superuser=True).order_by("pk").first()


def _customer(name: str):
    return get_user_model().objects.get(email=f"{name}@demo.example")


def _seed_requests(rows, admin) -> None:
    for index, (name, slug, subject, message, conversation, rating, comment) in enumerate(rows):
        customer = _customer(name)
        ticket = services.submit_request(
            RequestType.objects.get(slug=slug),
            subject=subject,
            message=message,
            user=customer,
            idempotency_key=f"demo-{index}",
        )
        for who, text, status in conversation:
            if who == "staff":
                services.reply_to_ticket(ticket, text, status=status, acting_user=admin)
            elif who == "note":
                services.add_note(ticket, text, acting_user=admin)
            else:
                services.reply_as_customer(ticket, text, acting_user=customer)
        if rating:
            services.rate_ticket(ticket, rating, comment, acting_user=customer)


def _seed_harbor_bookings(admin) -> None:
    care = Team.objects.create(name="Customer care managers")
    RequestType.objects.filter(slug="complaint").update(escalation_team=care)
    Team.objects.create(name="Field technicians")
    pudong = Location.objects.create(
        name="Harbor Service Centre, Pudong", address="88 Century Avenue, Pudong"
    )
    for weekday in range(6):
        OpeningHours.objects.create(
            location=pudong,
            sort_order=weekday,
            weekday=weekday,
            opens=dt.time(9 if weekday < 5 else 10),
            closes=dt.time(18 if weekday < 5 else 16),
        )
    ClosedDay.objects.create(
        location=pudong, date=dt.date(timezone.now().year + 1, 1, 1), name="New Year's Day"
    )
    chen = Provider.objects.create(name="Chen Jie", location=pudong, user=admin)
    sara = Provider.objects.create(name="Sara Lopez", location=pudong)
    check_up = BookableService.objects.create(
        name="Appliance check-up",
        slug="appliance-check-up",
        summary="Bring a small appliance in: we test it and tell you what a repair would cost.",
        duration_minutes=45,
        slot_step_minutes=15,
        buffer_after_minutes=15,
        price_cents=9900,
        evaluation_aspects="Expertise, Friendliness, Value for money",
        sort_order=1,
    )
    check_up.providers.set([chen, sara])
    check_up.save()
    design = BookableService.objects.create(
        name="Kitchen design consultation",
        slug="kitchen-design",
        summary="An hour with a designer: bring measurements and photos of your kitchen.",
        duration_minutes=60,
        slot_step_minutes=60,
        evaluation_aspects="Ideas, Expertise",
        sort_order=2,
    )
    design.providers.set([sara])
    design.save()
    entry = ServiceEntrySettings.load()
    entry.hours_location = pudong
    entry.save()

    now = timezone.now()
    past = now - dt.timedelta(days=10)
    customers = {name: _customer(name) for name in ("mei", "jun", "li", "fang", "wei", "tao")}

    def book(service, name, days_ahead, *, when=now):
        day = (when + dt.timedelta(days=days_ahead)).astimezone(pudong.zone()).date()
        slots = services.available_slots(service, day, day + dt.timedelta(days=6), now=when)
        slot = slots[len(slots) // 3]
        return services.book_appointment(
            service, slot.starts_at, user=customers[name], provider_id=slot.provider_id, now=when
        )

    # Upcoming visits.
    book(check_up, "mei", 2)
    book(design, "jun", 3)
    book(check_up, "fang", 5)
    book(BookableService.objects.get(slug="consultation"), "wei", 4)
    # Past visits, booked ten days ago for the days after.
    for name, service, stars, aspects, comment in [
        (
            "li",
            check_up,
            5,
            {"Expertise": 5, "Friendliness": 5, "Value for money": 4},
            "Found the fault in minutes.",
        ),
        ("tao", design, 4, {"Ideas": 5, "Expertise": 4}, "Great ideas; a bit rushed at the end."),
        ("fang", check_up, 3, {"Expertise": 4, "Friendliness": 3, "Value for money": 2}, ""),
    ]:
        visit = services.mark_appointment(book(service, name, 1, when=past), "completed", acting_user=admin)
        services.evaluate_appointment(
            visit, stars, aspects=aspects, comment=comment, acting_user=customers[name]
        )
    services.mark_appointment(book(check_up, "jun", 2, when=past), "no_show", acting_user=admin)
    services.cancel_appointment(book(design, "mei", 6), reason="", acting_user=customers["mei"])


SERVICE_BLOCK_WORDS = {
    "en": {"book": "Book a visit", "talk": "Talk to us", "complaint": "Something went wrong?"},
    "zh-hans": {"book": "预约到店", "talk": "联系我们", "complaint": "遇到问题？"},
}


def add_service_blocks(key: str) -> None:
    """Harbor's home page lists its bookable services; both brands' contact pages show the service
    entry, and Lumen's its complaint form."""
    for home in HomePage.objects.select_related("locale"):
        words = SERVICE_BLOCK_WORDS[home.locale.language_code]
        if key == "harbor":
            home.body.insert(1, ("service_list", {"heading": words["book"], "count": 3}))
            home.save_revision().publish()
        contact = StandardPage.objects.child_of(home).get(slug="contact")
        contact.body.insert(0, ("service_entry", {"heading": words["talk"], "text": ""}))
        if key != "harbor":
            contact.body.insert(
                1, ("request_form", {"request_type": "complaint", "heading": words["complaint"]})
            )
        contact.save_revision().publish()


def seed_demo_service(key: str) -> None:
    admin = _admin()
    if key == "harbor":
        _seed_harbor_bookings(admin)
        _seed_requests(HARBOR_REQUESTS, admin)
        services.submit_request(
            RequestType.objects.get(slug="question"),
            subject="Gift cards?",
            message="Do you sell gift cards for a cleaning visit?",
            name="Visitor",
            email="visitor@demo.example",
            language="en",
        )
    else:
        entry = ServiceEntrySettings.load()
        entry.wechat_id = "LumenCoffee"
        entry.save()
        _seed_requests(LUMEN_REQUESTS, admin)
    add_service_blocks(key)
