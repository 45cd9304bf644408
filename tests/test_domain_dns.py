"""The DNS way of proving a domain (tenants.dns, tenants.services.check_domain): a TXT record at
_portal-verification.<domain>, read through a real DNS server on 127.0.0.1 (tests.dns_server)."""

import time

import pytest
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
