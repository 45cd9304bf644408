"""Brand staff in the Wagtail admin, for tests: an editor (Wagtail's "Editors" group: admin access
and none of the project's permissions), granted one permission at a time."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

EDITOR_PASSWORD = "editor-pass-1"
REFUSED = (302, "/admin/")  # Wagtail's refusal: back to the dashboard with "Sorry, you do not have ..."


def make_editor(username="editor"):
    """A staff user in the current schema's "Editors" group."""
    editor = get_user_model().objects.create_user(username, f"{username}@perm.example", EDITOR_PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    return editor


def grant(in_tenant, tenant, *permissions, username="editor"):
    """Give the staff user `permissions` ("app_label.codename") in `tenant`."""
    with in_tenant(tenant):
        user = get_user_model().objects.get(username=username)
        for permission in permissions:
            app_label, codename = permission.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def log_in(host: str, username="editor") -> Client:
    """A browser logged in to the admin on `host` through the real log-in form."""
    client = Client()
    response = client.post(
        "/admin/login/", {"username": username, "password": EDITOR_PASSWORD}, HTTP_HOST=host
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    return client


def answer(response):
    return (response.status_code, response.get("Location"))


def outcome(response):
    """200 for a page shown, (302, "/admin/") for Wagtail's refusal, anything else as it came."""
    return 200 if response.status_code == 200 else answer(response)
