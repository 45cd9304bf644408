"""What brand staff do in the admin: find members, export them, adjust points, scan cards."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from members import services
from members.models import LedgerSource, Member, MemberLevel, PointsEntry


@pytest.fixture
def shop(make_tenant, in_tenant):
    tenant = make_tenant("lumen", default_language="en").tenant
    with in_tenant(tenant):
        gold = MemberLevel.objects.create(name="Gold", threshold_points=0)
        get_user_model().objects.create_superuser("boss", "boss@lumen.example", "boss-pass-1")
        for name, points in (("mei", 120), ("li", 40)):
            user = get_user_model().objects.create_user(name, f"{name}@example.com")
            member = services.enrol_member(user)
            member.level = gold
            member.save()
            services.add_points(
                member, points, reason="Welcome", source=LedgerSource.MANUAL, idempotency_key="w"
            )
    return tenant


def staff_client(host="lumen.localhost"):
    client = Client()
    client.post("/admin/login/", {"username": "boss", "password": "boss-pass-1"}, HTTP_HOST=host)
    return client


def member_named(tenant, in_tenant, name) -> Member:
    with in_tenant(tenant):
        return Member.objects.select_related("user").get(user__username=name)


def listing_rows(html: str) -> list[list[str]]:
    """The member list's rows as [code, user, level, points, stored value], read from the page."""
    table = html.split('<table class="listing">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1] if "<tbody>" in table else ""
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
        cells = [
            re.sub(r"<[^>]+>", " ", cell).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        rows.append([cell[0] if cell else "" for cell in cells[:5]])
    return rows


def test_member_list_searches_and_exports_csv(shop, in_tenant):
    mei, li = member_named(shop, in_tenant, "mei"), member_named(shop, in_tenant, "li")
    client = staff_client()
    everyone = client.get("/admin/members_member/", HTTP_HOST="lumen.localhost")
    assert sorted(listing_rows(everyone.content.decode())) == sorted(
        [[mei.code, "mei", "Gold", "120", "0"], [li.code, "li", "Gold", "40", "0"]]
    )

    found = client.get("/admin/members_member/", {"q": "mei"}, HTTP_HOST="lumen.localhost")
    assert [member.pk for member in found.context["object_list"]] == [mei.pk]
    html = found.content.decode()
    assert listing_rows(html) == [[mei.code, "mei", "Gold", "120", "0"]]
    assert li.code not in html
    assert f"/admin/members_member/edit/{li.pk}/" not in html

    # By e-mail too: the search reads data the list does not show.
    by_email = client.get("/admin/members_member/", {"q": "li@example.com"}, HTTP_HOST="lumen.localhost")
    assert [member.pk for member in by_email.context["object_list"]] == [li.pk]
    assert listing_rows(by_email.content.decode()) == [[li.code, "li", "Gold", "40", "0"]]

    export = client.get("/admin/members_member/?export=csv", HTTP_HOST="lumen.localhost")
    assert export.status_code == 200
    rows = b"".join(export.streaming_content).decode().strip().splitlines()
    assert len(rows) == 3
    assert sorted(row.split(",")[1] for row in rows[1:]) == ["li@example.com", "mei@example.com"]


def test_staff_adjust_points_with_a_reason_only(shop, in_tenant):
    member = member_named(shop, in_tenant, "mei")
    client = staff_client()
    url = f"/admin/members_member/{member.pk}/ledgers/"
    page = client.get(url, HTTP_HOST="lumen.localhost")
    key = page.context["form"]["idempotency_key"].value()

    refused = client.post(
        url, {"points": "-500", "reason": "Oops", "idempotency_key": key}, HTTP_HOST="lumen.localhost"
    )
    assert "Not enough points: 120 available, 500 asked for." in refused.content.decode()
    missing = client.post(
        url, {"points": "10", "reason": "", "idempotency_key": key}, HTTP_HOST="lumen.localhost"
    )
    assert missing.status_code == 200
    with in_tenant(shop):
        assert Member.objects.get(pk=member.pk).points == 120

    done = client.post(
        url, {"points": "-20", "reason": "Broken cup", "idempotency_key": key}, HTTP_HOST="lumen.localhost"
    )
    assert done.status_code == 302
    again = client.post(
        url, {"points": "-20", "reason": "Broken cup", "idempotency_key": key}, HTTP_HOST="lumen.localhost"
    )
    assert again.status_code == 302  # a double submit counts once
    with in_tenant(shop):
        assert Member.objects.get(pk=member.pk).points == 100
        entry = PointsEntry.objects.get(member=member, reason="Broken cup")
        assert (entry.delta, entry.source, entry.acting_user.username) == (-20, "manual", "boss")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("hello", "That is not a member code"),
        ("M1:0000000000000000", "No member has the code 0000000000000000."),
    ],
)
def test_scan_page_explains_bad_codes(shop, in_tenant, code, message):
    codes = [member_named(shop, in_tenant, name).code for name in ("mei", "li")]
    page = staff_client().get("/admin/members_member/scan/", {"code": code}, HTTP_HOST="lumen.localhost")
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["member"] is None
    assert f'<div class="help-block help-critical" role="alert"><p>{message}' in html
    assert "<h2>" not in html  # no member shown
    assert 'name="points"' not in html  # and no points form
    assert not [member_code for member_code in codes if member_code in html]


@pytest.mark.parametrize("typed", ["M1:{code}", "{spaced}"], ids=["scanned", "typed"])
def test_scan_finds_the_member_and_adds_points(shop, in_tenant, typed):
    member = member_named(shop, in_tenant, "li")
    other = member_named(shop, in_tenant, "mei")
    client = staff_client()
    spaced = " ".join(member.code.lower()[i : i + 4] for i in range(0, 16, 4))  # as a person types it
    found = client.get(
        "/admin/members_member/scan/",
        {"code": typed.format(code=member.code, spaced=spaced)},
        HTTP_HOST="lumen.localhost",
    )
    html = found.content.decode()
    assert found.context["member"].pk == member.pk
    assert found.context["error"] == ""
    # Read from the database, not echoed from the request: the member's name, level and points.
    assert f"<h2>li · {member.code}</h2>" in html
    assert re.search(r"<p><strong>Gold</strong> · [^<]*\b40 · ", html)
    assert other.code not in html
    key = found.context["form"]["idempotency_key"].value()
    response = client.post(
        f"/admin/members_member/scan/?code={member.code}",
        {"points": "15", "reason": "Latte", "idempotency_key": key},
        HTTP_HOST="lumen.localhost",
    )
    assert response.status_code == 302
    with in_tenant(shop):
        assert Member.objects.get(pk=member.pk).points == 55


def test_staff_of_another_tenant_see_none_of_these_members(shop, make_tenant, in_tenant):
    other = make_tenant("bravo").tenant
    with in_tenant(other):
        get_user_model().objects.create_superuser("boss", "boss@bravo.example", "boss-pass-1")
    member = member_named(shop, in_tenant, "mei")
    client = staff_client("bravo.localhost")
    listing = client.get("/admin/members_member/", HTTP_HOST="bravo.localhost").content.decode()
    assert "mei" not in listing
    assert (
        client.get(f"/admin/members_member/{member.pk}/ledgers/", HTTP_HOST="bravo.localhost").status_code
        == 404
    )
