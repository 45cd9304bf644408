import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tenants.models import Domain, Tenant


@pytest.fixture
def staff_client(client, agency):
    user = get_user_model().objects.create_user("agent", "agent@example.com", "agency-pass-9")
    agency.staff.add(user)
    client.post("/console/login/", {"username": "agent", "password": "agency-pass-9"}, HTTP_HOST="localhost")
    return client


def form_data(**overrides):
    return {
        "name": "Acme 咖啡",
        "domain": "acme.localhost",
        "template": "service-desk",
        "admin_email": "boss@acme.example",
        "default_language": "en",
        "time_zone": "Europe/Berlin",
        **overrides,
    }


def test_console_needs_a_login(db, client):
    response = client.get("/console/", HTTP_HOST="localhost")
    assert response.status_code == 302
    assert response["Location"] == "/console/login/?next=/console/"


def test_logging_in_lands_on_the_portal_list(db, client, agency):
    user = get_user_model().objects.create_user("agent", "agent@example.com", "agency-pass-9")
    agency.staff.add(user)
    response = client.post(
        "/console/login/", {"username": "agent", "password": "agency-pass-9"}, HTTP_HOST="localhost"
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert client.get("/console/", HTTP_HOST="localhost").status_code == 200


def test_a_user_in_no_agency_cannot_log_in(db, client):
    get_user_model().objects.create_user("loner", "l@example.com", "loner-pass-1")
    response = client.post(
        "/console/login/", {"username": "loner", "password": "loner-pass-1"}, HTTP_HOST="localhost"
    )
    assert response.status_code == 200
    assert "This account is not a member of any agency." in response.content.decode()


def test_agency_staff_create_a_tenant_from_the_form(staff_client, agency, django_capture_on_commit_callbacks):
    form = staff_client.get("/console/tenants/new/", HTTP_HOST="localhost")
    assert [key for key, _ in form.context["form"].fields["template"].choices] == [
        "member-mall",
        "service-desk",
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/console/tenants/new/", {**form_data(), "agency": agency.pk}, HTTP_HOST="localhost"
        )

    tenant = Tenant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/console/tenants/{tenant.pk}/"
    assert (tenant.name, tenant.schema_name, tenant.agency, tenant.portal_template.key) == (
        "Acme 咖啡",
        "acme",
        agency,
        "service-desk",
    )
    assert (tenant.default_language, tenant.time_zone, tenant.admin_email) == (
        "en",
        "Europe/Berlin",
        "boss@acme.example",
    )
    detail = staff_client.get(response["Location"], HTTP_HOST="localhost").content.decode()
    assert "acme.localhost (primary)" in detail
    assert "http://acme.localhost:8000/admin/password_reset/confirm/" in detail
    assert mail.outbox[0].to == ["boss@acme.example"]
    assert staff_client.get("/", HTTP_HOST="acme.localhost").status_code == 200
    # No contacts were given: the console says the portal shows placeholders for them.
    assert (
        "No customer-service e-mail or customer-service phone was given, so the portal&#x27;s pages "
        "show a placeholder in square brackets where it belongs." in detail
    )
    assert (
        "[Your customer-service e-mail]" in staff_client.get("/", HTTP_HOST="acme.localhost").content.decode()
    )


def test_the_brands_contacts_from_the_form_are_on_its_portal(staff_client, agency, client):
    contacts = {
        "contact_email": "care@acme-shop.com",
        "contact_phone": "400-820-1234",
        "website": "https://acme-shop.com/",
    }
    form = staff_client.get("/console/tenants/new/", HTTP_HOST="localhost").content.decode()
    for field in contacts:
        assert f'name="{field}"' in form

    response = staff_client.post(
        "/console/tenants/new/", {**form_data(**contacts), "agency": agency.pk}, HTTP_HOST="localhost"
    )

    assert response.status_code == 302
    detail = staff_client.get(response["Location"], HTTP_HOST="localhost").content.decode()
    assert "placeholder" not in detail
    contact = client.get("/contact/", HTTP_HOST="acme.localhost").content.decode()
    assert '<a class="channel" href="mailto:care@acme-shop.com">' in contact
    assert '<a class="channel" href="tel:400-820-1234">' in contact
    assert '<a class="button button-secondary" href="https://acme-shop.com/">Visit our website</a>' in contact


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"domain": "acme.localhost/shop"}, "is not a valid domain"),
        ({"domain": "localhost"}, "is not a valid domain"),
        ({"template": "nope"}, "Select a valid choice."),
        ({"admin_email": "nope"}, "Enter a valid email address."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_input_in_the_form_shows_the_error_and_creates_nothing(staff_client, agency, overrides, message):
    response = staff_client.post(
        "/console/tenants/new/", {**form_data(**overrides), "agency": agency.pk}, HTTP_HOST="localhost"
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Tenant.objects.count() == 0
    assert Domain.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("contact_email", "care at acme", "&#x27;care at acme&#x27; is not a valid email address."),
        ("contact_email", "care@", "&#x27;care@&#x27; is not a valid email address."),
        ("contact_phone", "call us", "&#x27;call us&#x27; is not a valid phone number"),
        ("contact_phone", "12345", "&#x27;12345&#x27; is not a valid phone number"),
        ("contact_phone", "4008201234567890123456", "is not a valid phone number"),
        ("website", "acme.com", "&#x27;acme.com&#x27; is not a valid website address"),
        ("website", "ftp://acme.com", "&#x27;ftp://acme.com&#x27; is not a valid website address"),
    ],
)
def test_a_bad_contact_is_refused_on_its_field_and_creates_nothing(
    staff_client, agency, field, value, message
):
    response = staff_client.post(
        "/console/tenants/new/", {**form_data(**{field: value}), "agency": agency.pk}, HTTP_HOST="localhost"
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    html = response.content.decode()
    field_html = html[html.index(f'name="{field}"') :]
    assert field_html.index(message) < field_html.index("</div>")  # under its own field
    assert Tenant.objects.count() == 0
    assert Domain.objects.count() == 0


def test_every_bad_contact_is_shown_at_once(staff_client, agency):
    bad = {"contact_email": "nope", "contact_phone": "nope", "website": "nope"}
    response = staff_client.post(
        "/console/tenants/new/", {**form_data(**bad), "agency": agency.pk}, HTTP_HOST="localhost"
    )

    assert sorted(response.context["form"].errors) == ["contact_email", "contact_phone", "website"]
    assert Tenant.objects.count() == 0


def test_a_taken_domain_is_refused_in_the_form(staff_client, agency, make_tenant):
    make_tenant("acme")
    response = staff_client.post(
        "/console/tenants/new/", {**form_data(), "agency": agency.pk}, HTTP_HOST="localhost"
    )
    assert "The domain acme.localhost is already used by another portal." in response.content.decode()
    assert Tenant.objects.count() == 1


def test_staff_cannot_create_tenants_for_another_agency(staff_client):
    from tenants.models import Agency

    other = Agency.objects.create(name="Other Agency")
    response = staff_client.post(
        "/console/tenants/new/", {**form_data(), "agency": other.pk}, HTTP_HOST="localhost"
    )
    assert response.status_code == 200
    assert Tenant.objects.count() == 0


def test_suspend_resume_archive_buttons(staff_client, make_tenant, client):
    tenant = make_tenant("acme").tenant
    url = f"/console/tenants/{tenant.pk}"

    staff_client.post(f"{url}/suspend/", HTTP_HOST="localhost")
    assert Tenant.objects.get(pk=tenant.pk).status == "suspended"
    staff_client.post(f"{url}/resume/", HTTP_HOST="localhost")
    assert Tenant.objects.get(pk=tenant.pk).status == "active"
    staff_client.post(f"{url}/archive/", HTTP_HOST="localhost")
    assert Tenant.objects.get(pk=tenant.pk).status == "archived"

    response = staff_client.post(f"{url}/resume/", HTTP_HOST="localhost", follow=True)
    assert "Acme is archived; it cannot be active now." in response.content.decode()
    assert staff_client.post(f"{url}/delete/", HTTP_HOST="localhost").status_code == 404
    assert staff_client.get(f"{url}/suspend/", HTTP_HOST="localhost").status_code == 405


def test_every_lifecycle_change_is_recorded_with_who_and_when(staff_client, make_tenant):
    from tenants.models import TenantAuditEntry

    tenant = make_tenant("acme").tenant  # from the command line: no user
    url = f"/console/tenants/{tenant.pk}"
    for action in ("suspend", "resume", "archive"):
        staff_client.post(f"{url}/{action}/", HTTP_HOST="localhost")
    staff_client.post(f"{url}/resume/", HTTP_HOST="localhost")  # refused: archived; not recorded

    entries = TenantAuditEntry.objects.filter(tenant=tenant).order_by("at", "pk")
    assert [(entry.action, entry.acting_username) for entry in entries] == [
        ("created", ""),
        ("suspended", "agent"),
        ("resumed", "agent"),
        ("archived", "agent"),
    ]
    assert entries[0].detail == {
        "template": "member-mall",
        "domain": "acme.localhost",
        "schema_source": "spare pool",
    }
    page = staff_client.get(url + "/", HTTP_HOST="localhost").content.decode()
    assert page.count("· agent</li>") == 3
    assert "· Created · command line or system</li>" in page


def test_a_tenant_made_in_the_console_records_the_agent(staff_client, agency):
    from tenants.models import TenantAuditEntry

    staff_client.post("/console/tenants/new/", {**form_data(), "agency": agency.pk}, HTTP_HOST="localhost")
    entry = TenantAuditEntry.objects.get(tenant__schema_name="acme")
    assert (entry.action, entry.acting_username, entry.acting_user.username) == ("created", "agent", "agent")
