"""Members are told about their points, level and coupons: in the inbox and by e-mail, in their
language, once; their choices and consent are respected; failures are retried, then shown."""

import json

import pytest
from django.core import mail
from django.test import Client
from django_tenants.utils import schema_context

from accounts import services as accounts
from accounts.tests.factories import PASSWORD, customer
from accounts.tests.portal import log_in
from core.outbox import deliver_due_events
from members import services as loyalty
from members.models import LedgerSource, Member, MemberLevel
from notifications import channels, services
from notifications.models import (
    Delivery,
    Notification,
    NotificationSettings,
    NotificationTemplate,
    Preference,
)


@pytest.fixture
def alpha(make_tenant, in_tenant):
    tenant = make_tenant("alpha", name="Alpha Tea", default_language="en").tenant
    with in_tenant(tenant):
        MemberLevel.objects.create(name="Silver", threshold_points=0)
        MemberLevel.objects.create(name="Gold", threshold_points=1000)
    return tenant


def earn(tenant, user, points, key="earn"):
    """Points added, then what workers do after each commit (the test's transaction never commits):
    the outbox delivers the events, and the notifications' deliveries go out."""
    from django.test import TestCase

    with schema_context(tenant.schema_name):
        member = Member.objects.get(user=user)
        loyalty.add_points(
            member, points, reason="Order 1001", source=LedgerSource.ORDER, idempotency_key=key
        )
        with TestCase.captureOnCommitCallbacks(execute=True):
            deliver_due_events()


def set_language(tenant, user, language, *, consent=False):
    with schema_context(tenant.schema_name):
        accounts.update_profile(
            user,
            display_name="",
            phone="",
            birthday=None,
            gender="",
            preferred_language=language,
            marketing_consent=consent,
            acting_user=user,
        )


def test_points_and_a_new_level_reach_the_inbox_and_email_in_the_customers_language(alpha, in_tenant):
    mei = customer(alpha, "mei@example.com")
    set_language(alpha, mei, "zh-hans")
    mail.outbox.clear()
    earn(alpha, mei, 1200)

    with in_tenant(alpha):
        messages = list(
            Notification.objects.filter(recipient=mei).order_by("kind").values_list("kind", "title", "body")
        )
        assert messages == [
            (
                "level.changed",
                "恭喜您成为Gold会员",
                "您的会员等级已变为Gold。在“我的账户”中查看新等级的权益。",
            ),
            ("points.changed", "您获得了 1200 积分", "Order 1001。您现在有 1200 积分。"),
        ]
        assert set(Delivery.objects.values_list("channel", "status")) == {
            ("inbox", "sent"),
            ("email", "sent"),
        }
    assert sorted(message.subject for message in mail.outbox) == ["恭喜您成为Gold会员", "您获得了 1200 积分"]
    email = next(message for message in mail.outbox if message.subject == "您获得了 1200 积分")
    assert email.to == ["mei@example.com"]
    assert email.from_email == "Alpha Tea <portal@localhost>"
    assert "Order 1001。您现在有 1200 积分。" in email.body
    assert "http://alpha.localhost:8000/account/" in email.body
    html = email.alternatives[0][0]
    assert "background:#" in html
    assert "Order 1001。您现在有 1200 积分。" in html


def test_the_same_event_delivered_twice_notifies_once(alpha, in_tenant):
    mei = customer(alpha, "mei@example.com")
    earn(alpha, mei, 50)
    with in_tenant(alpha):
        event = __import__("core.models", fromlist=["OutboxEvent"]).OutboxEvent.objects.get(
            kind="points.changed"
        )
        services.notify_for_event(event)  # a worker that died after the first delivery
        assert Notification.objects.filter(recipient=mei, kind="points.changed").count() == 1
        assert Delivery.objects.filter(channel="email").count() == 1


def test_customers_switch_off_email_but_the_inbox_still_gets_transactional_messages(alpha, in_tenant):
    mei = customer(alpha, "mei@example.com")
    with in_tenant(alpha):
        Preference.objects.create(user=mei, kind="points.changed", channel="email", enabled=False)
        Preference.objects.create(user=mei, kind="points.changed", channel="inbox", enabled=False)
    mail.outbox.clear()
    earn(alpha, mei, 50)
    with in_tenant(alpha):
        notification = Notification.objects.get(recipient=mei, kind="points.changed")
        assert list(notification.deliveries.values_list("channel", flat=True)) == ["inbox"]
    assert mail.outbox == []


def test_marketing_messages_go_only_to_customers_who_consented(alpha, in_tenant):
    mei = customer(alpha, "mei@example.com")
    jun = customer(alpha, "jun@example.com")
    set_language(alpha, jun, "en", consent=True)
    with in_tenant(alpha):
        for user in (mei, jun):
            services.notify(user, "member.birthday", {}, idempotency_key=f"birthday:{user.pk}")
        assert list(
            Notification.objects.filter(kind="member.birthday").values_list("recipient__email", flat=True)
        ) == ["jun@example.com"]


def test_staff_wording_replaces_the_built_in_one_and_bad_wording_is_refused(alpha, in_tenant):
    mei = customer(alpha, "mei@example.com")
    with in_tenant(alpha):
        NotificationTemplate.objects.create(
            kind="points.changed",
            language="en",
            title="+{{ points }} at Alpha",
            body="Thanks! {{ balance }} in all.",
        )
        assert services.check_wording("{% if %}", "x", {}) is not None
        assert services.check_wording("{{ points }}", "{{ balance }}", {"points": 1}) is None
    earn(alpha, mei, 30)
    with in_tenant(alpha):
        assert Notification.objects.filter(recipient=mei, kind="points.changed").values_list(
            "title", "body"
        ).get() == (
            "+30 at Alpha",
            "Thanks! 30 in all.",
        )


