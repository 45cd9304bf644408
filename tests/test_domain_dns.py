"""The DNS way of proving a domain (tenants.dns, tenants.services.check_domain): a TXT record at
_portal-verification.<domain>, read through a real DNS server on 127.0.0.1 (tests.dns_server)."""

import time

from django.test import override_settings

from tenants import dns
from tests.dns_server import TxtServer


def test_txt_records_are_read_from_the_configured_server():
    records = {"_portal-verification.shop.brand.example": ["first", "second part"]}
    with TxtServer(records) as server, override_settings(DOMAIN_VERIFICATION_NAMESERVERS=[server.address]):
        found = dns.txt_records(dns.verification_record_name("shop.brand.example"))
        missing = dns.txt_records("_portal-verification.other.example")

    assert sorted(found) == ["first", "second part"]
    assert missing == []
    assert server.questions == ["_portal-verification.shop.brand.example", "_portal-verification.other.example"]


def test_an_unreachable_server_is_no_records_within_the_lookup_time(monkeypatch):
    monkeypatch.setattr(dns, "LOOKUP_SECONDS", 0.5)
    started = time.monotonic()
    with override_settings(DOMAIN_VERIFICATION_NAMESERVERS=["127.0.0.1:9"]):  # discard port: no answer
        assert dns.txt_records("_portal-verification.shop.brand.example") == []
    assert time.monotonic() - started < 3
