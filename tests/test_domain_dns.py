"""The DNS way of proving a domain (tenants.dns, tenants.services.check_domain): a TXT record at
_portal-verification.<domain>, read through a real DNS server on 127.0.0.1 (tests.dns_server)."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from tenants import dns, services
from tenants.models import TenantAuditEntry
from tests.dns_server import TxtServer


def test_txt_records_are_read_from_the_configured_server():
    records = {"_portal-verification.shop.brand.example": ["first", "second part"]}
    with TxtServer(records) as server, override_settings(DOMAIN_VERIFICATION_NAMESERVERS=[server.address]):
        found = dns.txt_records(dns.verification_record_name("shop.brand.example"))
        missing = dns.txt_records("_portal-verification.other.example")

    assert sorted(found) == ["first", "second part"]
    assert missing == []
    assert server.questions == [
        "_portal-verification.shop.brand.example",
        "_portal-verification.other.example",
    ]


def test_an_unreachable_server_is_no_records_within_the_lookup_time(monkeypatch):
    monkeypatch.setattr(dns, "LOOKUP_SECONDS", 0.5)
    started = time.monotonic()
    with override_settings(DOMAIN_VERIFICATION_NAMESERVERS=["127.0.0.1:9"]):  # discard port: no answer
        assert dns.txt_records("_portal-verification.shop.brand.example") == []
    assert time.monotonic() - started < 3


def nothing_served(url):
    raise OSError("connection refused")


@pytest.fixture
def shop_domain(make_tenant):
    acme = make_tenant("acme").tenant
    return services.add_domain(acme, "shop.brand.example")


def test_a_domain_is_verified_by_its_txt_record(
    shop_domain, settings, client, django_capture_on_commit_callbacks
):
    token = services.domain_verification_token(shop_domain.tenant.schema_name, "shop.brand.example")
    records = {"_portal-verification.shop.brand.example": ["v=spf1 -all", token]}
    with TxtServer(records) as server, django_capture_on_commit_callbacks(execute=True):
        settings.DOMAIN_VERIFICATION_NAMESERVERS = [server.address]
        services.check_domain(shop_domain, fetch=nothing_served)

    shop_domain.refresh_from_db()
    assert shop_domain.is_verified
    entry = TenantAuditEntry.objects.get(action="domain_verified")
    assert entry.detail == {"domain": "shop.brand.example", "method": "dns txt"}
    assert client.get("/", HTTP_HOST="shop.brand.example")["Location"] == "http://acme.localhost/"


def test_another_tenants_token_in_the_record_does_not_verify(shop_domain, make_tenant, settings):
    other = make_tenant("other").tenant
    wrong = services.domain_verification_token(other.schema_name, "shop.brand.example")
    with TxtServer({"_portal-verification.shop.brand.example": [wrong]}) as server:
        settings.DOMAIN_VERIFICATION_NAMESERVERS = [server.address]
        with pytest.raises(services.ProvisioningError):
            services.check_domain(shop_domain, fetch=nothing_served)

    shop_domain.refresh_from_db()
    assert not shop_domain.is_verified
    assert not TenantAuditEntry.objects.filter(action="domain_verified").exists()


def test_with_http_verification_off_only_the_txt_record_proves_a_domain(
    shop_domain, settings, client, django_capture_on_commit_callbacks
):
    """Behind a wildcard DNS entry pointing here, the deployment would serve any name's token itself."""
    settings.DOMAIN_VERIFICATION_BY_HTTP = False
    token = services.domain_verification_token(shop_domain.tenant.schema_name, "shop.brand.example")
    fetched = []

    def serving_the_token(url):
        fetched.append(url)
        return token

    assert (
        client.get("/.well-known/portal-verification.txt", HTTP_HOST="shop.brand.example").status_code == 404
    )
    with TxtServer({}) as server:
        settings.DOMAIN_VERIFICATION_NAMESERVERS = [server.address]
        with pytest.raises(services.ProvisioningError) as refused:
            services.check_domain(shop_domain, fetch=serving_the_token)
    assert refused.value.message == (
        "The token was not found in a TXT record at _portal-verification.shop.brand.example. "
        "Publish it there and check again."
    )
    assert fetched == []
    shop_domain.refresh_from_db()
    assert not shop_domain.is_verified

    with TxtServer({"_portal-verification.shop.brand.example": [token]}) as server:
        settings.DOMAIN_VERIFICATION_NAMESERVERS = [server.address]
        with django_capture_on_commit_callbacks(execute=True):
            services.check_domain(shop_domain, fetch=serving_the_token)
    shop_domain.refresh_from_db()
    assert shop_domain.is_verified
    assert TenantAuditEntry.objects.get(action="domain_verified").detail["method"] == "dns txt"


def test_the_console_names_only_the_txt_record_when_http_verification_is_off(shop_domain, settings, client):
    user = get_user_model().objects.create_user("agent", "agent@example.com", "agency-pass-9")
    shop_domain.tenant.agency.staff.add(user)
    client.force_login(user)
    url = f"/console/tenants/{shop_domain.tenant.pk}/"

    both = client.get(url, HTTP_HOST="localhost").content.decode()
    settings.DOMAIN_VERIFICATION_BY_HTTP = False
    dns_only = client.get(url, HTTP_HOST="localhost").content.decode()

    record = "<code>_portal-verification.shop.brand.example</code>"
    well_known = "http://shop.brand.example/.well-known/portal-verification.txt"
    assert (record in both, well_known in both) == (True, True)
    assert (record in dns_only, well_known in dns_only) == (True, False)
