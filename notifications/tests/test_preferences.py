"""Customers choose what they are told where (/account/notifications/settings/): a switch per kind
and channel they could get it on; the inbox of a transactional kind is always on; the choices are
their own."""

import re

import pytest
from django.test import Client

from accounts.tests.factories import PASSWORD, customer
from accounts.tests.portal import log_in
from members.models import MemberLevel
from notifications import preferences, services
from notifications.models import Delivery, Notification, Preference
from notifications.tests.test_notify import set_language

HOST = "prefs.localhost"
POINTS = {"earned": True, "points": 5, "balance": 5, "reason": "Visit"}


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("prefs", default_language="en").tenant
    with in_tenant(tenant):
        MemberLevel.objects.create(name="Silver", threshold_points=0)
    return tenant


def browser_for(tenant, email) -> Client:
    browser = Client()
    response = log_in(browser, tenant, email, PASSWORD)
    assert response.status_code == 302
    return browser


def saved(in_tenant, tenant, user) -> set[tuple[str, str, bool]]:
    with in_tenant(tenant):
        return set(Preference.objects.filter(user=user).values_list("kind", "channel", "enabled"))


def test_the_page_lists_each_kind_with_its_channels_and_the_inbox_of_transactional_kinds_always_on(brand):
    customer(brand, "mei@example.com")
    page = browser_for(brand, "mei@example.com").get("/account/notifications/settings/", HTTP_HOST=HOST)
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        '<input type="checkbox" name="on" value="points.changed:inbox" checked disabled> Inbox'
        ' <span class="muted">(always sent)</span>'
    ) in html
    assert '<input type="checkbox" name="on" value="points.changed:email" checked> E-mail' in html
    # Marketing kinds: every channel can be switched off, and the customer is told to consent first.
    assert '<input type="checkbox" name="on" value="member.birthday:inbox" checked> Inbox' in html
    assert '<input type="checkbox" name="on" value="campaign:email" checked> E-mail' in html
    assert html.count('<a href="/account/profile/">Agree in your profile</a>') == 2  # birthday, campaign
    # No text-message provider is set up: nobody could get one, so there is no switch for it.
    assert ":sms" not in html
    inbox = browser_for(brand, "mei@example.com").get("/account/notifications/", HTTP_HOST=HOST)
    assert '<a href="/account/notifications/settings/">Message settings</a>' in inbox.content.decode()


def test_a_customer_who_consented_is_not_asked_to(brand):
    mei = customer(brand, "mei@example.com")
    set_language(brand, mei, "en", consent=True)
    html = browser_for(brand, "mei@example.com").get("/account/notifications/settings/", HTTP_HOST=HOST)
    assert "Agree in your profile" not in html.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(brand):
    response = Client().get("/account/notifications/settings/", HTTP_HOST=HOST)
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/account/notifications/settings/",
    )


def test_switching_email_off_for_points_means_the_next_points_message_sends_no_email(brand, in_tenant):
    mei = customer(brand, "mei@example.com")
    browser = browser_for(brand, "mei@example.com")
    page = browser.get("/account/notifications/settings/", HTTP_HOST=HOST).content.decode()
    offered = set(re.findall(r'name="on" value="([^"]+)" checked>', page))  # not the disabled ones
    assert {"points.changed:email", "level.changed:email", "campaign:inbox"} <= offered
    response = browser.post(
        "/account/notifications/settings/",
        {"on": sorted(offered - {"points.changed:email"})},
        HTTP_HOST=HOST,
    )
    assert (response.status_code, response["Location"]) == (302, "/account/notifications/settings/")
    stored = saved(in_tenant, brand, mei)
    assert ("points.changed", "email", False) in stored
    assert {row for row in stored if not row[2]} == {("points.changed", "email", False)}
    assert not any(channel == "inbox" and kind == "points.changed" for kind, channel, _on in stored)
    shown = browser.get("/account/notifications/settings/", HTTP_HOST=HOST).content.decode()
    assert "Your choices are saved." in shown
    assert '<input type="checkbox" name="on" value="points.changed:email"> E-mail' in shown

    with in_tenant(brand):
        notification = services.notify(mei, "points.changed", POINTS, idempotency_key="after-choice")
        assert list(notification.deliveries.values_list("channel", flat=True)) == ["inbox"]
        assert Delivery.objects.filter(channel="email").count() == 0
        # Other kinds still go by e-mail.
        level = services.notify(mei, "level.changed", {"level": "Gold"}, idempotency_key="level-1")
        assert sorted(level.deliveries.values_list("channel", flat=True)) == ["email", "inbox"]


def test_a_forged_post_cannot_switch_off_the_inbox_of_a_transactional_kind(brand, in_tenant):
    mei = customer(brand, "mei@example.com")
    browser = browser_for(brand, "mei@example.com")
    # Nothing ticked at all, and a made-up value for the inbox: everything else goes off.
    browser.post("/account/notifications/settings/", {"on": ["points.changed:inbox=off"]}, HTTP_HOST=HOST)
    stored = saved(in_tenant, brand, mei)
    assert ("points.changed", "email", False) in stored
    assert not any(
        channel == "inbox" and kind in {"points.changed", "balance.changed", "level.changed"}
        for kind, channel, _on in stored
    )
    with in_tenant(brand):
        # Through the service too: an inbox switch of a transactional kind is never written.
        written = preferences.set_preferences(
            mei,
            {
                ("points.changed", "inbox"): False,
                ("no.such.kind", "email"): False,
                ("points.changed", "fax"): False,
            },
            acting_user=mei,
        )
        assert written == 0
        assert not Preference.objects.filter(user=mei, channel="inbox", kind="points.changed").exists()
        notification = services.notify(mei, "points.changed", POINTS, idempotency_key="forged")
        assert notification.in_inbox is True
        assert list(notification.deliveries.values_list("channel", flat=True)) == ["inbox"]


def test_saving_leaves_another_customers_choices_untouched(brand, in_tenant):
    mei = customer(brand, "mei@example.com")
    jun = customer(brand, "jun@example.com")
    with in_tenant(brand):
        Preference.objects.create(user=jun, kind="points.changed", channel="email", enabled=True)
        Preference.objects.create(user=jun, kind="level.changed", channel="email", enabled=False)
    jun_before = saved(in_tenant, brand, jun)
    browser_for(brand, "mei@example.com").post(
        "/account/notifications/settings/", {"on": ["level.changed:email"]}, HTTP_HOST=HOST
    )
    assert (
        saved(in_tenant, brand, jun)
        == jun_before
        == {
            ("points.changed", "email", True),
            ("level.changed", "email", False),
        }
    )
    assert ("points.changed", "email", False) in saved(in_tenant, brand, mei)
    with in_tenant(brand):
        assert Notification.objects.count() == 0
