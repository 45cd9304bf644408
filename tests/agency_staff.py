"""Agency console users for tests: a member of an agency with a role (and optionally limited to
some portals), a client logged in as them, and a POST to the console from an office address."""

from django.contrib.auth import get_user_model
from django.test import Client

from tenants.models import AgencyMembership

HOST = {"HTTP_HOST": "localhost"}
OFFICE = "10.9.8.7"
Role = AgencyMembership.Role


def member(agency, username, role=Role.OWNER, tenants=()):
    user = get_user_model().objects.create_user(username, f"{username}@agency.example", "agency-pass-9")
    membership = AgencyMembership.objects.create(agency=agency, user=user, role=role)
    membership.tenants.set(tenants)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data=None):
    return client.post(url, data or {}, REMOTE_ADDR=OFFICE, **HOST)
