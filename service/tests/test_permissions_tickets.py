"""Every requests admin screen checks a permission: a brand editor (Wagtail's "Editors" group, which
gives admin access and nothing of the service desk) is refused until granted the one permission a
screen needs, and a refused POST changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail import hooks

from accounts.tests.factories import UserFactory
from service import services
from service.models import RequestType, Team, Ticket, TicketEvent, TicketMessage
from service.tests.factories import RequestTypeFactory
from tests.staff import REFUSED, answer, grant, make_editor, outcome
from tests.staff import log_in as log_in_on

HOST = "svcperm.localhost"


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("svcperm", default_language="en").tenant
    with in_tenant(tenant):
        team = Team.objects.create(name="After-sales")
        request_type = RequestTypeFactory(name="Repair", slug="repair", team=team, sla={"normal": (4, 48)})
        customer = UserFactory(username="lin", email="lin@example.com")
        ticket = services.submit_request(
            request_type, subject="The zip broke", message="On the first day.", user=customer
        )
        get_user_model().objects.create_user("agent", "agent@brand.example", "agent-pass-1", is_staff=True)
        make_editor()
    return tenant, request_type, team, ticket


def log_in() -> Client:
    return log_in_on(HOST)


def admin_urls(request_type, team, ticket):
    return {
        "queue": "/admin/service/tickets/",
        "queue results": "/admin/service/tickets/results/",
        "queue csv": "/admin/service/tickets/?export=csv",
        "request page": f"/admin/service/tickets/{ticket.pk}/",
        "new request": "/admin/service/tickets/new/",
        "satisfaction": "/admin/service/satisfaction/",
        "type list": "/admin/service/request-types/",
        "type list results": "/admin/service/request-types/results/",
        "type add": "/admin/service/request-types/new/",
        "type edit": f"/admin/service/request-types/edit/{request_type.pk}/",
        "type delete": f"/admin/service/request-types/delete/{request_type.pk}/",
        "type history": f"/admin/service/request-types/history/{request_type.pk}/",
        "type usage": f"/admin/service/request-types/usage/{request_type.pk}/",
        "team list": "/admin/service/teams/",
        "team list results": "/admin/service/teams/results/",
        "team add": "/admin/service/teams/new/",
        "team edit": f"/admin/service/teams/edit/{team.pk}/",
        "team delete": f"/admin/service/teams/delete/{team.pk}/",
        "team history": f"/admin/service/teams/history/{team.pk}/",
        "team usage": f"/admin/service/teams/usage/{team.pk}/",
    }


QUEUE = {"queue", "queue results", "request page"}
TYPE_LIST = {"type list", "type list results"}
TEAM_LIST = {"team list", "team list results"}

# What each permission opens on its own; every other URL answers with the refusal.
OPENS = {
    None: set(),
    "service.view_ticket": {*QUEUE, "queue csv", "satisfaction"},
    "service.work_ticket": {*QUEUE, "new request"},
    "service.view_requesttype": TYPE_LIST,
    "service.add_requesttype": {*TYPE_LIST, "type add", "type history"},
    "service.change_requesttype": {*TYPE_LIST, "type edit", "type history", "type usage"},
    "service.delete_requesttype": {*TYPE_LIST, "type delete", "type history"},
    "service.view_team": TEAM_LIST,
    "service.add_team": {*TEAM_LIST, "team add", "team history"},
    "service.change_team": {*TEAM_LIST, "team edit", "team history", "team usage"},
    "service.delete_team": {*TEAM_LIST, "team delete", "team history"},
}


@pytest.mark.parametrize("permission", list(OPENS), ids=lambda permission: str(permission))
def test_each_screen_opens_only_with_its_permission(brand, in_tenant, permission):
    tenant, *rows = brand
    if permission:
        grant(in_tenant, tenant, permission)
    client = log_in()
    urls = admin_urls(*rows)
    answers = {name: outcome(client.get(url, HTTP_HOST=HOST)) for name, url in urls.items()}
    assert answers == {name: 200 if name in OPENS[permission] else REFUSED for name in urls}


def test_the_group_editor_offers_the_permissions_the_screens_check(brand, in_tenant):
    tenant, *_rows = brand
    with in_tenant(tenant):
        offered = {
            f"{permission.content_type.app_label}.{permission.codename}"
            for hook in hooks.get_hooks("register_permissions")
            for permission in hook()
            if permission.content_type.app_label == "service"
            and permission.content_type.model in {"ticket", "requesttype", "team"}
        }
    assert offered == set(OPENS) - {None}


def test_the_menu_shows_only_the_screens_staff_may_open(brand, in_tenant):
    tenant, *_rows = brand
    client = log_in()
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/service/" not in dashboard

    grant(in_tenant, tenant, "service.work_ticket")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/service/tickets/" in dashboard
    assert "/admin/service/satisfaction/" not in dashboard
    assert "/admin/service/request-types/" not in dashboard
    assert "/admin/service/teams/" not in dashboard

    grant(in_tenant, tenant, "service.view_ticket")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/service/satisfaction/" in dashboard


def ticket_state(in_tenant, tenant):
    with in_tenant(tenant):
        return (
            list(
                Ticket.objects.order_by("pk").values_list(
                    "subject",
                    "status",
                    "priority",
                    "assignee__username",
                    "team__name",
                    "tags",
                    "escalated_at",
                )
            ),
            list(TicketMessage.objects.order_by("pk").values_list("body", "internal")),
            list(TicketEvent.objects.order_by("pk").values_list("action", "new_value")),
        )


def action_posts(ticket, agent_pk, team_pk):
    base = f"/admin/service/tickets/{ticket.pk}"
    return {
        f"{base}/reply/": {"reply-body": "Send us a photo.", "reply-then": "waiting"},
        f"{base}/note/": {"note-body": "Second zip this month."},
        f"{base}/status/": {"status-status": "resolved"},
        f"{base}/assign/": {"assign-assignee": str(agent_pk), "assign-team": str(team_pk)},
        f"{base}/priority/": {"priority-priority": "urgent"},
        f"{base}/tags/": {"tags-tags": "zip, warranty"},
        f"{base}/escalate/": {"escalate-reason": "Angry customer"},
        "/admin/service/tickets/bulk/": {"action": "close", "ticket": [str(ticket.pk)]},
        "/admin/service/tickets/new/": {
            "request_type": "",
            "channel": "phone",
            "phone": "13800000000",
            "subject": "Phoned in",
            "message": "About the zip.",
        },
    }


def test_seeing_requests_does_not_allow_changing_them(brand, in_tenant):
    """Every form and the bulk actions are refused to staff who may only look, and change nothing;
    working requests allows them, through the services."""
    tenant, request_type, team, ticket = brand
    with in_tenant(tenant):
        agent_pk = get_user_model().objects.get(username="agent").pk
    grant(in_tenant, tenant, "service.view_ticket")
    client = log_in()
    page = client.get(f"/admin/service/tickets/{ticket.pk}/", HTTP_HOST=HOST)
    assert page.context["forms"] == []
    assert "/reply/" not in page.content.decode()
    listing = client.get("/admin/service/tickets/", HTTP_HOST=HOST)
    assert 'form="ticket-bulk"' not in listing.content.decode()
    assert "/admin/service/tickets/new/" not in listing.content.decode()

    before = ticket_state(in_tenant, tenant)
    posts = action_posts(ticket, agent_pk, team.pk)
    posts["/admin/service/tickets/new/"]["request_type"] = str(request_type.pk)
    assert {
        url: answer(client.post(url, data, HTTP_HOST=HOST)) for url, data in posts.items()
    } == dict.fromkeys(posts, REFUSED)
    assert ticket_state(in_tenant, tenant) == before

    grant(in_tenant, tenant, "service.work_ticket")
    page = client.get(f"/admin/service/tickets/{ticket.pk}/", HTTP_HOST=HOST)
    assert [entry["action"].name for entry in page.context["forms"]] == [
        "reply",
        "note",
        "status",
        "assign",
        "priority",
        "tags",
        "escalate",
    ]
    response = client.post(
        f"/admin/service/tickets/{ticket.pk}/assign/",
        {"assign-assignee": str(agent_pk), "assign-team": str(team.pk)},
        HTTP_HOST=HOST,
    )
    assert answer(response) == (302, f"/admin/service/tickets/{ticket.pk}/")
    with in_tenant(tenant):
        last = TicketEvent.objects.filter(ticket=ticket).latest("pk")
        assert (last.action, last.old_value, last.new_value, last.actor.username) == (
            "assigned",
            "",
            "agent",
            "editor",
        )


def test_the_csv_needs_the_view_permission(brand, in_tenant):
    """Working requests shows the queue, but the download is for staff who may view them."""
    tenant, _request_type, _team, ticket = brand
    grant(in_tenant, tenant, "service.work_ticket")
    client = log_in()
    listing = client.get("/admin/service/tickets/", HTTP_HOST=HOST).content.decode()
    assert "export=csv" not in listing
    assert answer(client.get("/admin/service/tickets/?export=csv", HTTP_HOST=HOST)) == REFUSED

    grant(in_tenant, tenant, "service.view_ticket")
    listing = client.get("/admin/service/tickets/", HTTP_HOST=HOST).content.decode()
    assert "export=csv" in listing
    assert "export=xlsx" not in listing
    export = client.get("/admin/service/tickets/?export=csv", HTTP_HOST=HOST)
    assert (export.status_code, export["Content-Type"]) == (200, "text/csv")
    rows = b"".join(export.streaming_content).decode().strip().splitlines()
    assert [row.split(",")[0] for row in rows] == ["Number", ticket.number]


def test_the_forms_are_posts_only(brand, in_tenant):
    tenant, _request_type, _team, ticket = brand
    grant(in_tenant, tenant, "service.work_ticket")
    client = log_in()
    for name in ("reply", "note", "status", "assign", "priority", "tags", "escalate"):
        response = client.get(f"/admin/service/tickets/{ticket.pk}/{name}/", HTTP_HOST=HOST)
        assert (name, response.status_code) == (name, 405)
    assert client.get("/admin/service/tickets/bulk/", HTTP_HOST=HOST).status_code == 405


def catalogue(in_tenant, tenant):
    with in_tenant(tenant):
        return (
            list(RequestType.objects.order_by("pk").values_list("name", "is_active")),
            list(Team.objects.order_by("pk").values_list("name", flat=True)),
        )


def test_refused_request_type_and_team_posts_change_nothing(brand, in_tenant):
    tenant, request_type, team, _ticket = brand
    before = catalogue(in_tenant, tenant)
    assert ("Repair", True) in before[0]  # with the starter portal's types and teams
    assert "After-sales" in before[1]
    grant(in_tenant, tenant, "service.view_requesttype", "service.view_team")
    client = log_in()
    posts = {
        "/admin/service/request-types/new/": {"name": "Refund", "slug": "refund"},
        f"/admin/service/request-types/edit/{request_type.pk}/": {"name": "Renamed", "slug": "repair"},
        f"/admin/service/request-types/delete/{request_type.pk}/": {},
        "/admin/service/teams/new/": {"name": "Store 3"},
        f"/admin/service/teams/edit/{team.pk}/": {"name": "Renamed"},
        f"/admin/service/teams/delete/{team.pk}/": {},
    }
    assert {
        url: answer(client.post(url, data, HTTP_HOST=HOST)) for url, data in posts.items()
    } == dict.fromkeys(posts, REFUSED)
    assert catalogue(in_tenant, tenant) == before
