"""`manage.py provision_tenants` (many tenants from a CSV file or from patterns) and
`manage.py fill_spare_pool`: a progress bar, each failing row reported while the others go on,
nothing half-made for a failed row, and a summary at the end."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tenants import schemas
from tenants.models import Domain, SpareSchema, Tenant, TenantAuditEntry

SUMMARY_WITH_FAILURES = re.compile(
    r"^Provisioned 2 of 4 tenants in \d+\.\d s \(\d+\.\d\d s each, median\); 2 failed:\n"
    r"  line 3 \(bad-email\.localhost\): admin_email: 'not-an-email' is not a valid email address\.\n"
    r"  line 5 \(north\.localhost\): domain: The domain north\.localhost is already used by another portal\.\n$"
)


def write_csv(tmp_path, text: str) -> str:
    path = tmp_path / "tenants.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_csv_provisions_every_good_row_reports_each_bad_one_and_exits_with_status_1(agency, tmp_path):
    csv_path = write_csv(
        tmp_path,
        "name,domain,template,admin_email,schema_name,language,time_zone\n"
        "North Coffee,north.localhost,member-mall,Admin@North.example,,en,Europe/London\n"
        "Bad Email,bad-email.localhost,member-mall,not-an-email,,,\n"
        "South Help,south.localhost,service-desk,admin@south.example,south_desk,,\n"
        "North Again,north.localhost,member-mall,admin@again.example,,,\n",
    )
    tenants_before, spares_before = Tenant.objects.count(), SpareSchema.objects.count()
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match=r"^2 of 4 tenants were not provisioned\.$"):
        call_command("provision_tenants", agency=agency.name, csv_path=csv_path, stdout=out, stderr=err)

    created = Tenant.objects.filter(agency=agency).order_by("schema_name")
    assert [(t.name, t.schema_name, t.admin_email, t.default_language, t.time_zone) for t in created] == [
        ("North Coffee", "north", "admin@north.example", "en", "Europe/London"),
        ("South Help", "south_desk", "admin@south.example", "zh-hans", "Asia/Shanghai"),
    ]
    assert Tenant.objects.count() == tenants_before + 2
    assert sorted(Domain.objects.filter(tenant__agency=agency).values_list("domain", flat=True)) == [
        "north.localhost",
        "south.localhost",
    ]
    assert TenantAuditEntry.objects.filter(tenant__agency=agency, action="created").count() == 2
    # Nothing of the failed rows: no schema, no domain, no spare used up.
    assert not schemas.schema_exists("bad_email")
    assert not Domain.objects.filter(domain="bad-email.localhost").exists()
    assert SpareSchema.objects.count() == spares_before - 2
    assert err.getvalue() == (
        "Failed: line 3 (bad-email.localhost): admin_email: 'not-an-email' is not a valid email address.\n"
        "Failed: line 5 (north.localhost): domain: The domain north.localhost is already used by another portal.\n"
    )
    progress, summary = out.getvalue().split("Provisioned", 1)
    assert (
        progress
        == "provisioned 1/4\nprovisioned 2/4, 1 failed\nprovisioned 3/4, 1 failed\nprovisioned 4/4, 2 failed\n"
    )
    assert SUMMARY_WITH_FAILURES.match("Provisioned" + summary), summary


def test_count_and_patterns_provision_numbered_tenants_for_load_tests(agency):
    out = io.StringIO()

    call_command(
        "provision_tenants",
        agency=agency.name,
        count=2,
        start=7,
        domain_pattern="load{n}.localhost",
        name_pattern="Load {n}",
        admin_email_pattern="ops+{n}@load.example",
        template="service-desk",
        stdout=out,
    )

    created = Tenant.objects.filter(agency=agency).order_by("schema_name")
    assert [(t.name, t.schema_name, t.admin_email, t.portal_template.key) for t in created] == [
        ("Load 7", "load7", "ops+7@load.example", "service-desk"),
        ("Load 8", "load8", "ops+8@load.example", "service-desk"),
    ]
    assert re.fullmatch(
        r"provisioned 1/2\nprovisioned 2/2\nProvisioned 2 of 2 tenants in \d+\.\d s \(\d+\.\d\d s each, median\)\.\n",
        out.getvalue(),
    ), out.getvalue()


def test_at_verbosity_0_only_failures_are_written(agency):
    out, err = io.StringIO(), io.StringIO()

    call_command("provision_tenants", agency=agency.name, count=1, verbosity=0, stdout=out, stderr=err)

    assert out.getvalue() == ""
    assert err.getvalue() == ""
    assert Tenant.objects.filter(agency=agency).count() == 1


def test_a_csv_without_a_required_column_or_an_unknown_agency_provisions_nothing(agency, tmp_path):
    csv_path = write_csv(tmp_path, "name,domain,admin_email\nNorth,north.localhost,a@north.example\n")
    tenants_before = Tenant.objects.count()

    with pytest.raises(CommandError, match=r"^The CSV file has no column template\.$"):
        call_command("provision_tenants", agency=agency.name, csv_path=csv_path, stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"^There is no agency called 'Nobody'\.$"):
        call_command("provision_tenants", agency="Nobody", count=1, stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"^Give either --csv FILE or --count N\.$"):
        call_command("provision_tenants", agency=agency.name, stdout=io.StringIO())

    assert Tenant.objects.count() == tenants_before


def test_fill_spare_pool_shows_progress_and_a_summary(db):
    held = SpareSchema.objects.count()
    out = io.StringIO()

    call_command("fill_spare_pool", size=held + 2, stdout=out)

    assert SpareSchema.objects.count() == held + 2
    assert re.fullmatch(
        rf"cloned 1/2\ncloned 2/2\nAdded 2 spare schemas in \d+\.\d s; the pool holds {held + 2}\.\n",
        out.getvalue(),
    ), out.getvalue()
    assert all(
        schemas.schema_exists(name) for name in SpareSchema.objects.values_list("schema_name", flat=True)
    )

    out = io.StringIO()
    call_command("fill_spare_pool", size=held, stdout=out)
    assert re.fullmatch(rf"Added 0 spare schemas in \d+\.\d s; the pool holds {held + 2}\.\n", out.getvalue())
