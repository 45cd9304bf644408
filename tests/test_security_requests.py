"""Requests: cached pages keep their security headers, host names are read the way DNS reads them,
a suspension reaches every process within seconds without Redis, bad ids in URLs are 404s, and the
development server does not hoard database connections."""

import os
import re
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache.backends import locmem
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver

from accounts.models import CustomerToken
from accounts.tests.factories import PASSWORD, customer
from members.tests.factories import MemberFactory
from tenants import hosts, services

SECURITY_HEADERS = (
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


# --- Cached pages ------------------------------------------------------------------------------


def test_a_cached_page_has_the_same_headers_as_the_page_it_was_cached_from(make_tenant, client):
    make_tenant("lumen")
    miss = client.get("/", HTTP_HOST="lumen.localhost")
    with CaptureQueriesContext(connection) as queries:
        hit = client.get("/", HTTP_HOST="lumen.localhost")

    assert (miss["X-Portal-Cache"], hit["X-Portal-Cache"]) == ("miss", "hit")
    assert len(queries) == 0
    assert {name: hit.get(name) for name in SECURITY_HEADERS} == {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    ignored = {"X-Portal-Cache", "Content-Length"}
    assert {k: v for k, v in hit.items() if k not in ignored} == {
        k: v for k, v in miss.items() if k not in ignored
    }
    assert hit.content == miss.content


# --- Host names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["lumen.localhost.", "LUMEN.localhost.", "lumen.localhost.:8000", "www.lumen.localhost."]
)
def test_a_host_with_the_trailing_dot_is_the_same_host(make_tenant, host):
    make_tenant("lumen", name="Lumen Coffee")
    response = Client().get("/", HTTP_HOST=host)
    assert response.status_code == 200
    assert "Lumen Coffee" in response.content.decode()


def test_the_public_host_with_the_trailing_dot_is_the_console(db):
    response = Client().get("/console/", HTTP_HOST="localhost.")
    assert (response.status_code, response["Location"]) == (302, "/console/login/?next=/console/")


# --- Tenant status without Redis -------------------------------------------------------------------


class Clock:
    """Moves local-memory caches' idea of now (expiry checks read locmem's `time.time`)."""

    def __init__(self):
        self.offset = 0.0

    def time(self):
        return time.time() + self.offset


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(locmem, "time", fake)
    return fake


@pytest.fixture
def two_processes(monkeypatch):
    """Two local-memory caches, as two web processes without Redis have; `use(name)` makes the
    host lookups (and `forget`) run against that process's cache."""
    caches = {
        name: LocMemCache(f"process-{name}", {"KEY_FUNCTION": "django_tenants.cache.make_key"})
        for name in ("a", "b")
    }
    for cache in caches.values():
        cache.clear()

    def use(name):
        monkeypatch.setattr(hosts, "cache", caches[name])

    yield use
    for cache in caches.values():
        cache.clear()


def test_without_redis_a_suspension_reaches_another_process_within_seconds(
    make_tenant, two_processes, clock, django_capture_on_commit_callbacks
):
    tenant = make_tenant("lumen", name="Lumen Coffee").tenant
    browser = Client()
    for process in ("a", "b"):
        two_processes(process)
        assert browser.get("/account/", HTTP_HOST="lumen.localhost").status_code == 302  # cached: active

    two_processes("a")  # the console's request ran in process a: its cache is cleared
    with django_capture_on_commit_callbacks(execute=True):
        services.suspend_tenant(tenant)
    assert browser.get("/account/", HTTP_HOST="lumen.localhost").status_code == 503

    two_processes("b")  # process b still holds the active tenant ...
    assert browser.get("/account/", HTTP_HOST="lumen.localhost").status_code == 302
    clock.offset = 6  # ... for a few seconds only (TENANT_HOST_LOCAL_CACHE_SECONDS)
    assert browser.get("/account/", HTTP_HOST="lumen.localhost").status_code == 503


def test_a_host_seen_before_its_tenant_existed_works_within_seconds_everywhere(
    make_tenant, two_processes, clock
):
    two_processes("b")
    assert Client().get("/", HTTP_HOST="late.localhost").status_code == 404  # remembered as unknown
    two_processes("a")
    make_tenant("late")  # provisioning forgets the host in its own process only (on commit)

    two_processes("b")
    assert Client().get("/", HTTP_HOST="late.localhost").status_code == 404
    clock.offset = 6  # TENANT_UNKNOWN_HOST_CACHE_SECONDS
    assert Client().get("/", HTTP_HOST="late.localhost").status_code == 200


def test_how_long_a_host_lookup_is_kept_depends_on_whether_the_cache_is_shared(make_tenant, settings):
    tenant = make_tenant("lumen").tenant
    assert hosts.cache_is_shared() is False  # the tests' cache is local memory
    assert hosts.seconds_to_keep(tenant) == 5
    assert hosts.seconds_to_keep(None) == 5

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    assert hosts.cache_is_shared() is True
    assert hosts.seconds_to_keep(tenant) == 300  # services' forget() reaches every process
    assert hosts.seconds_to_keep(None) == 5


def test_log_in_and_api_tokens_read_the_status_again_when_another_process_suspended_the_tenant(
    make_tenant, in_tenant
):
    tenant = make_tenant("lumen", name="Lumen Coffee").tenant
    with in_tenant(tenant):
        customer(tenant, "mei@example.com")
        admin = get_user_model().objects.get(username="admin@lumen.example")
        admin.set_password("admin-pass-1")
        admin.save()
    browser = Client()
    assert browser.get("/accounts/login/", HTTP_HOST="lumen.localhost").status_code == 200  # cached

    # Suspended by another process: its forget() never reaches this process's cache.
    services.suspend_tenant(tenant)
    assert browser.get("/accounts/login/", HTTP_HOST="lumen.localhost").status_code == 200  # stale
    for url, data in [
        ("/accounts/login/", {"login": "mei@example.com", "password": PASSWORD}),
        ("/account/api-token/", {"login": "mei@example.com", "password": PASSWORD}),
        ("/admin/login/", {"username": "admin@lumen.example", "password": "admin-pass-1"}),
    ]:
        refused = Client().post(url, data, HTTP_HOST="lumen.localhost")
        assert refused.status_code == 503, url
        assert "Lumen Coffee is temporarily unavailable" in refused.content.decode()
    with in_tenant(tenant):
        assert CustomerToken.objects.count() == 0
    # The check also forgot the stale entry: the next request of any kind sees the suspension.
    assert browser.get("/", HTTP_HOST="lumen.localhost").status_code == 503


def test_an_active_tenants_log_in_still_works_with_one_more_query(make_tenant, in_tenant):
    tenant = make_tenant("lumen").tenant
    with in_tenant(tenant):
        customer(tenant, "mei@example.com")
    response = Client().post(
        "/account/api-token/", {"login": "mei@example.com", "password": PASSWORD}, HTTP_HOST="lumen.localhost"
    )
    assert response.status_code == 200
    assert response.json()["token_type"] == "Bearer"


# --- Bad ids in admin URLs -----------------------------------------------------------------------


def admin_routes_taking_any_text_as_an_id():
    """Every admin URL pattern whose object id is not limited to digits by its converter."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return sorted(
        route
        for route in walk(get_resolver("config.urls_tenants").url_patterns)
        if route.startswith("admin/") and re.search(r"(?<!\?P)<(str:)?(pk|object_id)>", route)
    )


# Values for the other parts of those URLs: a real model, a session id.
OTHER_URL_PARTS = {"app_label": "members", "model_name": "member", "session_id": "1"}


def with_a_bad_id(route: str) -> str:
    def fill(match):
        name = match.group(2)
        if name in ("pk", "object_id"):
            return "abc"
        assert name in OTHER_URL_PARTS, f"{route}: add a value for <{name}> to OTHER_URL_PARTS"
        return OTHER_URL_PARTS[name]

    return "/" + re.sub(r"<(\w+:)?(\w+)>", fill, route)


def test_a_bad_id_in_any_admin_url_is_a_404(make_tenant, in_tenant):
    """Every admin URL whose id any text fits (found in the URL conf, so a new one is covered the day
    it is added): GET, or POST where GET is not allowed, as the brand's superuser."""
    tenant = make_tenant("lumen").tenant
    client = Client(raise_request_exception=False)
    with in_tenant(tenant):
        client.force_login(get_user_model().objects.get(username="admin@lumen.example"))
    routes = admin_routes_taking_any_text_as_an_id()
    assert {
        "admin/documents/chooser/chosen/<str:pk>/",
        "admin/images/chooser/chosen/<str:pk>/",
        "admin/members_member/<str:pk>/ledgers/",
        "admin/editing-sessions/ping/<str:app_label>/<str:model_name>/<str:object_id>/<int:session_id>/",
    } <= set(routes)

    answers = {}
    for route in routes:
        url = with_a_bad_id(route)
        response = client.get(url, HTTP_HOST="lumen.localhost")
        if response.status_code == 405:
            response = client.post(url, HTTP_HOST="lumen.localhost")
        answers[url] = response.status_code
    assert answers == dict.fromkeys(answers, 404)
    # Integer-keyed viewset URLs were already 404s by their converter; still so.
    assert client.get("/admin/members_member/edit/abc/", HTTP_HOST="lumen.localhost").status_code == 404


def test_a_good_id_still_reaches_the_view(make_tenant, in_tenant):
    tenant = make_tenant("lumen", default_language="en").tenant
    client = Client()
    with in_tenant(tenant):
        member = MemberFactory(user__username="mei")
        client.force_login(get_user_model().objects.get(username="admin@lumen.example"))
    for pk, status in [(member.pk, 200), (99999999, 404)]:
        assert (
            client.get(f"/admin/members_member/{pk}/ledgers/", HTTP_HOST="lumen.localhost").status_code
            == status
        )


# --- Development settings --------------------------------------------------------------------


def dev_setting(expression: str, **environment) -> str:
    """Import config.settings.dev in a fresh interpreter and print `expression`."""
    env = {key: value for key, value in os.environ.items() if key != "CONN_MAX_AGE"}
    # Any postgresql:// URL: settings only parse it, and the embedded server is never started.
    env.update({"DATABASE_URL": "postgresql://portal@localhost:5432/portal", **environment})
    code = f"import config.settings.dev as s; print({expression})"
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_development_server_opens_a_connection_per_request_unless_told_otherwise():
    assert dev_setting('s.DATABASES["default"]["CONN_MAX_AGE"]') == "0"
    assert dev_setting('s.DATABASES["default"]["CONN_MAX_AGE"]', CONN_MAX_AGE="60") == "60"
    assert dev_setting('s.DATABASES["default"]["CONN_HEALTH_CHECKS"]') == "True"
