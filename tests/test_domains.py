"""A tenant's domains: one primary serves, the others redirect to it; a brand's own domain serves
once its ownership is verified; the TLS proxy asks which hosts may get a certificate (issue 16)."""

import http.server
import threading
import urllib.error

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants import services
from tenants.models import Agency, Domain, TenantAuditEntry
from tests.dns_server import TxtServer


def token_of(domain: Domain) -> str:
    return services.domain_verification_token(domain.tenant.schema_name, domain.domain)


def serving(token: str):
    """A fetcher for a domain that serves `token` at its verification URL."""

    def fetch(url: str) -> str:
        return token + "\n"

    return fetch


def unreachable(url: str) -> str:
    raise urllib.error.URLError("no route to host")


@pytest.fixture
def acme(make_tenant):
    return make_tenant("acme").tenant


@pytest.fixture
def added(acme, django_capture_on_commit_callbacks):
    """add("shop.acme.localhost") adds a domain to Acme (unverified) with its after-commit work done."""

    def add(name: str, *, verify: bool = False) -> Domain:
        with django_capture_on_commit_callbacks(execute=True):
            domain = services.add_domain(acme, name)
        if verify:
            with django_capture_on_commit_callbacks(execute=True):
                services.check_domain(domain, fetch=serving(token_of(domain)))
            domain.refresh_from_db()
        return domain

    return add


def login(client, username: str, agency: Agency | None):
    user = get_user_model().objects.create_user(username, f"{username}@example.com", "agency-pass-9")
    if agency is not None:
        agency.staff.add(user)
    client.post("/console/login/", {"username": username, "password": "agency-pass-9"}, HTTP_HOST="localhost")
    return user


@pytest.fixture
def staff_client(agency):
    """Agency staff in the console, on a client of their own (a visit to a tenant host with the
    console's session cookie would end that session: the tenant has no such session)."""
    staff = Client()
    login(staff, "agent", agency)
    return staff


def post(client, url: str, data=None, *, callbacks):
    with callbacks(execute=True):
        return client.post(url, data or {}, HTTP_HOST="localhost", follow=True)


# --- serving ---------------------------------------------------------------------------------


def test_the_first_domain_from_provisioning_is_the_verified_primary(acme):
    assert [(d.domain, d.is_primary, d.is_verified) for d in acme.domains.all()] == [
        ("acme.localhost", True, True)
    ]


def test_a_second_domain_redirects_to_the_primary_keeping_path_query_scheme_and_port(added, client):
    added("acme-shop.localhost", verify=True)

    response = client.get("/help/?page=2&q=%E5%92%96", HTTP_HOST="acme-shop.localhost:8000")
    assert response.status_code == 301
    assert response["Location"] == "http://acme.localhost:8000/help/?page=2&q=%E5%92%96"

    secure = client.get("/", HTTP_HOST="acme-shop.localhost", secure=True)
    assert (secure.status_code, secure["Location"]) == (301, "https://acme.localhost/")
    # www. is the same host as the domain without it
    assert client.get("/x/", HTTP_HOST="www.acme-shop.localhost")["Location"] == "http://acme.localhost/x/"


