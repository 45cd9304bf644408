"""Talking to a brand's portal through the test client, as a customer's browser would."""

from django.test import Client


def host(tenant) -> str:
    return tenant.domains.get().domain


def log_in(client: Client, tenant, login, password, **extra):
    return client.post(
        "/accounts/login/", {"login": login, "password": password}, HTTP_HOST=host(tenant), **extra
    )


def is_logged_in(client: Client, tenant) -> bool:
    """The profile page answers 200 to a logged-in customer and redirects anyone else."""
    return client.get("/account/profile/", HTTP_HOST=host(tenant)).status_code == 200
