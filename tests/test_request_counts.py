"""Requests each portal answered (issue 16, item 2's missing figure): counted in the web process's
memory, added to TenantRequestCount about once a minute, summed over 30 days by record_usage and
shown in the console's usage list, JSON and chart."""

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenants import services, usage
from tenants.models import TenantRequestCount, TenantUsage

BIGINT_MAX = 2**63 - 1


@pytest.fixture
def counter(settings):
    """The process's request counter, empty, flushing only when the test says (as in the test
    settings); set settings.REQUEST_COUNT_FLUSH_SECONDS for the timed flush."""
    settings.REQUEST_COUNT_FLUSH_SECONDS = None
    usage.request_counter.forget()
    yield usage.request_counter
    usage.request_counter.forget()


@pytest.fixture
def visitor():
    """A portal visitor on a client of its own (the console's client keeps its session)."""
    return Client()


@pytest.fixture
def staff_client(agency):
    staff = Client()
    agency.staff.add(get_user_model().objects.create_user("agent", "agent@example.com", "agency-pass-9"))
    staff.post("/console/login/", {"username": "agent", "password": "agency-pass-9"}, HTTP_HOST="localhost")
    return staff


def visit(client, host, paths, method="get"):
    """Requests to `host`; returns the status codes. The connection is back in public afterwards."""
    codes = [getattr(client, method)(path, HTTP_HOST=host).status_code for path in paths]
    connection.set_schema_to_public()
    return codes


def stored_counts():
    return sorted(TenantRequestCount.objects.values_list("tenant_id", "day", "count"))


def test_requests_are_counted_in_memory_and_a_flush_stores_them(make_tenant, counter, visitor):
    tenant = make_tenant("reqcount").tenant
    today = timezone.localdate()

    codes = visit(visitor, "reqcount.localhost", ["/", "/", "/no-such-page/", "/"])

    assert codes == [200, 200, 404, 200]  # the portal's own 404 is a request it answered
    assert stored_counts() == []  # nothing written by the requests
    assert counter.pending() == {(tenant.pk, today): 4}

    assert counter.flush() == 4

    assert stored_counts() == [(tenant.pk, today, 4)]
    assert counter.pending() == {}
    assert counter.flush() == 0
    assert stored_counts() == [(tenant.pk, today, 4)]


def test_redirects_refusals_unknown_hosts_and_the_console_are_not_counted(
    make_tenant, counter, visitor, django_capture_on_commit_callbacks
):
    tenant = make_tenant("reqhome").tenant
    paused = make_tenant("reqpaused").tenant
    with django_capture_on_commit_callbacks(execute=True):
        second = services.add_domain(tenant, "reqhome-shop.localhost")
        services.check_domain(
            second, fetch=lambda url: services.domain_verification_token(tenant.schema_name, second.domain)
        )
        services.add_domain(tenant, "reqhome-new.localhost")  # not verified
        services.suspend_tenant(paused)

    assert visit(visitor, "reqhome-shop.localhost", ["/", "/help/"]) == [301, 301]
    assert visit(visitor, "reqhome-new.localhost", ["/"]) == [404]
    assert visit(visitor, "nobody.localhost", ["/"]) == [404]
    assert visit(visitor, "reqpaused.localhost", ["/"]) == [503]
    assert visit(visitor, "localhost", ["/console/login/"]) == [200]
    assert counter.pending() == {}

    # A POST to the other domain is served in place (not redirected), so it counts.
    assert visit(visitor, "reqhome-shop.localhost", ["/graphql/"], method="post") == [400]
    assert counter.pending() == {(tenant.pk, timezone.localdate()): 1}


def test_two_tenants_are_counted_apart(make_tenant, counter, visitor):
    first = make_tenant("reqfirst").tenant
    second = make_tenant("reqsecond").tenant
    today = timezone.localdate()

    visit(visitor, "reqfirst.localhost", ["/", "/"])
    visit(visitor, "reqsecond.localhost", ["/"])
    visit(visitor, "reqfirst.localhost", ["/"])
    counter.flush()

    assert stored_counts() == [(first.pk, today, 3), (second.pk, today, 1)]