def test_the_primary_serves_and_a_post_to_another_domain_is_served_in_place(added, client):
    added("acme-shop.localhost", verify=True)

    assert client.get("/", HTTP_HOST="acme.localhost").status_code == 200
    response = client.post(
        "/graphql/",
        '{"query": "{ __typename }"}',
        content_type="application/json",
        HTTP_HOST="acme-shop.localhost",
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


def test_a_redirect_from_a_warm_host_sends_no_query(added, client):
    added("acme-shop.localhost", verify=True)
    client.get("/", HTTP_HOST="acme-shop.localhost")  # warms the host cache

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/help/", HTTP_HOST="acme-shop.localhost")

    assert response.status_code == 301
    assert queries.captured_queries == []


def test_an_unverified_domain_serves_only_its_token(added, client):
    domain = added("shop.brand.example")

    response = client.get("/", HTTP_HOST="shop.brand.example")
    assert response.status_code == 404
    assert "There is no portal at <strong>shop.brand.example</strong>" in response.content.decode()
    assert client.get("/admin/login/", HTTP_HOST="shop.brand.example").status_code == 404

    token = client.get("/.well-known/portal-verification.txt", HTTP_HOST="shop.brand.example")
    assert (token.status_code, token["Content-Type"], token.content.decode()) == (
        200,
        "text/plain",
        token_of(domain),
    )


def test_the_token_is_bound_to_the_tenant_and_the_domain(make_tenant):
    first, second = make_tenant("first").tenant, make_tenant("second").tenant
    tokens = {
        services.domain_verification_token(first.schema_name, "shop.brand.example"),
        services.domain_verification_token(second.schema_name, "shop.brand.example"),
        services.domain_verification_token(first.schema_name, "www2.brand.example"),
    }
    assert len(tokens) == 3
    assert all(len(token) == 32 for token in tokens)


# --- verification ----------------------------------------------------------------------------


def test_check_verifies_when_the_token_is_served(added, client, django_capture_on_commit_callbacks):
    domain = added("shop.brand.example")
    client.get("/", HTTP_HOST="shop.brand.example")  # "not verified" is cached now

    seen = []

    def fetch(url):
        seen.append(url)
        return token_of(domain)

    with django_capture_on_commit_callbacks(execute=True):
        services.check_domain(domain, fetch=fetch)

    domain.refresh_from_db()
    assert domain.is_verified
    assert seen == ["http://shop.brand.example/.well-known/portal-verification.txt"]
    entry = TenantAuditEntry.objects.filter(action="domain_verified").get()
    assert entry.detail == {"domain": "shop.brand.example", "method": "http token"}
    # forgotten after commit: it now redirects to the primary
    assert client.get("/", HTTP_HOST="shop.brand.example")["Location"] == "http://acme.localhost/"


@pytest.mark.parametrize(
    "fetch",
    [serving("another-token"), serving(""), unreachable],
    ids=["wrong token", "empty file", "unreachable"],
)
def test_check_refuses_when_the_token_is_not_served(added, fetch, settings):
    domain = added("shop.brand.example")

    with TxtServer({}) as dns_server:
        settings.DOMAIN_VERIFICATION_NAMESERVERS = [dns_server.address]  # no TXT record anywhere
        with pytest.raises(services.ProvisioningError) as refused:
            services.check_domain(domain, fetch=fetch)

    assert refused.value.message == (
        "The token was found neither at http://shop.brand.example/.well-known/portal-verification.txt "
        "nor in a TXT record at _portal-verification.shop.brand.example. Publish it in one of them and "
        "check again."
    )
    assert dns_server.questions == ["_portal-verification.shop.brand.example"]
    domain.refresh_from_db()
    assert not domain.is_verified
    assert not TenantAuditEntry.objects.filter(action="domain_verified").exists()


class TokenFile(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        if self.path != "/.well-known/portal-verification.txt":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def token_server():
    """A local HTTP server on 127.0.0.1 serving TokenFile.body at the verification path."""
    server = http.server.HTTPServer(("127.0.0.1", 0), TokenFile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_real_fetcher_reads_the_token_over_http(added, token_server):
    domain = added("shop.brand.example")
    port = token_server.server_address[1]

    def fetch_from_local_server(url):  # the domain resolves to the local server
        return services.fetch_verification_file(url.replace(domain.domain, f"127.0.0.1:{port}"))

    TokenFile.body = b"not-it\n"
    assert not services.token_is_served(domain.domain, token_of(domain), fetch=fetch_from_local_server)
    TokenFile.body = token_of(domain).encode() + b"\n"
    services.check_domain(domain, fetch=fetch_from_local_server)
    domain.refresh_from_db()
    assert domain.is_verified

    def missing_file(url):
        return services.fetch_verification_file(f"http://127.0.0.1:{port}/elsewhere")

    assert not services.token_is_served(domain.domain, token_of(domain), fetch=missing_file)


def test_verifying_by_hand_is_refused_unless_allowed(
    staff_client, acme, added, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = False
    settings.ALLOW_MANUAL_DOMAIN_VERIFICATION = False
    domain = added("shop.brand.example")
    url = f"/console/tenants/{acme.pk}/domains/{domain.pk}/verify-by-hand/"

    page = staff_client.get(f"/console/tenants/{acme.pk}/", HTTP_HOST="localhost").content.decode()
    assert "Mark verified by hand" not in page
    response = post(staff_client, url, callbacks=django_capture_on_commit_callbacks)
    assert (
        "Domains can only be verified by hand in development; use “Check now”." in response.content.decode()
    )
    domain.refresh_from_db()
    assert not domain.is_verified
    assert not TenantAuditEntry.objects.filter(action="domain_verified").exists()

    settings.ALLOW_MANUAL_DOMAIN_VERIFICATION = True
    page = staff_client.get(f"/console/tenants/{acme.pk}/", HTTP_HOST="localhost").content.decode()
    assert "Mark verified by hand" in page
    response = post(staff_client, url, callbacks=django_capture_on_commit_callbacks)
    assert "shop.brand.example is verified." in response.content.decode()
    domain.refresh_from_db()
    assert domain.is_verified
    entry = TenantAuditEntry.objects.get(action="domain_verified")
    assert (entry.acting_username, entry.detail) == (
        "agent",
        {"domain": "shop.brand.example", "method": "by hand"},
    )


# --- the console -----------------------------------------------------------------------------


def test_the_tenant_page_lists_domains_with_their_state_and_the_token(staff_client, acme, added):
    added("acme-shop.localhost", verify=True)
    unverified = added("shop.brand.example")

    page = staff_client.get(f"/console/tenants/{acme.pk}/", HTTP_HOST="localhost").content.decode()

    assert page.index("<code>acme.localhost</code>") < page.index("<code>acme-shop.localhost</code>")
    assert "Primary: serves the portal" in page
    assert "Verified: redirects to the primary" in page
    assert "Not verified: serves nothing yet" in page
    assert "<code>http://shop.brand.example/.well-known/portal-verification.txt</code>" in page
    assert f'<code class="token">{token_of(unverified)}</code>' in page
    assert page.count(">Make primary</button>") == 1
    assert page.count(">Check now</button>") == 1
    assert page.count(">Remove</button>") == 2


def test_adding_a_domain_in_the_console(staff_client, acme, django_capture_on_commit_callbacks):
    response = post(
        staff_client,
        f"/console/tenants/{acme.pk}/domains/add/",
        {"domain": " Shop.Brand.Example. "},
        callbacks=django_capture_on_commit_callbacks,
    )

    assert (
        "shop.brand.example was added. It serves once its ownership is verified." in response.content.decode()
    )
    domain = Domain.objects.get(domain="shop.brand.example")
    assert (domain.tenant, domain.is_primary, domain.is_verified) == (acme, False, False)
    entry = TenantAuditEntry.objects.get(action="domain_added")
    assert (entry.tenant, entry.acting_username, entry.detail) == (
        acme,
        "agent",
        {"domain": "shop.brand.example"},
    )
    assert "Domain added <code>shop.brand.example</code> · agent</li>" in response.content.decode()


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("other.localhost", "The domain other.localhost is already used by another portal."),
        ("acme.localhost", "acme.localhost is already one of this portal&#x27;s domains."),
        ("127.0.0.1", "127.0.0.1 is the agency console&#x27;s own domain."),
        ("console.example.com", "console.example.com is the agency console&#x27;s own domain."),
        ("www.console.example.com", "www.console.example.com is the agency console&#x27;s own domain."),
        (
            "www.shop.example.com",
            "www.shop.example.com is served with shop.example.com: add shop.example.com",
        ),
        ("http://shop.example.com/", "&#x27;http://shop.example.com/&#x27; is not a valid domain"),
        ("shop", "&#x27;shop&#x27; is not a valid domain"),
        ("", "This field is required."),
    ],
)
def test_a_bad_domain_is_refused_on_the_form(staff_client, acme, make_tenant, settings, domain, message):
    settings.PUBLIC_HOSTS = [*settings.PUBLIC_HOSTS, "console.example.com"]
    make_tenant("other")
    before = sorted(Domain.objects.values_list("domain", flat=True))

    response = staff_client.post(
        f"/console/tenants/{acme.pk}/domains/add/", {"domain": domain}, HTTP_HOST="localhost"
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert sorted(Domain.objects.values_list("domain", flat=True)) == before
    assert not TenantAuditEntry.objects.filter(action="domain_added").exists()


def test_make_primary_swaps_and_the_old_primary_redirects(
    staff_client, acme, added, client, django_capture_on_commit_callbacks
):
    new = added("acme-shop.localhost", verify=True)
    assert client.get("/", HTTP_HOST="acme.localhost").status_code == 200  # cached as the primary

    response = post(
        staff_client,
        f"/console/tenants/{acme.pk}/domains/{new.pk}/make-primary/",
        callbacks=django_capture_on_commit_callbacks,
    )

    assert (
        "acme-shop.localhost is now the primary domain; the other domains redirect to it."
        in response.content.decode()
    )
    assert list(acme.domains.values_list("domain", "is_primary")) == [
        ("acme-shop.localhost", True),
        ("acme.localhost", False),
    ]
    entry = TenantAuditEntry.objects.get(action="domain_made_primary")
    assert entry.detail == {"domain": "acme-shop.localhost", "previous": "acme.localhost"}
    old = client.get("/help/?a=1", HTTP_HOST="acme.localhost")
    assert (old.status_code, old["Location"]) == (301, "http://acme-shop.localhost/help/?a=1")
    assert client.get("/", HTTP_HOST="acme-shop.localhost").status_code == 200
    assert client.get("/help/", HTTP_HOST="acme-shop.localhost").status_code == 200


def test_an_unverified_domain_cannot_be_made_primary(acme, added):
    domain = added("shop.brand.example")

    with pytest.raises(services.ProvisioningError) as refused:
        services.make_domain_primary(domain)

    assert (
        refused.value.message
        == "shop.brand.example is not verified yet; only a verified domain can be primary."
    )
    assert list(acme.domains.filter(is_primary=True).values_list("domain", flat=True)) == ["acme.localhost"]


def test_the_database_holds_one_primary_per_tenant_and_only_a_verified_one(acme, added):
    other = added("acme-shop.localhost", verify=True)
    unverified = added("shop.brand.example")

    with pytest.raises(IntegrityError), transaction.atomic():
        Domain.objects.filter(pk=other.pk).update(is_primary=True)
    with transaction.atomic():
        acme.domains.update(is_primary=False)
        with pytest.raises(IntegrityError), transaction.atomic():
            Domain.objects.filter(pk=unverified.pk).update(is_primary=True)
        transaction.set_rollback(True)
    assert list(acme.domains.filter(is_primary=True).values_list("domain", flat=True)) == ["acme.localhost"]


def test_removing_a_domain_and_refusing_to_remove_the_primary(
    staff_client, acme, added, client, django_capture_on_commit_callbacks
):
    extra = added("acme-shop.localhost", verify=True)
    primary = acme.domains.get(is_primary=True)
    client.get("/", HTTP_HOST="acme-shop.localhost")  # cached as a redirecting domain

    response = post(
        staff_client,
        f"/console/tenants/{acme.pk}/domains/{primary.pk}/remove/",
        callbacks=django_capture_on_commit_callbacks,
    )
    assert (
        "acme.localhost is the primary domain: make another domain primary first."
        in response.content.decode()
    )
    assert acme.domains.count() == 2

    response = post(
        staff_client,
        f"/console/tenants/{acme.pk}/domains/{extra.pk}/remove/",
        callbacks=django_capture_on_commit_callbacks,
    )
    assert "acme-shop.localhost was removed." in response.content.decode()
    assert list(acme.domains.values_list("domain", flat=True)) == ["acme.localhost"]
    assert TenantAuditEntry.objects.get(action="domain_removed").detail == {"domain": "acme-shop.localhost"}
    assert client.get("/", HTTP_HOST="acme-shop.localhost").status_code == 404


def test_domains_of_an_archived_tenant_do_not_change(acme, added, django_capture_on_commit_callbacks):
    extra = added("acme-shop.localhost", verify=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.archive_tenant(acme)

    for change in (
        lambda: services.add_domain(acme, "new.brand.example"),
        lambda: services.remove_domain(extra),
        lambda: services.make_domain_primary(extra),
    ):
        with pytest.raises(services.ProvisioningError) as refused:
            change()
        assert refused.value.message == "Acme is archived; its domains cannot change."
    assert sorted(acme.domains.values_list("domain", flat=True)) == ["acme-shop.localhost", "acme.localhost"]


def test_console_domain_actions_are_refused_without_permission(
    client, acme, added, make_tenant, settings, django_capture_on_commit_callbacks
):
    settings.ALLOW_MANUAL_DOMAIN_VERIFICATION = True
    verified = added("acme-shop.localhost", verify=True)
    unverified = added("shop.brand.example")
    base = f"/console/tenants/{acme.pk}/domains"
    attempts = [
        (f"{base}/add/", {"domain": "new.brand.example"}),
        (f"{base}/{unverified.pk}/check/", {}),
        (f"{base}/{unverified.pk}/verify-by-hand/", {}),
        (f"{base}/{verified.pk}/make-primary/", {}),
        (f"{base}/{verified.pk}/remove/", {}),
    ]

    def state():
        return (
            sorted(Domain.objects.values_list("domain", "is_primary", "verified_at")),
            TenantAuditEntry.objects.count(),
        )

    before = state()
    for url, data in attempts:  # not logged in: to the log-in page
        response = client.post(url, data, HTTP_HOST="localhost")
        assert (response.status_code, response["Location"].split("?")[0]) == (302, "/console/login/")

    login(client, "stranger", Agency.objects.create(name="Another agency"))
    for url, data in attempts:  # another agency's staff: no such tenant
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url, data, HTTP_HOST="localhost").status_code == 404
    assert state() == before

    # a domain of another tenant, through this tenant's URL: no such domain
    login(client, "agent", acme.agency)
    theirs = make_tenant("theirs").tenant.domains.get()
    assert client.post(f"{base}/{theirs.pk}/remove/", HTTP_HOST="localhost").status_code == 404
    assert client.get(f"{base}/{verified.pk}/remove/", HTTP_HOST="localhost").status_code == 405
    assert client.post(f"{base}/{verified.pk}/delete-all/", HTTP_HOST="localhost").status_code == 404
    assert Domain.objects.filter(pk=theirs.pk).exists()


# --- TLS -------------------------------------------------------------------------------------


def ask(client, domain=None):
    query = {} if domain is None else {"domain": domain}
    return client.get("/tls/ask", query, HTTP_HOST="localhost").status_code


def test_the_tls_ask_endpoint_says_which_hosts_may_get_a_certificate(
    client, acme, added, make_tenant, django_capture_on_commit_callbacks
):
    added("acme-shop.localhost", verify=True)
    added("shop.brand.example")

    assert ask(client, "acme.localhost") == 200
    assert ask(client, "acme-shop.localhost") == 200
    assert ask(client, "www.acme.localhost") == 200
    assert ask(client, "ACME.localhost.") == 200
    assert ask(client, "shop.brand.example") == 404  # not verified
    assert ask(client, "nobody.example") == 404
    assert ask(client, "localhost") == 404
    assert ask(client, "") == 404
    assert ask(client) == 404

    with django_capture_on_commit_callbacks(execute=True):
        services.suspend_tenant(acme)
    assert ask(client, "acme.localhost") == 200  # the 503 page needs a certificate too

    gone = make_tenant("gone").tenant
    with django_capture_on_commit_callbacks(execute=True):
        services.archive_tenant(gone)
    assert ask(client, "gone.localhost") == 404


def test_the_tls_ask_endpoint_is_not_on_tenant_hosts(client, acme):
    response = client.get("/tls/ask", {"domain": "acme.localhost"}, HTTP_HOST="acme.localhost", follow=True)
    assert response.status_code == 404
