"""Tenant isolation: pages, users, sessions, cache entries, media and console views never cross tenants."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from wagtail.models import Page

from builder.models import StandardPage
from tenants.models import Agency, Tenant


def add_about_page(tenant, in_tenant, title):
    with in_tenant(tenant):
        home = Page.objects.get(depth=2, slug="home")
        about = StandardPage(title=title, slug="about")
        home.add_child(instance=about)
        about.save_revision().publish()


def add_staff(tenant, in_tenant, password):
    with in_tenant(tenant):
        get_user_model().objects.create_user(
            "staff", "staff@example.com", password, is_staff=True, is_superuser=True
        )


def log_in(client, host, username, password):
    return client.post("/admin/login/", {"username": username, "password": password}, HTTP_HOST=host)


@pytest.fixture
def two_tenants(make_tenant, in_tenant):
    a = make_tenant("alpha", name="Alpha Tea").tenant
    b = make_tenant("bravo", name="Bravo Bikes").tenant
    add_about_page(a, in_tenant, "About Alpha")
    add_about_page(b, in_tenant, "About Bravo")
    add_staff(a, in_tenant, "alpha-secret-1")
    add_staff(b, in_tenant, "bravo-secret-2")
    return a, b


def test_each_host_serves_only_its_own_pages(two_tenants, client):
    alpha = client.get("/about/", HTTP_HOST="alpha.localhost").content.decode()
    bravo = client.get("/about/", HTTP_HOST="bravo.localhost").content.decode()

    assert '<h1 class="page-title">About Alpha</h1>' in alpha
    assert "Bravo" not in alpha
    assert '<h1 class="page-title">About Bravo</h1>' in bravo
    assert "Alpha" not in bravo


def test_same_username_is_a_different_user_in_each_tenant(two_tenants):
    client = Client()
    assert (
        log_in(client, "alpha.localhost", "staff", "bravo-secret-2").status_code == 200
    )  # form again: wrong password
    assert log_in(client, "alpha.localhost", "staff", "alpha-secret-1").status_code == 302
    assert client.get("/admin/", HTTP_HOST="alpha.localhost").status_code == 200


def test_a_session_of_tenant_a_is_not_logged_in_on_tenant_b(two_tenants):
    client = Client()
    assert log_in(client, "alpha.localhost", "staff", "alpha-secret-1").status_code == 302
    session_cookie = client.cookies["sessionid"].value

    # The same cookie presented to tenant B: B's session table has no such session.
    stolen = Client()
    stolen.cookies["sessionid"] = session_cookie
    response = stolen.get("/admin/", HTTP_HOST="bravo.localhost")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/", HTTP_HOST="alpha.localhost").status_code == 200


def test_cache_entries_are_per_tenant(two_tenants, in_tenant):
    alpha, bravo = two_tenants
    with in_tenant(alpha):
        cache.set("greeting", "alpha only")
    with in_tenant(bravo):
        assert cache.get("greeting") is None
    with in_tenant(alpha):
        assert cache.get("greeting") == "alpha only"


def test_media_of_another_tenant_is_not_served(two_tenants, client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "bravo" / "images").mkdir(parents=True)
    (tmp_path / "bravo" / "images" / "logo.txt").write_text("bravo logo")

    assert client.get("/media/bravo/images/logo.txt", HTTP_HOST="bravo.localhost").status_code == 200
    assert client.get("/media/bravo/images/logo.txt", HTTP_HOST="alpha.localhost").status_code == 404


def test_brand_admins_and_agency_staff_cannot_cross_into_each_other(two_tenants, agency):
    agency_user = get_user_model().objects.create_user("agent", "agent@example.com", "agency-pass-9")
    agency.staff.add(agency_user)

    # A tenant's admin does not exist in the console (public schema) ...
    console = Client()
    response = console.post(
        "/console/login/", {"username": "staff", "password": "alpha-secret-1"}, HTTP_HOST="localhost"
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in console.session
    # ... and agency staff do not exist in a tenant's admin.
    portal = Client()
    assert log_in(portal, "alpha.localhost", "agent", "agency-pass-9").status_code == 200
    assert portal.get("/admin/", HTTP_HOST="alpha.localhost").status_code == 302
    # Logged in to the console, the agency user is still nobody on a tenant host.
    assert (
        console.post(
            "/console/login/", {"username": "agent", "password": "agency-pass-9"}, HTTP_HOST="localhost"
        ).status_code
        == 302
    )
    assert console.get("/admin/", HTTP_HOST="alpha.localhost").status_code == 302


def test_console_shows_an_agency_only_its_own_tenants(make_tenant, client):
    north = Agency.objects.create(name="North Agency")
    south = Agency.objects.create(name="South Agency")
    north_user = get_user_model().objects.create_user("north", "n@example.com", "north-pass-1")
    north.staff.add(north_user)
    ours = make_tenant("ours", name="Ours Ltd", owner=north).tenant
    theirs = make_tenant("theirs", name="Theirs Ltd", owner=south).tenant

    client.post("/console/login/", {"username": "north", "password": "north-pass-1"}, HTTP_HOST="localhost")
    listing = client.get("/console/", HTTP_HOST="localhost")
    assert [t.name for t in listing.context["tenants"]] == ["Ours Ltd"]
    assert "Theirs Ltd" not in listing.content.decode()

    assert client.get(f"/console/tenants/{ours.pk}/", HTTP_HOST="localhost").status_code == 200
    assert client.get(f"/console/tenants/{theirs.pk}/", HTTP_HOST="localhost").status_code == 404
    response = client.post(f"/console/tenants/{theirs.pk}/suspend/", HTTP_HOST="localhost")
    assert response.status_code == 404
    assert Tenant.objects.get(pk=theirs.pk).status == "active"


def test_graphql_and_portal_urls_do_not_exist_on_the_public_host(client):
    assert client.get("/admin/", HTTP_HOST="localhost").status_code == 404
    assert connection.schema_name == "public"
