"""Usage per tenant (issue 16, item 2): the figures, the console's sortable list, its JSON, the chart."""

import datetime
import io
import os
import shutil
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page

from accounts.tests.factories import UserFactory
from core import jobs
from mall.tests.factories import ProductFactory, line, place
from members.tests.factories import MemberFactory
from tenants import usage
from tenants.models import Agency, Tenant, TenantUsage

# The member-mall starter portal's live pages under the tree's root: home, membership, help and
# contact, in Chinese and in English (counted in the test too).
MEMBER_MALL_PAGES = 8


@pytest.fixture
def staff_client(client, agency):
    user = get_user_model().objects.create_user("agent", "agent@example.com", "agency-pass-9")
    agency.staff.add(user)
    client.post("/console/login/", {"username": "agent", "password": "agency-pass-9"}, HTTP_HOST="localhost")
    return client


@pytest.fixture
def media_folder():
    """media_folder(schema) -> the tenant's media folder, removed after the test."""
    made = []

    def folder(schema_name):
        path = os.path.join(settings.MEDIA_ROOT, schema_name)
        made.append(path)
        return path

    yield folder
    for path in made:
        shutil.rmtree(path, ignore_errors=True)


def add_members(tenant, in_tenant, *, recent: int, earlier: int = 0):
    """Members whose users logged in 1 day ago (`recent`) or 40 days ago (`earlier`)."""
    now = timezone.now()
    with in_tenant(tenant):
        members = []
        for days, count in ((1, recent), (40, earlier)):
            for _ in range(count):
                member = MemberFactory()
                get_user_model().objects.filter(pk=member.user_id).update(
                    last_login=now - datetime.timedelta(days=days)
                )
                members.append(member)
    return members


def schema_bytes(schema_name):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n"
            " ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
            [schema_name],
        )
        return int(cursor.fetchone()[0])


def test_the_figures_of_a_provisioned_tenant(make_tenant, in_tenant, media_folder):
    tenant = make_tenant("usagefigures").tenant
    members = add_members(tenant, in_tenant, recent=2, earlier=1)
    now = timezone.now()
    with in_tenant(tenant):
        assert Page.objects.live().filter(depth__gt=1).count() == MEMBER_MALL_PAGES
        # A brand's staff logging in is not a customer; nor is a customer who is not a member.
        UserFactory(is_staff=True, last_login=now)
        UserFactory(last_login=now - datetime.timedelta(days=29, hours=23))
        UserFactory(last_login=now - datetime.timedelta(days=30, minutes=1))
        # The starter portal's pictures, as Wagtail's rows know them: originals and renditions.
        pictures = sum(image.file_size for image in get_image_model().objects.all()) + sum(
            os.path.getsize(rendition.file.path)
            for rendition in get_image_model().get_rendition_model().objects.all()
        )
        sku = ProductFactory().skus.get()
        place(members[0], line(sku))
        place(members[1], line(sku, 2))
    folder = os.path.join(media_folder(tenant.schema_name), "original_images", "abc")
    os.makedirs(folder)
    with open(os.path.join(folder, "a.jpg"), "wb") as file:
        file.write(b"x" * 1234)
    with open(os.path.join(folder, "b.jpg"), "wb") as file:
        file.write(b"y" * 66)

    row = usage.record_usage(tenant)

    assert connection.schema_name == "public"
    assert (row.tenant, row.day) == (tenant, timezone.localdate())
    assert {key: getattr(row, key) for key in usage.FIGURES} == {
        "pages": MEMBER_MALL_PAGES,
        "members": 3,
        "orders": 2,
        "bookings": 0,
        "active_customers_30d": 3,  # the two recent members and the customer of 29 days 23 hours
        "requests_30d": 0,  # nobody visited the portal (tests/test_request_counts.py counts them)
        "media_bytes": pictures + 1300,
        "database_bytes": schema_bytes(tenant.schema_name),
    }
    assert pictures > 0
    assert row.database_bytes > 1_000_000


def test_counting_again_the_same_day_replaces_the_row(make_tenant, in_tenant):
    tenant = make_tenant("usageagain").tenant
    first = usage.record_usage(tenant)
    add_members(tenant, in_tenant, recent=1)

    second = usage.record_usage(tenant)

    assert second.pk == first.pk
    assert list(TenantUsage.objects.filter(tenant=tenant).values_list("members", "active_customers_30d")) == [
        (1, 1)
    ]