def test_a_flush_adds_to_the_days_row(make_tenant, counter, visitor):
    tenant = make_tenant("reqadd").tenant
    today = timezone.localdate()
    # What another web process added earlier today.
    TenantRequestCount.objects.create(tenant=tenant, day=today, count=10)

    visit(visitor, "reqadd.localhost", ["/", "/"])
    counter.flush()
    visit(visitor, "reqadd.localhost", ["/", "/", "/"])
    counter.flush()

    assert stored_counts() == [(tenant.pk, today, 15)]


def test_the_request_that_finds_the_interval_passed_flushes(make_tenant, counter, visitor, settings):
    tenant = make_tenant("reqtimed").tenant
    today = timezone.localdate()

    settings.REQUEST_COUNT_FLUSH_SECONDS = 60  # the default; the counter was emptied just now
    assert visit(visitor, "reqtimed.localhost", ["/", "/"]) == [200, 200]
    assert stored_counts() == []
    assert counter.pending() == {(tenant.pk, today): 2}

    settings.REQUEST_COUNT_FLUSH_SECONDS = 0
    response = visitor.get("/", HTTP_HOST="reqtimed.localhost")

    assert response.status_code == 200
    assert connection.schema_name == tenant.schema_name  # the request ran in its tenant's schema
    connection.set_schema_to_public()
    assert stored_counts() == [(tenant.pk, today, 3)]
    assert counter.pending() == {}


def test_a_warm_request_sends_no_query_for_counting_until_the_interval_passes(
    make_tenant, counter, visitor, settings
):
    make_tenant("reqquiet")
    settings.REQUEST_COUNT_FLUSH_SECONDS = 60
    visit(visitor, "reqquiet.localhost", ["/", "/help/"])  # warms the host cache and the pages

    with CaptureQueriesContext(connection) as counting:
        assert visitor.get("/help/", HTTP_HOST="reqquiet.localhost").status_code == 200
    settings.REQUEST_COUNT_FLUSH_SECONDS = 0
    with CaptureQueriesContext(connection) as flushing:
        assert visitor.get("/help/", HTTP_HOST="reqquiet.localhost").status_code == 200
    connection.set_schema_to_public()

    # A cached page: no query at all, counting included.
    assert counting.captured_queries == []
    # The request that finds the interval passed adds the counts in public, in one statement (in a
    # savepoint, as tests run in a transaction), and is then served from the cache as before.
    flush = [query["sql"] for query in flushing.captured_queries]
    assert [sql.split(" ")[0] for sql in flush] == ["SET", "SAVEPOINT", "INSERT", "RELEASE"]
    assert flush[0] == 'SET search_path = "public"'
    assert flush[2].startswith('INSERT INTO "public".tenants_tenantrequestcount (tenant_id, day, count)')


def test_a_failed_flush_keeps_the_counts_and_serves_the_request(make_tenant, counter, visitor, settings):
    tenant = make_tenant("reqfail").tenant
    today = timezone.localdate()
    row = TenantRequestCount.objects.create(tenant=tenant, day=today, count=BIGINT_MAX)  # one more overflows
    settings.REQUEST_COUNT_FLUSH_SECONDS = 0

    assert visit(visitor, "reqfail.localhost", ["/", "/"]) == [200, 200]

    assert counter.pending() == {(tenant.pk, today): 2}
    assert stored_counts() == [(tenant.pk, today, BIGINT_MAX)]  # the test's transaction still works
    TenantRequestCount.objects.filter(pk=row.pk).update(count=5)
    assert counter.flush() == 2
    assert stored_counts() == [(tenant.pk, today, 7)]


def test_counts_of_a_tenant_deleted_since_are_dropped(make_tenant, counter, visitor):
    kept = make_tenant("reqkept").tenant
    visit(visitor, "reqkept.localhost", ["/"])
    counter.count(987_654_321)  # no such tenant (any more)

    assert counter.flush() == 2

    assert stored_counts() == [(kept.pk, timezone.localdate(), 1)]
    assert counter.pending() == {}


def test_threads_counting_at_once_lose_no_request(counter):
    today = timezone.localdate()
    start = threading.Barrier(8)

    def count():
        start.wait()
        for _ in range(2000):
            counter.count(1)

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert counter.pending() == {(1, today): 16_000}


