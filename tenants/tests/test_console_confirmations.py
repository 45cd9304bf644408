"""The agency console asks before it takes a live portal offline: Suspend as Archive does."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from tenants.models import Tenant, TenantAuditEntry


@pytest.fixture
def staff_client(client, agency):
    user = get_user_model().objects.create_user("agent", "agent@example.com", "agency-pass-9")
    agency.staff.add(user)
    client.post("/console/login/", {"username": "agent", "password": "agency-pass-9"}, HTTP_HOST="localhost")
    return client


class ActionForms(HTMLParser):
    """The detail page's action forms: {action: onsubmit attribute (None when there is none)}."""

    def __init__(self):
        super().__init__()
        self.forms = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and re.search(r"/console/tenants/\d+/\w+/$", attrs.get("action", "")):
            self.forms[attrs["action"].rstrip("/").rsplit("/", 1)[1]] = attrs.get("onsubmit")


def action_forms(html: str) -> dict:
    parser = ActionForms()
    parser.feed(html)
    return parser.forms


def confirm_question(onsubmit: str) -> str:
    """The text the browser's confirm() shows: the JavaScript string, its escapes decoded."""
    inner = re.fullmatch(r"return confirm\('(.*)'\)", onsubmit).group(1)
    # Nothing in it closes the JavaScript string or the HTML attribute.
    assert "'" not in inner
    assert '"' not in inner
    return json.loads(f'"{inner}"')


SUSPEND_QUESTION = (
    "Suspend {name}? Its portal shows “temporarily unavailable” until you resume it; its data, admin "
    "and domains are kept."
)


@pytest.mark.parametrize("name", ["Acme", 'Tom\'s "Best" <Café> & Co; </script>'])
def test_suspend_asks_first_as_archive_does(staff_client, make_tenant, name):
    tenant = make_tenant("acme", name=name).tenant
    page = staff_client.get(f"/console/tenants/{tenant.pk}/", HTTP_HOST="localhost")

    forms = action_forms(page.content.decode())
    assert set(forms) == {"suspend", "archive", "export"}
    assert forms["export"] is None  # a download changes nothing: no question
    assert confirm_question(forms["suspend"]) == SUSPEND_QUESTION.format(name=name)
    assert confirm_question(forms["archive"]) == f"Archive {name}? The portal goes offline; its data is kept."


def test_opening_the_suspend_address_does_not_suspend(staff_client, make_tenant):
    tenant = make_tenant("acme").tenant

    response = staff_client.get(f"/console/tenants/{tenant.pk}/suspend/", HTTP_HOST="localhost")

    assert response.status_code == 405
    assert Tenant.objects.get(pk=tenant.pk).status == "active"
    assert list(TenantAuditEntry.objects.filter(tenant=tenant).values_list("action", flat=True)) == [
        "created"
    ]
    assert staff_client.get("/", HTTP_HOST="acme.localhost").status_code == 200


def test_the_confirmed_post_suspends(staff_client, make_tenant):
    tenant = make_tenant("acme").tenant

    response = staff_client.post(f"/console/tenants/{tenant.pk}/suspend/", HTTP_HOST="localhost")

    assert response.status_code == 302
    assert response["Location"] == f"/console/tenants/{tenant.pk}/"
    assert Tenant.objects.get(pk=tenant.pk).status == "suspended"
    entries = TenantAuditEntry.objects.filter(tenant=tenant).order_by("at", "pk")
    assert [(entry.action, entry.acting_username) for entry in entries] == [
        ("created", ""),
        ("suspended", "agent"),
    ]
    assert staff_client.get("/", HTTP_HOST="acme.localhost").status_code == 503
    # Suspended: Resume (no question, it brings the portal back) and Archive (still asked).
    page = staff_client.get(response["Location"], HTTP_HOST="localhost").content.decode()
    forms = action_forms(page)
    assert set(forms) == {"resume", "archive", "export"}
    assert forms["resume"] is None
