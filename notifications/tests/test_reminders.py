"""Reminders from the scheduled jobs (coupons.expiring, members.birthdays) across tenants in three
time zones: the beat's tick (tenants.tasks.tick) runs each tenant's jobs when its own local time
comes; each member gets each reminder once, in their own tenant, from their own brand; a rerun on
the same local day sends nothing; birthday wishes (a marketing kind) only to those who consented.

The clock is fixed (django.utils.timezone.now, which the tick, the jobs, the outbox and the
deliveries read) to 15 January of next year: standard time everywhere (Shanghai UTC+8, London
UTC+0, New York UTC-5), and after the real now, which the models' `default=timezone.now` columns
still read."""

import datetime as dt

import pytest
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from accounts import services as accounts
from accounts.tests.factories import customer
from core.models import JobRun
from core.outbox import deliver_due_events
from coupons import services as coupons
from coupons.tests.factories import CouponTemplateFactory
from members.models import Member, MemberLevel
from notifications import services
from notifications.models import Notification
from tenants import tasks

YEAR = dt.date.today().year + 1  # noqa: DTZ011 - only the year: any date after today will do
UTC = dt.UTC
SETUP = dt.datetime(YEAR, 1, 15, 7, 0, tzinfo=UTC)
REMINDER_KINDS = ("coupon.expiring", "member.birthday")
EXPIRING = "Your coupon expires soon: ¥5 off"
BIRTHDAY = "Happy birthday!"


@pytest.fixture
def clock(monkeypatch):
    """clock(moment): timezone.now() returns `moment` from then on."""

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_to(SETUP)
    return set_to


@pytest.fixture
def brands(make_tenant, in_tenant, clock):
    """Three brands, each with two customers born on 15 January (Mei consented to marketing, Jun
    did not), each holding a coupon that ends in two days and one that ends in ten."""
    made = {}
    for label, name, time_zone in (
        ("east", "East Tea", "Asia/Shanghai"),
        ("london", "London Coffee", "Europe/London"),
        ("west", "West Bakery", "America/New_York"),
    ):
        tenant = make_tenant(label, name=name, time_zone=time_zone, default_language="en").tenant
        with in_tenant(tenant):
            MemberLevel.objects.create(name="Member", threshold_points=0)
        for email, consent in (("mei@example.com", True), ("jun@example.com", False)):
            user = customer(tenant, email)
            with in_tenant(tenant):
                accounts.update_profile(
                    user,
                    display_name="",
                    phone="",
                    birthday=dt.date(1990, 1, 15),
                    gender="",
                    preferred_language="en",
                    marketing_consent=consent,
                    acting_user=user,
                )
        with in_tenant(tenant):
            soon = CouponTemplateFactory(name="¥5 off", valid_until=SETUP + dt.timedelta(days=2))
            later = CouponTemplateFactory(name="Free latte", valid_until=SETUP + dt.timedelta(days=10))
            for member in Member.objects.order_by("pk"):
                for template in (soon, later):
                    coupons.issue_coupon(template, member, acting_user=None)
            # What the workers do after these commits: "a coupon for you" messages go out now, so
            # only the reminders are left for the ticks.
            deliver_due_events()
            services.send_due_deliveries()
        made[label] = tenant
    connection.set_schema_to_public()
    return made


def tick_at(clock, moment) -> int:
    """One beat tick at `moment`; what the tasks queue after their commits runs too (eagerly, as
    a worker would run it), so a second send of any delivery would show."""
    clock(moment)
    with TestCase.captureOnCommitCallbacks(execute=True):
        asked = tasks.tick()
    connection.set_schema_to_public()
    return asked


def reminders(in_tenant, tenant) -> list[tuple[str, str]]:
    with in_tenant(tenant):
        return sorted(
            Notification.objects.filter(kind__in=REMINDER_KINDS).values_list("kind", "recipient__email")
        )


def sent(mailoutbox) -> list[tuple[str, str, str]]:
    """(to, from, subject) of the reminders e-mailed so far, and empties the outbox."""
    messages = sorted(
        (message.to[0], message.from_email, message.subject)
        for message in mailoutbox
        if message.subject in (EXPIRING, BIRTHDAY)
    )
    mailoutbox.clear()
    return messages