def test_a_tenant_without_a_domain_table_has_none_for_it(make_tenant):
    tenant = make_tenant("usagenoshop").tenant
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{tenant.schema_name}".service_appointment CASCADE')

    figures = usage.count_usage(tenant.schema_name)

    assert (figures["bookings"], figures["orders"], figures["members"]) == (None, 0, 0)


def test_the_command_counts_every_tenant_but_the_archived(make_tenant):
    live = make_tenant("usagelive").tenant
    archived = make_tenant("usagegone").tenant
    Tenant.objects.filter(pk=archived.pk).update(status=Tenant.Status.ARCHIVED)

    call_command("record_usage", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert list(TenantUsage.objects.values_list("tenant__schema_name", "pages")) == [
        (live.schema_name, MEMBER_MALL_PAGES)
    ]


def test_the_command_shows_progress_and_a_summary_or_a_line_per_tenant(make_tenant):
    first, second = make_tenant("usagebar1").tenant, make_tenant("usagebar2").tenant

    out = io.StringIO()
    call_command("record_usage", stdout=out)
    detailed = io.StringIO()
    call_command("record_usage", stdout=detailed, verbosity=2)

    lines = out.getvalue().splitlines()
    assert lines[:-1] == ["counted 1/2", "counted 2/2"]  # outside a terminal: a line per tenth
    assert lines[-1].startswith("Usage recorded for 2 tenants in ")
    lines = detailed.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == sorted([first.schema_name, second.schema_name])
    assert lines[0].split(": ")[1].startswith(f"{MEMBER_MALL_PAGES} pages, 0 active customers, 0 requests")


def test_the_daily_schedule_counts_each_tenant_in_its_time_zone(make_tenant, in_tenant):
    tenant = make_tenant("usagedaily").tenant
    shanghai_0300 = datetime.datetime(2026, 11, 25, 3, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    with in_tenant(tenant):
        assert "tenants.usage" not in jobs.run_due_jobs(
            "Asia/Shanghai", now=shanghai_0300 - datetime.timedelta(minutes=1), only=["tenants.usage"]
        )
        ran = jobs.run_due_jobs("Asia/Shanghai", now=shanghai_0300, only=["tenants.usage"])
        again = jobs.run_due_jobs(
            "Asia/Shanghai", now=shanghai_0300 + datetime.timedelta(hours=1), only=["tenants.usage"]
        )

    assert ran["tenants.usage"]["pages"] == MEMBER_MALL_PAGES
    assert "tenants.usage" not in again
    assert list(TenantUsage.objects.values_list("tenant", "day", "pages")) == [
        (tenant.pk, datetime.date(2026, 11, 25), MEMBER_MALL_PAGES)
    ]


def test_the_list_is_sorted_by_any_column(staff_client, make_tenant, in_tenant):
    small = make_tenant("usagesmall", name="Beta").tenant
    big = make_tenant("usagebig", name="alpha").tenant
    never = make_tenant("usagenever", name="Gamma").tenant
    add_members(big, in_tenant, recent=2)
    add_members(small, in_tenant, recent=1, earlier=3)
    usage.record_usage(small)
    usage.record_usage(big)

    def names(sort):
        response = staff_client.get(f"/console/usage/?sort={sort}", HTTP_HOST="localhost")
        assert response.status_code == 200
        return [line["row"]["name"] for line in response.context["table"]]

    assert names("name") == ["alpha", "Beta", "Gamma"]
    assert names("-name") == ["Gamma", "Beta", "alpha"]
    assert names("members") == ["alpha", "Beta", "Gamma"]  # never counted: last either way
    assert names("-members") == ["Beta", "alpha", "Gamma"]
    assert names("active_customers_30d") == ["Beta", "alpha", "Gamma"]
    assert names("-active_customers_30d") == ["alpha", "Beta", "Gamma"]
    assert names("nonsense") == ["alpha", "Beta", "Gamma"]
    page = staff_client.get("/console/usage/?sort=-members", HTTP_HOST="localhost").content.decode()
    assert '<th scope="col" aria-sort="descending"><a href="?sort=members">Members</a> ↓</th>' in page
    assert f'href="/console/usage/{never.pk}/"' in page


def test_the_list_reads_the_figures_in_two_queries(make_tenant, django_assert_num_queries):
    for label in ("usageq1", "usageq2", "usageq3"):
        usage.record_usage(make_tenant(label).tenant)

    with django_assert_num_queries(2):
        rows = usage.usage_rows(Tenant.objects.all(), sort="-pages")

    assert len(rows) == 3


def test_the_json_rows(staff_client, make_tenant, in_tenant):
    tenant = make_tenant("usagejson", name="Json Brand").tenant
    add_members(tenant, in_tenant, recent=1)
    row = usage.record_usage(tenant)
    other = make_tenant("usagejson2", name="Another").tenant

    response = staff_client.get("/console/usage.json?sort=-pages", HTTP_HOST="localhost")

    assert response.status_code == 200
    assert response.json() == {
        "tenants": [
            {
                "id": tenant.pk,
                "name": "Json Brand",
                "schema_name": "usagejson",
                "status": "active",
                "day": timezone.localdate().isoformat(),
                "pages": MEMBER_MALL_PAGES,
                "members": 1,
                "orders": 0,
                "bookings": 0,
                "active_customers_30d": 1,
                "requests_30d": 0,
                "media_bytes": row.media_bytes,
                "database_bytes": row.database_bytes,
            },
            {
                "id": other.pk,
                "name": "Another",
                "schema_name": "usagejson2",
                "status": "active",
                "day": None,
                **dict.fromkeys(usage.FIGURES),
            },
        ]
    }


def test_another_agencys_tenants_are_not_shown(staff_client, make_tenant):
    mine = make_tenant("usagemine").tenant
    theirs = make_tenant("usagetheirs", owner=Agency.objects.create(name="Other agency")).tenant
    usage.record_usage(mine)
    usage.record_usage(theirs)

    listed = staff_client.get("/console/usage/", HTTP_HOST="localhost")
    as_json = staff_client.get("/console/usage.json", HTTP_HOST="localhost").json()

    assert [line["row"]["id"] for line in listed.context["table"]] == [mine.pk]
    assert [row["id"] for row in as_json["tenants"]] == [mine.pk]
    assert staff_client.get(f"/console/usage/{theirs.pk}/", HTTP_HOST="localhost").status_code == 404
    refresh = staff_client.post(f"/console/usage/{theirs.pk}/refresh/", HTTP_HOST="localhost")
    assert refresh.status_code == 404
    assert TenantUsage.objects.filter(tenant=theirs).count() == 1


@pytest.mark.parametrize("path", ["/console/usage/", "/console/usage.json", "/console/usage/1/"])
def test_anonymous_visitors_are_sent_to_log_in(db, client, path):
    response = client.get(path, HTTP_HOST="localhost")

    assert response.status_code == 302
    assert response["Location"] == f"/console/login/?next={path}"


def test_a_user_in_no_agency_is_refused(db, client, make_tenant):
    tenant = make_tenant("usagerefused").tenant
    client.force_login(get_user_model().objects.create_user("loner", "l@example.com", "loner-pass-1"))

    assert client.get("/console/usage.json", HTTP_HOST="localhost").status_code == 404
    assert client.post(f"/console/usage/{tenant.pk}/refresh/", HTTP_HOST="localhost").status_code == 404
    assert not TenantUsage.objects.exists()


def test_refresh_now_and_the_chart_over_the_days(staff_client, make_tenant, in_tenant):
    tenant = make_tenant("usagechart").tenant
    today = timezone.localdate()
    usage.record_usage(tenant, day=today - datetime.timedelta(days=2))
    add_members(tenant, in_tenant, recent=2)

    response = staff_client.post(f"/console/usage/{tenant.pk}/refresh/", HTTP_HOST="localhost")

    assert response.status_code == 302
    assert response["Location"] == f"/console/usage/{tenant.pk}/"
    assert list(tenant.usage.order_by("day").values_list("day", "members")) == [
        (today - datetime.timedelta(days=2), 0),
        (today, 2),
    ]
    page = staff_client.get(response["Location"], HTTP_HOST="localhost")
    charts = {str(chart["label"]): chart for chart in page.context["charts"]}
    assert list(charts) == [
        "Pages",
        "Members",
        "Orders",
        "Bookings",
        "Active customers (30 days)",
        "Requests (30 days)",
        "Media",
        "Database",
    ]
    assert charts["Members"]["points"] == "0.0,120.0 480.0,0.0"
    assert charts["Pages"]["points"] == "0.0,0.0 480.0,0.0"
    assert (charts["Orders"]["points"], charts["Orders"]["top"]) == ("0.0,120.0 480.0,120.0", 0)
    assert '<polyline points="0.0,120.0 480.0,0.0"' in page.content.decode()
