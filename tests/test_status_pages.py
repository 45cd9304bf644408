from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants import services


def test_unknown_host_gets_the_projects_404_page(db, client):
    response = client.get("/", HTTP_HOST="nobody.localhost")

    assert response.status_code == 404
    assert "There is no portal at <strong>nobody.localhost</strong>" in response.content.decode()


def test_suspended_tenant_gets_a_503_naming_the_brand_and_comes_back_on_resume(
    make_tenant, client, django_capture_on_commit_callbacks
):
    tenant = make_tenant("acme", name="Acme 咖啡").tenant
    assert client.get("/", HTTP_HOST="acme.localhost").status_code == 200  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        services.suspend_tenant(tenant)
    response = client.get("/", HTTP_HOST="acme.localhost")
    assert response.status_code == 503
    assert "<h1>Acme 咖啡 is temporarily unavailable</h1>" in response.content.decode()
    assert client.get("/admin/login/", HTTP_HOST="acme.localhost").status_code == 503

    with django_capture_on_commit_callbacks(execute=True):
        services.resume_tenant(tenant)
    assert client.get("/", HTTP_HOST="acme.localhost").status_code == 200


def test_archived_tenant_is_a_404(make_tenant, client, django_capture_on_commit_callbacks):
    tenant = make_tenant("acme").tenant
    with django_capture_on_commit_callbacks(execute=True):
        services.archive_tenant(tenant)

    response = client.get("/", HTTP_HOST="acme.localhost")
    assert response.status_code == 404
    assert "There is no portal at <strong>acme.localhost</strong>" in response.content.decode()


def test_a_portal_request_sets_the_search_path_once_and_looks_the_host_up_from_cache(
    make_tenant, client, settings
):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0  # render the page, not a cached copy
    make_tenant("acme")
    # An inner page: its route is read from the database (the home page alone comes entirely
    # from the caches and sends no query at all, not even SET search_path).
    client.get("/help/", HTTP_HOST="acme.localhost")  # warms the host cache and Wagtail's caches

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/help/", HTTP_HOST="acme.localhost")

    assert response.status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert sum(sql.startswith("SET search_path") for sql in statements) == 1
    assert not any("tenants_domain" in sql for sql in statements)
    assert not any("django_content_type" in sql for sql in statements)
