"""Every events admin screen checks a permission: a brand editor (Wagtail's "Editors" group, which
gives admin access and nothing of events) is refused until granted the one permission a screen
needs, and a refused POST changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail import hooks

from core.models import OutboxEvent
from events import services
from events.models import Campaign, DailyCheckInSettings, Event, EventSession, Prize, Registration
from events.tests.factories import CampaignFactory, EventFactory
from members.tests.factories import MemberFactory
from tests.staff import REFUSED, answer, grant, make_editor, outcome
from tests.staff import log_in as log_in_on

HOST = "evperm.localhost"


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("evperm", default_language="en").tenant
    with in_tenant(tenant):
        event = EventFactory(title="Latte art workshop", sessions=[{"capacity": 5}])
        place = services.sign_up(MemberFactory(), event.sessions.get())
        campaign = CampaignFactory(
            title="Bring a friend",
            goals=[{"friends": 1, "points": 0, "draws": 1}],
            prizes=[{"name": "Mug", "quantity": 5, "chance": 1}],
        )
        inviter = MemberFactory()
        services.record_invitation(
            campaign, inviter, get_user_model().objects.create_user("lin", "lin@example.com")
        )
        services.draw(campaign, inviter)
        settings_pk = DailyCheckInSettings.load().pk  # the Settings → Daily check-in screen edits this row
        make_editor()
    return tenant, event, place, campaign, settings_pk


def log_in() -> Client:
    return log_in_on(HOST)


def admin_urls(event, campaign, settings_pk):
    return {
        "event list": "/admin/events/",
        "event list results": "/admin/events/results/",
        "event add": "/admin/events/new/",
        "event edit": f"/admin/events/edit/{event.pk}/",
        "event delete": f"/admin/events/delete/{event.pk}/",
        "event history": f"/admin/events/history/{event.pk}/",
        "event usage": f"/admin/events/usage/{event.pk}/",
        "attendance": f"/admin/events/{event.pk}/attendance/",
        "registrations csv": f"/admin/events/{event.pk}/attendance/csv/",
        "cancel event": f"/admin/events/{event.pk}/cancel/",
        "tell attendees": f"/admin/events/{event.pk}/announce/",
        "check-in desk": f"/admin/events/{event.pk}/desk/",
        "desk counts": f"/admin/events/{event.pk}/desk/counts/",
        "campaign list": "/admin/events/campaigns/",
        "campaign list results": "/admin/events/campaigns/results/",
        "campaign add": "/admin/events/campaigns/new/",
        "campaign edit": f"/admin/events/campaigns/edit/{campaign.pk}/",
        "campaign delete": f"/admin/events/campaigns/delete/{campaign.pk}/",
        "campaign history": f"/admin/events/campaigns/history/{campaign.pk}/",
        "campaign usage": f"/admin/events/campaigns/usage/{campaign.pk}/",
        "invitations and draws": f"/admin/events/campaigns/{campaign.pk}/report/",
        "daily check-in settings": f"/admin/settings/events/dailycheckinsettings/{settings_pk}/",
    }


EVENT_LIST = {"event list", "event list results"}
CAMPAIGN_LIST = {"campaign list", "campaign list results"}

# What each permission opens on its own; every other URL answers with the refusal.
OPENS = {
    None: set(),
    "events.view_event": {*EVENT_LIST, "attendance", "registrations csv"},
    "events.add_event": {*EVENT_LIST, "event add", "event history"},
    "events.change_event": {
        *EVENT_LIST,
        "event edit",
        "event history",
        "event usage",
        "cancel event",
        "tell attendees",
    },
    "events.delete_event": {*EVENT_LIST, "event delete", "event history"},
    "events.check_in_attendee": {*EVENT_LIST, "check-in desk", "desk counts"},
    "events.view_campaign": {*CAMPAIGN_LIST, "invitations and draws"},
    "events.add_campaign": {*CAMPAIGN_LIST, "campaign add", "campaign history"},
    "events.change_campaign": {*CAMPAIGN_LIST, "campaign edit", "campaign history", "campaign usage"},
    "events.delete_campaign": {*CAMPAIGN_LIST, "campaign delete", "campaign history"},
    "events.change_dailycheckinsettings": {"daily check-in settings"},
}


@pytest.mark.parametrize("permission", list(OPENS), ids=lambda permission: str(permission))
def test_each_screen_opens_only_with_its_permission(brand, in_tenant, permission):
    tenant, event, _place, campaign, settings_pk = brand
    if permission:
        grant(in_tenant, tenant, permission)
    client = log_in()
    urls = admin_urls(event, campaign, settings_pk)
    answers = {name: outcome(client.get(url, HTTP_HOST=HOST)) for name, url in urls.items()}
    assert answers == {name: 200 if name in OPENS[permission] else REFUSED for name in urls}


def test_the_group_editor_offers_the_permissions_the_screens_check(brand, in_tenant):
    tenant, *_rows = brand
    with in_tenant(tenant):
        offered = {
            f"{permission.content_type.app_label}.{permission.codename}"
            for hook in hooks.get_hooks("register_permissions")
            for permission in hook()
            if permission.content_type.app_label == "events"
        }
    assert offered == set(OPENS) - {None}


def events_state(in_tenant, tenant):
    with in_tenant(tenant):
        return (
            list(Event.objects.values_list("title", "cancelled_at")),
            list(EventSession.objects.values_list("capacity", "registered")),
            list(Registration.objects.values_list("status", "checked_in_at")),
            list(Campaign.objects.values_list("title", flat=True)),
            list(Prize.objects.values_list("name", "quantity", "given")),
            OutboxEvent.objects.filter(kind__startswith="event.").count(),
            list(DailyCheckInSettings.objects.values_list("enabled", "points_per_day")),
        )


def refused_posts(event, place, campaign, settings_pk):
    return {
        f"/admin/events/edit/{event.pk}/": {"title": "Renamed", "sessions-TOTAL_FORMS": "0"},
        f"/admin/events/delete/{event.pk}/": {},
        f"/admin/events/{event.pk}/cancel/": {"reason": "Not allowed"},
        f"/admin/events/{event.pk}/announce/": {"what": "Not allowed"},
        f"/admin/events/{event.pk}/desk/": {"code": place.ticket_code},
        "/admin/events/new/": {"title": "New", "slug": "new"},
        f"/admin/events/campaigns/edit/{campaign.pk}/": {"title": "Renamed"},
        f"/admin/events/campaigns/delete/{campaign.pk}/": {},
        f"/admin/settings/events/dailycheckinsettings/{settings_pk}/": {"points_per_day": "999"},
    }


def test_refused_posts_change_nothing(brand, in_tenant):
    """Seeing events and campaigns allows none of their changes, check-ins or settings."""
    tenant, event, place, campaign, settings_pk = brand
    before = events_state(in_tenant, tenant)
    grant(in_tenant, tenant, "events.view_event", "events.view_campaign")
    client = log_in()
    posts = refused_posts(event, place, campaign, settings_pk)
    assert {
        url: answer(client.post(url, data, HTTP_HOST=HOST)) for url, data in posts.items()
    } == dict.fromkeys(posts, REFUSED)
    assert events_state(in_tenant, tenant) == before


def test_desk_staff_check_in_and_nothing_else(brand, in_tenant):
    tenant, event, place, campaign, settings_pk = brand
    grant(in_tenant, tenant, "events.check_in_attendee")
    client = log_in()
    listing = client.get("/admin/events/", HTTP_HOST=HOST).content.decode()
    assert f"/admin/events/{event.pk}/desk/" in listing
    assert f"/admin/events/edit/{event.pk}/" not in listing
    assert f"/admin/events/{event.pk}/attendance/" not in listing
    assert f"/admin/events/{event.pk}/cancel/" not in listing

    posts = refused_posts(event, place, campaign, settings_pk)
    del posts[f"/admin/events/{event.pk}/desk/"]
    before = events_state(in_tenant, tenant)
    assert {
        url: answer(client.post(url, data, HTTP_HOST=HOST)) for url, data in posts.items()
    } == dict.fromkeys(posts, REFUSED)
    assert events_state(in_tenant, tenant) == before

    scanned = client.post(f"/admin/events/{event.pk}/desk/", {"code": place.ticket_code}, HTTP_HOST=HOST)
    assert scanned.context["result"]["message"] == "Checked in."
    with in_tenant(tenant):
        assert Registration.objects.get(pk=place.pk).checked_in_by.username == "editor"


def test_staff_who_may_change_events_cancel_them(brand, in_tenant):
    tenant, event, place, _campaign, _settings_pk = brand
    grant(in_tenant, tenant, "events.change_event")
    client = log_in()
    listing = client.get("/admin/events/", HTTP_HOST=HOST).content.decode()
    assert f"/admin/events/{event.pk}/cancel/" in listing
    assert f"/admin/events/{event.pk}/desk/" not in listing
    done = client.post(f"/admin/events/{event.pk}/cancel/", {"reason": "Rain"}, HTTP_HOST=HOST)
    assert answer(done) == (302, "/admin/events/")
    with in_tenant(tenant):
        assert Registration.objects.get(pk=place.pk).status == "cancelled"
        assert Event.objects.get(pk=event.pk).cancelled_at is not None


def test_daily_check_in_settings_need_their_permission(brand, in_tenant):
    tenant, _event, _place, _campaign, settings_pk = brand
    client = log_in()
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/settings/events/dailycheckinsettings/" not in dashboard
    url = f"/admin/settings/events/dailycheckinsettings/{settings_pk}/"
    data = {"enabled": "on", "points_per_day": "8", "streak_bonuses": "3:10, 7:50", "cycle_days": "7"}
    assert answer(client.post(url, data, HTTP_HOST=HOST)) == REFUSED
    with in_tenant(tenant):
        assert DailyCheckInSettings.objects.values_list("points_per_day", "streak_bonuses").get() == (
            5,
            "7:50",
        )

    grant(in_tenant, tenant, "events.change_dailycheckinsettings")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/settings/events/dailycheckinsettings/" in dashboard
    assert answer(client.post(url, data, HTTP_HOST=HOST)) == (302, url)
    with in_tenant(tenant):
        assert DailyCheckInSettings.objects.values_list("points_per_day", "streak_bonuses").get() == (
            8,
            "3:10, 7:50",
        )


def test_the_menu_shows_only_the_screens_staff_may_open(brand, in_tenant):
    tenant, *_rows = brand
    client = log_in()
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/events/" not in dashboard

    # The menu is JSON in the page (Wagtail's sidebar): each item's URL is a quoted string.
    grant(in_tenant, tenant, "events.view_campaign")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert '"/admin/events/campaigns/"' in dashboard
    assert '"/admin/events/"' not in dashboard

    grant(in_tenant, tenant, "events.check_in_attendee")  # desk staff find their event in the list
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert '"/admin/events/"' in dashboard


def test_staff_of_one_brand_see_none_of_another_brands_events(brand, make_tenant, in_tenant):
    tenant, event, _place, campaign, _settings_pk = brand
    other = make_tenant("evpermother", default_language="en").tenant
    with in_tenant(other):
        secret = EventFactory(title="Bravo secret tasting")
        secret_place = services.sign_up(MemberFactory(), secret.sessions.get())
        CampaignFactory(title="Bravo secret campaign")
    grant(in_tenant, tenant, "events.view_event", "events.view_campaign", "events.check_in_attendee")
    client = log_in()
    events = client.get("/admin/events/", HTTP_HOST=HOST)
    assert [row.pk for row in events.context["object_list"]] == [event.pk]
    assert "Bravo secret" not in events.content.decode()
    campaigns = client.get("/admin/events/campaigns/", HTTP_HOST=HOST)
    assert [row.pk for row in campaigns.context["object_list"]] == [campaign.pk]
    assert "Bravo secret" not in campaigns.content.decode()
    scanned = client.post(
        f"/admin/events/{event.pk}/desk/", {"code": secret_place.ticket_code}, HTTP_HOST=HOST
    )
    assert scanned.context["result"] == {
        "ok": False,
        "message": f"No ticket with the code {secret_place.ticket_code}.",
    }
    with in_tenant(other):
        assert Registration.objects.get(pk=secret_place.pk).checked_in_at is None
