"""The demo brands' events, daily check-in and invite campaign (development only: `make setup`
seeds them through the real services)."""

import datetime as dt

from django.utils import timezone

from builder.models import Navigation
from coupons.models import CouponTemplate
from coupons.services import save_coupon_template
from events import services as events
from events.models import (
    Campaign,
    CampaignGoal,
    DailyCheckInSettings,
    Event,
    EventQuestion,
    EventSession,
    Prize,
)
from members.models import Member, MemberLevel
from portals.starter_portals import link

# (title, summary, kind, venue, address, [(days from now, hour, hours long, seats)], extra)
LUMEN_EVENTS = [
    (
        "拉花体验课",
        "跟咖啡师学做心形与郁金香拉花，提供咖啡与奶。",
        "offline",
        "静安店",
        "南京西路 1266 号",
        [(3, 14, 2, 8), (10, 14, 2, 8)],
        {"points_price": 200, "checkin_points": 50, "question": ("饮食需求", "无, 乳糖不耐, 素食")},
    ),
    (
        "新豆杯测会",
        "一次品尝六款当季新豆，黑卡会员专享。",
        "offline",
        "徐汇店",
        "天钥桥路 133 号",
        [(6, 19, 2, 12)],
        {"levels": ["黑卡"], "checkin_points": 100},
    ),
    (
        "在线手冲课",
        "在家用手冲壶冲一杯好咖啡：水温、粉水比与注水节奏。",
        "online",
        "",
        "",
        [(8, 20, 1, 200)],
        {},
    ),
]
HARBOR_EVENTS = [
    (
        "Home safety check day",
        "Our electricians check sockets, breakers and smoke alarms for free.",
        "offline",
        "Harbor front desk",
        "18 Harbour Road",
        [(4, 10, 6, 30)],
        {"checkin_points": 50, "question": ("Home size", "Flat, House")},
    ),
    (
        "Spring cleaning workshop",
        "Professional tricks for kitchens and bathrooms, with a free cloth pack.",
        "offline",
        "Harbor front desk",
        "18 Harbour Road",
        [(7, 15, 2, 2)],
        {"points_price": 100},
    ),
    (
        "Ask a plumber (online)",
        "Bring your leaks and drips; a plumber answers live.",
        "online",
        "",
        "",
        [(9, 19, 1, 100)],
        {},
    ),
]
DEMO_EVENTS = {"lumen": LUMEN_EVENTS, "harbor": HARBOR_EVENTS}

CAMPAIGN_WORDS = {
    "lumen": (
        "邀请好友喝咖啡",
        "好友注册即算一位：邀请 1 位得 50 积分，3 位再得一张优惠券和两次抽奖。",
        "免费拿铁券",
        "流明帆布袋",
        "流明马克杯",
    ),
    "harbor": (
        "Invite a neighbour",
        "Each friend who signs up counts: 1 friend earns 50 points, 3 friends a coupon and two draws.",
        "¥30 off a cleaning",
        "Harbor tote bag",
        "Deep-clean kit",
    ),
}


def seed_demo_events(key: str) -> None:
    """Upcoming events with seats taken, the daily check-in, and a running invite campaign."""
    now = timezone.now()
    levels = {level.name: level for level in MemberLevel.objects.all()}
    members = list(Member.objects.order_by("pk"))
    for index, (title, summary, kind, venue, address, sessions, extra) in enumerate(DEMO_EVENTS[key]):
        event = Event(
            title=title,
            slug=f"{key}-event-{index + 1}",
            summary=summary,
            description=[("text", f"<p>{summary}</p>")],
            kind=kind,
            venue=venue,
            address=address,
            online_url="https://meeting.example/demo" if kind == "online" else "",
            points_price=extra.get("points_price"),
            checkin_points=extra.get("checkin_points", 0),
            audience="levels" if "levels" in extra else "everyone",
        )
        event.full_clean()
        event.save()
        event.levels.set([levels[name] for name in extra.get("levels", [])])
        event.save()
        if "question" in extra:
            EventQuestion.objects.create(
                event=event, label=extra["question"][0], choices=extra["question"][1]
            )
        for position, (days, hour, hours, seats) in enumerate(sessions):
            start = timezone.localtime(now + dt.timedelta(days=days)).replace(
                hour=hour, minute=0, second=0, microsecond=0
            )
            EventSession.objects.create(
                event=event,
                sort_order=position,
                starts_at=start,
                ends_at=start + dt.timedelta(hours=hours),
                capacity=seats,
            )
    # A few demo customers already have places (the first session of the first two events).
    for event in Event.objects.filter(audience="everyone").order_by("pk")[:2]:
        session = event.sessions.order_by("starts_at").first()
        for member in members[:3]:
            try:
                events.sign_up(member, session)
            except events.EventError:
                continue  # not enough points for a points-priced event
    check_in = DailyCheckInSettings.load()
    check_in.points_per_day, check_in.streak_bonuses, check_in.cycle_days = 5, "3:10, 7:50", 7
    check_in.save()
    title, summary, coupon_name, first_prize, second_prize = CAMPAIGN_WORDS[key]
    coupon = save_coupon_template(
        CouponTemplate(
            name=coupon_name,
            kind="fixed",
            amount_cents=3000,
            valid_from=now,
            valid_until=now + dt.timedelta(days=120),
        ),
        acting_user=None,
    )
    campaign = Campaign.objects.create(
        title=title,
        slug=f"{key}-invite",
        summary=summary,
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=60),
        no_prize_chance=2,
    )
    CampaignGoal.objects.create(campaign=campaign, friends=1, points=50, sort_order=0)
    CampaignGoal.objects.create(
        campaign=campaign, friends=3, points=100, coupon=coupon, draws=2, sort_order=1
    )
    Prize.objects.create(campaign=campaign, name=first_prize, quantity=20, chance=3, sort_order=0)
    Prize.objects.create(campaign=campaign, name=second_prize, quantity=5, chance=1, points=0, sort_order=1)
    # The first demo customer has invited the others: three counted friends, one draw made.
    if len(members) >= 4:
        for friend in members[1:4]:
            events.record_invitation(campaign, members[0], friend.user, now=now)
        events.draw(campaign, members[0])
    add_events_to_menus()


EVENTS_WORDS = {"en": "Events", "zh-hans": "活动"}


def add_events_to_menus() -> None:
    for navigation in Navigation.objects.select_related("locale"):
        if any(item.value["url"] == "/events/" for item in navigation.menu):
            continue
        text = EVENTS_WORDS.get(navigation.locale.language_code, EVENTS_WORDS["en"])
        navigation.menu.insert(2, ("item", {**link(url="/events/", text=text), "children": []}))
        navigation.save()