class BrokenProvider:
    calls = 0

    def send(self, **message):
        BrokenProvider.calls += 1
        raise channels.ProviderError("gateway timeout")


def test_a_failing_provider_is_retried_then_shown_as_failed_and_a_sent_message_is_never_sent_again(
    alpha, in_tenant, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    mei = customer(alpha, "mei@example.com", phone="13800138000")
    monkeypatch.setitem(channels.PROVIDERS, "broken", BrokenProvider())
    BrokenProvider.calls = 0
    with in_tenant(alpha):
        from wagtail.models import Site

        settings = NotificationSettings.for_site(Site.objects.get())
        settings.sms_provider = "broken"
        settings.save()
        notification = services.notify(
            mei,
            "points.changed",
            {"earned": True, "points": 5, "balance": 5, "reason": "Visit"},
            idempotency_key="sms-1",
            channels=["inbox", "sms"],
        )
        sms = notification.deliveries.get(channel="sms")
        later = timezone.now()
        for _ in range(services.MAX_ATTEMPTS + 2):
            later += timedelta(hours=2)
            services.send_delivery(sms.pk, now=later)
        sms.refresh_from_db()
        assert (sms.status, sms.attempts, sms.last_error) == ("failed", 5, "ProviderError: gateway timeout")
        assert sms.address == "+8613800138000"
        assert BrokenProvider.calls == 5
        inbox = notification.deliveries.get(channel="inbox")
        assert services.send_delivery(inbox.pk) is None  # sent already: never again


def test_the_inbox_page_badge_and_mark_read(alpha, in_tenant):
    mei = customer(alpha, "mei@example.com")
    jun = customer(alpha, "jun@example.com")
    earn(alpha, mei, 50, key="a")
    earn(alpha, mei, 20, key="b")
    earn(alpha, jun, 10, key="c")
    browser = Client()
    log_in(browser, alpha, "mei@example.com", PASSWORD)
    page = browser.get("/account/notifications/", HTTP_HOST="alpha.localhost").content.decode()
    assert page.count('class="inbox-message unread"') == 2
    assert "You earned 20 points" in page
    assert "You earned 10 points" not in page
    home = browser.get("/", HTTP_HOST="alpha.localhost").content.decode()
    assert (
        '<span class="inbox-label visually-hidden-narrow">Messages</span> <span class="badge">2<span' in home
    )

    with in_tenant(alpha):
        first = Notification.objects.filter(recipient=mei).order_by("pk").first()
        others = Notification.objects.get(recipient=jun)
    opened = browser.post(f"/account/notifications/{first.pk}/open/", HTTP_HOST="alpha.localhost")
    assert (opened.status_code, opened["Location"]) == (302, "/account/")
    assert (
        browser.post(f"/account/notifications/{others.pk}/open/", HTTP_HOST="alpha.localhost").status_code
        == 404
    )
    browser.post("/account/notifications/read-all/", HTTP_HOST="alpha.localhost")
    with in_tenant(alpha):
        assert Notification.objects.filter(recipient=mei, read_at__isnull=True).count() == 0
        assert Notification.objects.get(pk=others.pk).read_at is None
    home = browser.get("/", HTTP_HOST="alpha.localhost").content.decode()
    assert '<span class="inbox-label visually-hidden-narrow">Messages</span></a>' in home


def test_graphql_viewer_notifications_and_unread_count(alpha, in_tenant):
    mei = customer(alpha, "mei@example.com")
    for number in range(3):
        earn(alpha, mei, 10 + number, key=f"e{number}")
    browser = Client()
    log_in(browser, alpha, "mei@example.com", PASSWORD)

    def ask(query):
        response = browser.post(
            "/graphql/",
            json.dumps({"query": query}),
            content_type="application/json",
            HTTP_HOST="alpha.localhost",
        )
        return response.json()["data"]["viewer"]

    first = ask(
        "{ viewer { unreadCount notifications(first: 2) { items { title read } endCursor hasNextPage } } }"
    )
    assert first["unreadCount"] == 3
    assert [item["title"] for item in first["notifications"]["items"]] == [
        "You earned 12 points",
        "You earned 11 points",
    ]
    assert first["notifications"]["hasNextPage"] is True
    cursor = first["notifications"]["endCursor"]
    rest = ask(
        f'{{ viewer {{ notifications(first: 2, after: "{cursor}") {{ items {{ title }} hasNextPage }} }} }}'
    )
    assert rest["notifications"] == {"items": [{"title": "You earned 10 points"}], "hasNextPage": False}


def test_one_tenants_messages_never_show_on_another(alpha, make_tenant, in_tenant):
    bravo = make_tenant("bravo", default_language="en").tenant
    with in_tenant(bravo):
        MemberLevel.objects.create(name="Member", threshold_points=0)
    mei = customer(alpha, "mei@example.com")
    customer(bravo, "mei@example.com")  # same address, another brand
    earn(alpha, mei, 70)
    browser = Client()
    log_in(browser, bravo, "mei@example.com", PASSWORD)
    page = browser.get("/account/notifications/", HTTP_HOST="bravo.localhost").content.decode()
    assert "70 points" not in page
    with in_tenant(bravo):
        assert Notification.objects.count() == 0
