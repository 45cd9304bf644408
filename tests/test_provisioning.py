import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.models import Site

from builder.models import HomePage
from tenants import schemas, services
from tenants.models import Domain, SpareSchema, Tenant


def schema_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def registry_counts() -> tuple[int, int, int, frozenset]:
    return (
        Tenant.objects.count(),
        Domain.objects.count(),
        SpareSchema.objects.count(),
        frozenset(schema_names()),
    )


def test_provisioned_tenant_is_reachable_on_its_domain(
    make_tenant, client, in_tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = make_tenant("acme", name="Acme 咖啡")

    tenant = result.tenant
    assert tenant.schema_name == "acme"
    assert tenant.status == Tenant.Status.ACTIVE
    assert result.schema_source == "spare pool"
    assert list(tenant.domains.values_list("domain", "is_primary")) == [("acme.localhost", True)]
    assert "acme" in schema_names()

    response = client.get("/", HTTP_HOST="acme.localhost")
    assert response.status_code == 200
    assert '<h2 class="hero-heading">欢迎来到 Acme 咖啡</h2>' in response.content.decode()

    with in_tenant(tenant):
        site = Site.objects.get()
        assert (site.hostname, site.is_default_site, site.site_name) == ("acme.localhost", True, "Acme 咖啡")
        assert isinstance(site.root_page.specific, HomePage)
        admin = get_user_model().objects.get()
        assert (admin.username, admin.email, admin.is_superuser) == (
            "admin@acme.example",
            "admin@acme.example",
            True,
        )
        assert not admin.has_usable_password()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@acme.example"]
    assert result.invite_url in mail.outbox[0].body


def test_invited_admin_sets_a_password_and_logs_in(make_tenant, client, in_tenant):
    result = make_tenant("acme")
    path = result.invite_url.removeprefix("http://acme.localhost:8000")

    response = client.get(path, HTTP_HOST="acme.localhost")
    assert response.status_code == 302  # Django swaps the token for a session and redirects
    set_password = response["Location"]
    response = client.post(
        set_password,
        {"new_password1": "brew-better-2026", "new_password2": "brew-better-2026"},
        HTTP_HOST="acme.localhost",
    )
    assert response.status_code == 302

    response = client.post(
        "/admin/login/",
        {"username": "admin@acme.example", "password": "brew-better-2026"},
        HTTP_HOST="acme.localhost",
    )
    assert response.status_code == 302
    assert client.get("/admin/", HTTP_HOST="acme.localhost").status_code == 200

    # The link works once.
    assert client.get(path, HTTP_HOST="acme.localhost", follow=True).context["validlink"] is False


def test_schema_name_comes_from_the_domain_and_never_collides(make_tenant):
    assert make_tenant("acme-shop", domain="acme-shop.localhost").tenant.schema_name == "acme_shop"
    assert make_tenant("acme2", domain="acme-shop.example.com").tenant.schema_name == "acme_shop_2"
    assert make_tenant("digits", domain="7eleven.example.com").tenant.schema_name == "t_7eleven"


def test_provisioning_takes_a_spare_schema_when_the_pool_has_one(make_tenant):
    spares = list(SpareSchema.objects.values_list("schema_name", flat=True))
    assert len(spares) >= 1
    assert set(spares) <= schema_names()

    result = make_tenant("acme")

    assert result.schema_source == "spare pool"
    assert list(SpareSchema.objects.values_list("schema_name", flat=True)) == spares[1:]
    names = schema_names()
    assert spares[0] not in names
    assert "acme" in names


def test_provisioning_clones_the_template_when_the_pool_is_empty(empty_pool, make_tenant, client):
    result = make_tenant("acme")

    assert result.schema_source == "clone"
    assert client.get("/", HTTP_HOST="acme.localhost").status_code == 200


STEPS = [
    "create_schema",
    "create_tenant_row",
    "create_domain",
    "build_starter_portal",
    "invite_brand_admin",
    "set_password_url",
]


@pytest.mark.parametrize("with_spare", [False, True], ids=["clone", "spare"])
@pytest.mark.parametrize("step", STEPS)
def test_a_failure_at_any_step_leaves_nothing_behind(step, with_spare, make_tenant, monkeypatch):
    if not with_spare:
        SpareSchema.objects.all().delete()
    before = registry_counts()
    real_step = getattr(services, step)

    def step_then_fail(*args, **kwargs):
        real_step(*args, **kwargs)
        raise RuntimeError(f"injected failure after {step}")

    monkeypatch.setattr(services, step, step_then_fail)
    with pytest.raises(RuntimeError, match=f"injected failure after {step}"):
        make_tenant("acme")

    assert registry_counts() == before
    assert "acme" not in schema_names()
    assert connection.schema_name == "public"


BAD_INPUT = [
    ({"domain": "not a domain"}, "domain", "is not a valid domain"),
    ({"domain": "http://acme.example.com"}, "domain", "is not a valid domain"),
    ({"domain": "acme.example.com:8000"}, "domain", "is not a valid domain"),
    ({"domain": "acme"}, "domain", "is not a valid domain"),
    ({"domain": "-acme.example.com"}, "domain", "is not a valid domain"),
    ({"domain": ""}, "domain", "Enter the portal's domain"),
    ({"domain": "localhost"}, "domain", "is not a valid domain"),
    ({"domain": "taken.localhost"}, "domain", "already used by another portal"),
    ({"schema_name": "public"}, "schema_name", "is reserved"),
    ({"schema_name": "information_schema"}, "schema_name", "is reserved"),
    ({"schema_name": "portal_template"}, "schema_name", "is reserved"),
    ({"schema_name": "spare_0001"}, "schema_name", "is reserved"),
    ({"schema_name": "pg_acme"}, "schema_name", "is reserved"),
    ({"schema_name": "Acme-Shop"}, "schema_name", "is not a valid schema name"),
    ({"schema_name": "1acme"}, "schema_name", "is not a valid schema name"),
    ({"schema_name": "a" * 64}, "schema_name", "is not a valid schema name"),
    ({"schema_name": 'acme"; DROP SCHEMA public; --'}, "schema_name", "is not a valid schema name"),
    ({"schema_name": "taken"}, "schema_name", "is already taken"),
    ({"template": "no-such-portal"}, "template", "There is no portal template called 'no-such-portal'"),
    ({"admin_email": "not-an-email"}, "admin_email", "is not a valid email address"),
    ({"admin_email": ""}, "admin_email", "is not a valid email address"),
    ({"name": "   "}, "name", "Enter the brand's name"),
    ({"name": "x" * 121}, "name", "at most 120 characters"),
    ({"default_language": "fr"}, "default_language", "Unsupported language 'fr'"),
    ({"time_zone": "Mars/Olympus"}, "time_zone", "Unknown time zone 'Mars/Olympus'"),
    ({"contact_email": "care at acme"}, "contact_email", "'care at acme' is not a valid email address"),
    ({"contact_phone": "call us"}, "contact_phone", "'call us' is not a valid phone number"),
    ({"contact_phone": "12345"}, "contact_phone", "is not a valid phone number"),
    ({"contact_phone": "1" * 21}, "contact_phone", "is not a valid phone number"),
    ({"contact_phone": "400-820-1234 ext 5"}, "contact_phone", "is not a valid phone number"),
    ({"contact_phone": "--------"}, "contact_phone", "is not a valid phone number"),
    ({"website": "www.acme.com"}, "website", "'www.acme.com' is not a valid website address"),
    ({"website": "ftp://acme.com/"}, "website", "is not a valid website address"),
    ({"website": "javascript:alert(1)"}, "website", "is not a valid website address"),
    ({"website": "https://acme.com/" + "x" * 200}, "website", "is not a valid website address"),
]


@pytest.mark.parametrize(("override", "field", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    override, field, message, make_tenant, agency
):
    make_tenant("taken")
    before = registry_counts()
    arguments = {
        "name": "Acme",
        "domain": "acme.localhost",
        "template": "member-mall",
        "admin_email": "admin@acme.example",
        **override,
    }

    with pytest.raises(services.ProvisioningError, match=message) as error:
        services.provision_tenant(
            arguments.pop("name"),
            arguments.pop("domain"),
            arguments.pop("template"),
            arguments.pop("admin_email"),
            agency=agency,
            **arguments,
        )

    assert error.value.field == field
    assert registry_counts() == before


def test_contacts_are_optional_trimmed_and_reach_the_starter_portal(make_tenant, monkeypatch, client):
    received = []
    member_mall = services.registry.starter_portals()["member-mall"]

    def starter_portal(**kwargs):
        received.append(kwargs)
        member_mall(**kwargs)

    monkeypatch.setattr(services.registry, "starter_portals", lambda: {"member-mall": starter_portal})
    make_tenant(
        "acme",
        default_language="en",
        contact_email="  care@acme.com ",
        contact_phone=" +86  21 5888-1234 ",
        website=" https://acme.com/ ",
    )
    make_tenant("bare")

    assert received == [
        {
            "brand_name": "Acme",
            "domain": "acme.localhost",
            "language": "en",
            "contact_email": "care@acme.com",
            "contact_phone": "+86 21 5888-1234",
            "website": "https://acme.com/",
        },
        {
            "brand_name": "Bare",
            "domain": "bare.localhost",
            "language": "zh-hans",
            "contact_email": "",
            "contact_phone": "",
            "website": "",
        },
    ]
    home = client.get("/", HTTP_HOST="acme.localhost").content.decode()
    assert '<a class="channel" href="mailto:care@acme.com">' in home
    assert '<a class="channel" href="tel:+86215888-1234">' in home


def test_provision_tenant_command(agency, capsys, client):
    call_command(
        "provision_tenant",
        "Acme",
        "acme.localhost",
        template="service-desk",
        admin_email="boss@acme.example",
        agency=agency.name,
        language="en",
        contact_email="help@acme.com",
        contact_phone="400-820-1234",
        website="https://acme.com",
    )

    tenant = Tenant.objects.get(schema_name="acme")
    assert tenant.portal_template.key == "service-desk"
    output = capsys.readouterr().out
    assert "Created Acme in schema acme (spare pool) on acme.localhost." in output
    assert "/admin/password_reset/confirm/" in output
    contact = client.get("/contact/", HTTP_HOST="acme.localhost").content.decode()
    assert 'href="mailto:help@acme.com"' in contact
    assert 'href="tel:400-820-1234"' in contact
    assert 'href="https://acme.com">Visit our website</a>' in contact

    with pytest.raises(CommandError, match="contact_phone: 'call us' is not a valid phone number"):
        call_command(
            "provision_tenant",
            "Other",
            "other.localhost",
            template="service-desk",
            admin_email="x@acme.example",
            agency=agency.name,
            contact_phone="call us",
        )

    with pytest.raises(CommandError, match="domain: The domain acme.localhost is already used"):
        call_command(
            "provision_tenant",
            "Other",
            "acme.localhost",
            template="service-desk",
            admin_email="x@acme.example",
            agency=agency.name,
        )
    with pytest.raises(CommandError, match="There is no agency called 'Nobody'"):
        call_command(
            "provision_tenant",
            "Other",
            "other.localhost",
            template="service-desk",
            admin_email="x@acme.example",
            agency="Nobody",
        )
    assert Tenant.objects.count() == 1


def test_suspend_resume_archive_follow_the_lifecycle(make_tenant):
    tenant = make_tenant("acme").tenant

    assert services.suspend_tenant(tenant).status == "suspended"
    with pytest.raises(services.ProvisioningError, match="Acme is suspended; it cannot be suspended now"):
        services.suspend_tenant(tenant)
    assert services.resume_tenant(tenant).status == "active"
    with pytest.raises(services.ProvisioningError, match="Acme is active; it cannot be active now"):
        services.resume_tenant(tenant)
    assert services.archive_tenant(tenant).status == "archived"
    with pytest.raises(services.ProvisioningError, match="Acme is archived"):
        services.resume_tenant(tenant)

    tenant.refresh_from_db()
    assert tenant.status == "archived"
    assert "acme" in schema_names()  # archiving keeps the data


def test_the_pool_refills_up_to_its_size_one_refiller_at_a_time(db, settings):
    import psycopg

    settings.SPARE_SCHEMA_POOL_SIZE = SpareSchema.objects.count() + 1
    database = connection.settings_dict
    other = psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        password=database["PASSWORD"] or None,
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [schemas.REFILL_LOCK_ID])
        assert schemas.refill_spare_pool() == 0  # another process is refilling
        other.execute("SELECT pg_advisory_unlock(%s)", [schemas.REFILL_LOCK_ID])
    finally:
        other.close()

    assert schemas.refill_spare_pool() == 1
    assert SpareSchema.objects.count() == settings.SPARE_SCHEMA_POOL_SIZE
    assert schemas.refill_spare_pool() == 0  # already full
