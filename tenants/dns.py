"""A domain's TXT records, for the DNS way of proving a domain is the brand's
(tenants.services.check_domain): the agency publishes the domain's token as a TXT record at
`_portal-verification.<domain>`. Unlike the HTTP token, this works before the domain points at
this deployment, and a wildcard DNS entry pointing here cannot vouch for names under it.

DOMAIN_VERIFICATION_NAMESERVERS names the servers to ask ("1.1.1.1", "127.0.0.1:5353"); empty means
the machine's own resolver (/etc/resolv.conf).
"""

import dns.exception
import dns.resolver
from django.conf import settings

RECORD_PREFIX = "_portal-verification"
# Seconds for the whole lookup, retries included: the console waits on it.
LOOKUP_SECONDS = 5.0


def verification_record_name(domain: str) -> str:
    return f"{RECORD_PREFIX}.{domain}"


def txt_records(name: str) -> list[str]:
    """The TXT records at `name` as text (a record's strings joined); [] when there are none or
    the lookup fails (no such name, timeout, unreachable server)."""
    resolver = _resolver()
    try:
        answer = resolver.resolve(name, "TXT", lifetime=LOOKUP_SECONDS, search=False)
    except dns.exception.DNSException:
        return []
    return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]


def _resolver() -> dns.resolver.Resolver:
    servers = settings.DOMAIN_VERIFICATION_NAMESERVERS
    if not servers:
        return dns.resolver.Resolver()
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = []
    for server in servers:
        host, _, port = server.rpartition(":") if server.count(":") == 1 else (server, "", "")
        resolver.nameservers.append(host)
        if port:
            resolver.port = int(port)
    return resolver