def test_each_brands_reminders_go_out_once_when_its_own_local_time_comes(
    brands, clock, in_tenant, mailoutbox
):
    east, london, west = brands["east"], brands["london"], brands["west"]
    mailoutbox.clear()

    # 10:00 UTC: 18:00 in Shanghai and 10:00 in London (birthdays from 08:00, coupons from 09:00
    # are due), 05:00 in New York (nothing due yet).
    assert tick_at(clock, dt.datetime(YEAR, 1, 15, 10, 0, tzinfo=UTC)) == 3
    for tenant in (east, london):
        assert reminders(in_tenant, tenant) == [
            ("coupon.expiring", "jun@example.com"),
            ("coupon.expiring", "mei@example.com"),
            ("member.birthday", "mei@example.com"),  # Jun did not consent to marketing
        ]
    assert reminders(in_tenant, west) == []
    assert sent(mailoutbox) == [
        ("jun@example.com", "East Tea <portal@localhost>", EXPIRING),
        ("jun@example.com", "London Coffee <portal@localhost>", EXPIRING),
        ("mei@example.com", "East Tea <portal@localhost>", BIRTHDAY),
        ("mei@example.com", "East Tea <portal@localhost>", EXPIRING),
        ("mei@example.com", "London Coffee <portal@localhost>", BIRTHDAY),
        ("mei@example.com", "London Coffee <portal@localhost>", EXPIRING),
    ]

    # The next beat, the same local day: nothing more anywhere.
    assert tick_at(clock, dt.datetime(YEAR, 1, 15, 10, 5, tzinfo=UTC)) == 3
    assert sent(mailoutbox) == []
    assert reminders(in_tenant, west) == []

    # 13:30 UTC: 08:30 in New York, birthdays are due there, coupon reminders not yet.
    tick_at(clock, dt.datetime(YEAR, 1, 15, 13, 30, tzinfo=UTC))
    assert reminders(in_tenant, west) == [("member.birthday", "mei@example.com")]
    assert sent(mailoutbox) == [("mei@example.com", "West Bakery <portal@localhost>", BIRTHDAY)]

    # 14:00 UTC: 09:00 in New York.
    tick_at(clock, dt.datetime(YEAR, 1, 15, 14, 0, tzinfo=UTC))
    assert reminders(in_tenant, west) == [
        ("coupon.expiring", "jun@example.com"),
        ("coupon.expiring", "mei@example.com"),
        ("member.birthday", "mei@example.com"),
    ]
    assert sent(mailoutbox) == [
        ("jun@example.com", "West Bakery <portal@localhost>", EXPIRING),
        ("mei@example.com", "West Bakery <portal@localhost>", EXPIRING),
    ]

    # 16 January, 01:00 UTC: 09:00 on the next local day in Shanghai. The jobs run again for that
    # day, but a coupon is reminded of once and nobody else was born on the 16th.
    tick_at(clock, dt.datetime(YEAR, 1, 16, 1, 0, tzinfo=UTC))
    assert sent(mailoutbox) == []
    for tenant in (east, london, west):
        assert len(reminders(in_tenant, tenant)) == 3
    expected_runs = {
        east: [f"{YEAR}-01-15", f"{YEAR}-01-16"],
        london: [f"{YEAR}-01-15"],
        west: [f"{YEAR}-01-15"],
    }
    for tenant, periods in expected_runs.items():
        with in_tenant(tenant):
            for job in ("coupons.expiring", "members.birthdays"):
                assert (
                    list(
                        JobRun.objects.filter(job=job, error="")
                        .order_by("period")
                        .values_list("period", flat=True)
                    )
                    == periods
                )
    connection.set_schema_to_public()


def test_a_reminder_is_written_in_its_own_tenant_for_its_own_member(brands, clock, in_tenant, mailoutbox):
    tick_at(clock, dt.datetime(YEAR, 1, 15, 14, 0, tzinfo=UTC))  # due everywhere
    for tenant in brands.values():
        with in_tenant(tenant):
            mei = Member.objects.get(user__email="mei@example.com")
            coupon = mei.coupons.get(template__name="¥5 off")
            notification = Notification.objects.get(kind="coupon.expiring", recipient=mei.user)
            assert notification.title == EXPIRING
            assert notification.body.startswith(f"Coupon {coupon.code} can be used until ")
            assert list(notification.deliveries.order_by("channel").values_list("channel", "status")) == [
                ("email", "sent"),
                ("inbox", "sent"),
            ]
    connection.set_schema_to_public()