def test_record_usage_sums_the_30_days_up_to_the_day(make_tenant, counter, visitor):
    tenant = make_tenant("reqmonth").tenant
    other = make_tenant("reqother").tenant
    today = timezone.localdate()

    def days_ago(days):
        return today - datetime.timedelta(days=days)

    for day, count in [
        (days_ago(0), 1),
        (days_ago(29), 20),  # the oldest day counted
        (days_ago(30), 300),  # not counted
        (days_ago(400), 4000),  # kept
        (days_ago(401), 50000),  # older than KEEP_REQUEST_COUNT_DAYS: deleted
    ]:
        TenantRequestCount.objects.create(tenant=tenant, day=day, count=count)
    TenantRequestCount.objects.create(tenant=other, day=today, count=600000)
    visit(visitor, "reqmonth.localhost", ["/", "/"])  # this process's counts, not added yet

    row = usage.record_usage(tenant)

    assert row.requests_30d == 1 + 20 + 2
    assert counter.pending() == {}
    assert sorted(tenant.request_counts.values_list("day", "count")) == [
        (days_ago(400), 4000),
        (days_ago(30), 300),
        (days_ago(29), 20),
        (today, 3),
    ]
    # An earlier day: its own 30 days.
    assert usage.record_usage(tenant, day=days_ago(1)).requests_30d == 20 + 300
    assert usage.record_usage(other).requests_30d == 600000
    assert usage.record_usage(make_tenant("reqnobody").tenant).requests_30d == 0


def test_the_daily_job_adds_the_counts_from_the_tenants_schema(make_tenant, counter, visitor, in_tenant):
    tenant = make_tenant("reqdaily").tenant
    today = timezone.localdate()
    visit(visitor, "reqdaily.localhost", ["/", "/"])

    with in_tenant(tenant):
        usage.record_usage_of_current_tenant(today)
        assert connection.schema_name == tenant.schema_name  # the flush changed no schema

    assert list(tenant.usage.values_list("day", "requests_30d")) == [(today, 2)]
    assert stored_counts() == [(tenant.pk, today, 2)]


def test_the_console_lists_sorts_and_charts_the_requests(make_tenant, counter, visitor, staff_client):
    busy = make_tenant("reqbusy", name="Busy").tenant
    quiet = make_tenant("reqlow", name="Quiet").tenant
    before = make_tenant("reqbefore", name="Counted before").tenant
    visit(visitor, "reqbusy.localhost", ["/"] * 3)
    visit(visitor, "reqlow.localhost", ["/"])
    usage.record_usage(busy)
    usage.record_usage(quiet)
    # A row stored before requests were counted has none.
    TenantUsage.objects.filter(pk=usage.record_usage(before).pk).update(requests_30d=None)

    def names(sort):
        response = staff_client.get(f"/console/usage/?sort={sort}", HTTP_HOST="localhost")
        assert response.status_code == 200
        return [line["row"]["name"] for line in response.context["table"]]

    assert names("requests_30d") == ["Quiet", "Busy", "Counted before"]
    assert names("-requests_30d") == ["Busy", "Quiet", "Counted before"]
    page = staff_client.get("/console/usage/?sort=-requests_30d", HTTP_HOST="localhost").content.decode()
    assert (
        '<th scope="col" aria-sort="descending"><a href="?sort=requests_30d">Requests (30 days)</a> ↓</th>'
        in page
    )
    busy_line = page[page.index(f'href="/console/usage/{busy.pk}/"') :].split("</tr>")[0]
    before_line = page[page.index(f'href="/console/usage/{before.pk}/"') :].split("</tr>")[0]
    assert "<td>3</td>" in busy_line
    assert before_line.count("<td>—</td>") == 1

    as_json = staff_client.get("/console/usage.json?sort=-requests_30d", HTTP_HOST="localhost").json()
    assert [(row["name"], row["requests_30d"]) for row in as_json["tenants"]] == [
        ("Busy", 3),
        ("Quiet", 1),
        ("Counted before", None),
    ]

    detail = staff_client.get(f"/console/usage/{busy.pk}/", HTTP_HOST="localhost")
    charts = {str(chart["label"]): chart for chart in detail.context["charts"]}
    assert (charts["Requests (30 days)"]["latest"], charts["Requests (30 days)"]["top"]) == (3, 3)
    before_detail = staff_client.get(f"/console/usage/{before.pk}/", HTTP_HOST="localhost")
    assert "Requests (30 days)" not in [str(chart["label"]) for chart in before_detail.context["charts"]]
