"""Every appointments admin screen checks a permission: a brand editor (Wagtail's "Editors" group,
which gives admin access and nothing of the service desk) is refused until granted the one
permission a screen needs, a refused POST changes nothing, and one brand's staff never see another
brand's bookings."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from wagtail import hooks

from core.models import OutboxEvent
from service import services
from service.models import Appointment, BookableService, Evaluation, Location, Provider
from service.tests.factories import BookableServiceFactory, LocationFactory, ProviderFactory
from tests.staff import REFUSED, answer, grant, make_editor, outcome
from tests.staff import log_in as log_in_on

HOST = "svcperm.localhost"
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
APPOINTMENT_MODELS = {"appointment", "location", "provider", "bookableservice", "evaluation"}


def new_york_day(offset_days: int, hour: int) -> dt.datetime:
    day = timezone.now().astimezone(NEW_YORK).date() + dt.timedelta(days=offset_days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=NEW_YORK)


def book(service, provider, starts_at, username, *, now=None):
    user = get_user_model().objects.create_user(username, f"{username}@example.com")
    return services.book_appointment(
        service,
        starts_at,
        user=user,
        provider_id=provider.pk,
        name=username.title(),
        now=now,
        acting_user=user,
    )


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("svcperm", default_language="en").tenant
    with in_tenant(tenant):
        store = LocationFactory(name="Fifth Avenue", time_zone="America/New_York")
        ana = ProviderFactory(name="Ana", location=store)
        fitting = BookableServiceFactory(name="Bike fitting", providers=[ana])
        upcoming = book(fitting, ana, new_york_day(1, 10), "pia")
        visit = new_york_day(-1, 10)
        came = book(fitting, ana, visit, "quinn", now=visit - dt.timedelta(days=1))
        came = services.mark_appointment(came, Appointment.Status.COMPLETED, acting_user=None)
        services.evaluate_appointment(came, 5, comment="Spot on", acting_user=came.user)
        make_editor()
    return tenant, store, ana, fitting, upcoming


def log_in() -> Client:
    return log_in_on(HOST)


def admin_urls(store, ana, fitting, upcoming):
    urls = {
        "calendar": "/admin/service/calendar/",
        "calendar week": "/admin/service/calendar/week/",
        "appointment list": "/admin/service/appointments/",
        "appointment list results": "/admin/service/appointments/results/",
        "appointment page": f"/admin/service/appointments/{upcoming.pk}/",
        "move page": f"/admin/service/appointments/{upcoming.pk}/move/",
        "evaluations": "/admin/service/evaluations/",
    }
    for name, prefix, pk in (
        ("location", "locations", store.pk),
        ("provider", "providers", ana.pk),
        ("service", "services", fitting.pk),
    ):
        urls.update(
            {
                f"{name} list": f"/admin/service/{prefix}/",
                f"{name} list results": f"/admin/service/{prefix}/results/",
                f"{name} add": f"/admin/service/{prefix}/new/",
                f"{name} edit": f"/admin/service/{prefix}/edit/{pk}/",
                f"{name} delete": f"/admin/service/{prefix}/delete/{pk}/",
                f"{name} history": f"/admin/service/{prefix}/history/{pk}/",
                f"{name} usage": f"/admin/service/{prefix}/usage/{pk}/",
            }
        )
    return urls


SEE = {"calendar", "calendar week", "appointment list", "appointment list results", "appointment page"}


def crud(name: str, codename: str) -> dict:
    listing = {f"{name} list", f"{name} list results"}
    return {
        f"service.add_{codename}": {*listing, f"{name} add", f"{name} history"},
        f"service.change_{codename}": {*listing, f"{name} edit", f"{name} history", f"{name} usage"},
        f"service.delete_{codename}": {*listing, f"{name} delete", f"{name} history"},
        f"service.view_{codename}": listing,
    }


# What each permission opens on its own; every other URL answers with the refusal.
OPENS = {
    None: set(),
    "service.view_appointment": SEE,
    "service.manage_appointment": {*SEE, "move page"},
    **crud("location", "location"),
    **crud("provider", "provider"),
    **crud("service", "bookableservice"),
    "service.view_evaluation": {"evaluations"},
}


@pytest.mark.parametrize("permission", list(OPENS), ids=lambda permission: str(permission))
def test_each_screen_opens_only_with_its_permission(brand, in_tenant, permission):
    tenant, store, ana, fitting, upcoming = brand
    if permission:
        grant(in_tenant, tenant, permission)
    client = log_in()
    urls = admin_urls(store, ana, fitting, upcoming)
    answers = {name: outcome(client.get(url, HTTP_HOST=HOST)) for name, url in urls.items()}
    assert answers == {name: 200 if name in OPENS[permission] else REFUSED for name in urls}


def test_the_group_editor_offers_the_permissions_the_screens_check(brand, in_tenant):
    tenant, *_rows = brand
    with in_tenant(tenant):
        offered = {
            f"{permission.content_type.app_label}.{permission.codename}"
            for hook in hooks.get_hooks("register_permissions")
            for permission in hook()
            if permission.content_type.app_label == "service"
            and permission.content_type.model in APPOINTMENT_MODELS
        }
    assert offered == set(OPENS) - {None}


def appointments_state(in_tenant, tenant):
    with in_tenant(tenant):
        return (
            list(
                Appointment.objects.order_by("pk").values_list(
                    "status", "provider_id", "starts_at", "cancelled_at", "marked_at"
                )
            ),
            list(Location.objects.values_list("name", "is_active")),
            list(Provider.objects.values_list("name", "is_active")),
            list(BookableService.objects.values_list("name", "is_active")),
            Evaluation.objects.count(),
            OutboxEvent.objects.filter(kind__startswith="appointment.").count(),
        )


def refused_posts(store, ana, fitting, upcoming):
    slot = new_york_day(1, 14).astimezone(dt.UTC)
    page = f"/admin/service/appointments/{upcoming.pk}"
    return {
        f"{page}/complete/": {},
        f"{page}/no-show/": {},
        f"{page}/cancel/": {"reason": "Not allowed"},
        f"{page}/move/": {"slot": f"{slot.isoformat()}|{ana.pk}"},
        f"/admin/service/locations/edit/{store.pk}/": {"name": "Renamed"},
        f"/admin/service/locations/delete/{store.pk}/": {},
        f"/admin/service/providers/edit/{ana.pk}/": {"name": "Renamed", "location": store.pk},
        f"/admin/service/providers/delete/{ana.pk}/": {},
        f"/admin/service/services/edit/{fitting.pk}/": {"name": "Renamed"},
        f"/admin/service/services/delete/{fitting.pk}/": {},
        "/admin/service/locations/new/": {"name": "New"},
    }


def test_refused_posts_change_nothing(brand, in_tenant):
    """Seeing the calendar, the lists and the evaluations allows none of their changes."""
    tenant, store, ana, fitting, upcoming = brand
    before = appointments_state(in_tenant, tenant)
    grant(
        in_tenant,
        tenant,
        "service.view_appointment",
        "service.view_location",
        "service.view_provider",
        "service.view_bookableservice",
        "service.view_evaluation",
    )
    client = log_in()
    posts = refused_posts(store, ana, fitting, upcoming)
    assert {
        url: answer(client.post(url, data, HTTP_HOST=HOST)) for url, data in posts.items()
    } == dict.fromkeys(posts, REFUSED)
    assert appointments_state(in_tenant, tenant) == before

    page = client.get(f"/admin/service/appointments/{upcoming.pk}/", HTTP_HOST=HOST).content.decode()
    assert "data-appointment-action=" not in page


def test_the_actions_need_manage_and_post(brand, in_tenant):
    tenant, store, ana, fitting, upcoming = brand
    grant(in_tenant, tenant, "service.manage_appointment")
    client = log_in()
    page = client.get(f"/admin/service/appointments/{upcoming.pk}/", HTTP_HOST=HOST).content.decode()
    assert 'data-appointment-action="cancel"' in page
    assert 'data-appointment-action="reschedule"' in page
    actions = [
        f"/admin/service/appointments/{upcoming.pk}/{name}/" for name in ("complete", "no-show", "cancel")
    ]
    assert [client.get(url, HTTP_HOST=HOST).status_code for url in actions] == [405, 405, 405]

    done = client.post(actions[2], {"reason": "Closed for a burst pipe"}, HTTP_HOST=HOST)
    assert answer(done) == (302, f"/admin/service/appointments/{upcoming.pk}/")
    with in_tenant(tenant):
        upcoming.refresh_from_db()
        assert (upcoming.status, upcoming.cancelled_by_staff) == (Appointment.Status.CANCELLED, True)


def test_the_menu_shows_only_the_screens_staff_may_open(brand, in_tenant):
    tenant, *_rows = brand
    client = log_in()
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/service/" not in dashboard

    # The menu is JSON in the page (Wagtail's sidebar): each item's URL is a quoted string.
    grant(in_tenant, tenant, "service.view_evaluation")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert '"/admin/service/evaluations/"' in dashboard
    assert '"/admin/service/calendar/"' not in dashboard
    assert '"/admin/service/appointments/"' not in dashboard

    grant(in_tenant, tenant, "service.manage_appointment")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert '"/admin/service/calendar/"' in dashboard
    assert '"/admin/service/appointments/"' in dashboard
    assert '"/admin/service/locations/"' not in dashboard


def test_staff_of_one_brand_see_none_of_another_brands_bookings(brand, make_tenant, in_tenant):
    tenant, store, ana, fitting, upcoming = brand
    other = make_tenant("svcpermother", default_language="en").tenant
    with in_tenant(other):
        secret_store = LocationFactory(name="Bravo secret store", time_zone="America/New_York")
        bob = ProviderFactory(name="Bravo Bob", location=secret_store)
        secret_service = BookableServiceFactory(name="Bravo secret service", providers=[bob])
        secrets = [
            book(secret_service, bob, new_york_day(1, hour), f"bravo-secret-{hour}") for hour in (10, 11, 12)
        ]
    with in_tenant(tenant):
        ours = set(Appointment.objects.values_list("pk", flat=True))
    grant(in_tenant, tenant, "service.manage_appointment", "service.view_location", "service.view_evaluation")
    client = log_in()
    listing = client.get("/admin/service/appointments/", HTTP_HOST=HOST)
    assert {row.pk for row in listing.context["object_list"]} == ours
    day = new_york_day(1, 0).date().isoformat()
    for url in (
        "/admin/service/appointments/",
        f"/admin/service/calendar/?date={day}",
        f"/admin/service/calendar/week/?date={day}&location={secret_store.pk}",
        "/admin/service/locations/",
        "/admin/service/evaluations/",
    ):
        page = client.get(url, HTTP_HOST=HOST).content.decode()
        assert "Bravo" not in page, url
        assert not any(secret.code in page for secret in secrets), url

    only_theirs = next(secret for secret in secrets if secret.pk not in ours)
    page = f"/admin/service/appointments/{only_theirs.pk}/"
    assert client.get(page, HTTP_HOST=HOST).status_code == 404
    assert client.post(f"{page}cancel/", {"reason": "x"}, HTTP_HOST=HOST).status_code == 404
    with in_tenant(other):
        assert Appointment.objects.get(pk=only_theirs.pk).status == Appointment.Status.BOOKED
