"""What brand staff do in the admin: find members, export them, adjust points, scan cards."""

import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from members import services
from members.models import BalanceEntry, LedgerSource, Member, MemberLevel, PointsEntry


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
        [[mei.code, "mei", "Gold", "120", "¥0.00"], [li.code, "li", "Gold", "40", "¥0.00"]]
    )

    found = client.get("/admin/members_member/", {"q": "mei"}, HTTP_HOST="lumen.localhost")
    assert [member.pk for member in found.context["object_list"]] == [mei.pk]
    html = found.content.decode()
    assert listing_rows(html) == [[mei.code, "mei", "Gold", "120", "¥0.00"]]
    assert li.code not in html
    assert f"/admin/members_member/edit/{li.pk}/" not in html

    # By e-mail too: the search reads data the list does not show.
    by_email = client.get("/admin/members_member/", {"q": "li@example.com"}, HTTP_HOST="lumen.localhost")
    assert [member.pk for member in by_email.context["object_list"]] == [li.pk]
    assert listing_rows(by_email.content.decode()) == [[li.code, "li", "Gold", "40", "¥0.00"]]

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


def top_up(tenant, in_tenant, member, cents, reason="Birthday gift"):
    with in_tenant(tenant):
        return services.top_up_balance(member, cents, reason=reason, idempotency_key=f"t-{cents}")


def test_member_list_shows_stored_value_in_the_brands_currency_and_links_to_the_ledgers(shop, in_tenant):
    mei = member_named(shop, in_tenant, "mei")
    top_up(shop, in_tenant, mei, 20000)
    client = staff_client()
    html = client.get("/admin/members_member/", {"q": "mei"}, HTTP_HOST="lumen.localhost").content.decode()
    ledgers = f"/admin/members_member/{mei.pk}/ledgers/"
    assert listing_rows(html) == [[mei.code, "mei", "Gold", "120", "¥200.00"]]
    assert f'<a href="{ledgers}">120</a>' in html
    assert f'<a href="{ledgers}">¥200.00</a>' in html
    assert re.search(
        rf'<a href="{ledgers}" class="" >\s*<svg[^>]*>.*?</svg>\s*Points and stored value', html, re.S
    )
    assert re.search(
        rf'<a href="/admin/members_member/{mei.pk}/top-up/" class="" >\s*<svg[^>]*>.*?</svg>\s*Top up stored value',
        html,
        re.S,
    )
    assert "20000" not in html

    # The spreadsheet keeps a number (summable), in currency units, with the currency named.
    export = client.get("/admin/members_member/?export=csv", HTTP_HOST="lumen.localhost")
    rows = b"".join(export.streaming_content).decode().strip().splitlines()
    assert rows[0].split(",")[5] == "Stored value (CNY)"
    assert sorted(row.split(",")[5] for row in rows[1:]) == ["0.00", "200.00"]
    xlsx = client.get("/admin/members_member/?export=xlsx", HTTP_HOST="lumen.localhost")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][5] == "Stored value (CNY)"
    assert sorted(row[5] for row in values[1:]) == [0, 200]

    # Still sorted by the amount, though shown formatted.
    richest = client.get(
        "/admin/members_member/", {"ordering": "-balance_cents"}, HTTP_HOST="lumen.localhost"
    )
    assert [member.pk for member in richest.context["object_list"]] == [
        mei.pk,
        member_named(shop, in_tenant, "li").pk,
    ]


def test_member_inspect_and_ledgers_show_money_in_the_brands_currency(shop, in_tenant):
    mei = member_named(shop, in_tenant, "mei")
    top_up(shop, in_tenant, mei, 20000)
    client = staff_client()
    inspect = client.get(f"/admin/members_member/inspect/{mei.pk}/", HTTP_HOST="lumen.localhost")
    fields = {
        label.strip(): value.strip()
        for label, value in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", inspect.content.decode(), re.S)
    }
    assert fields["Stored value"] == "¥200.00"
    assert "Stored value (cents)" not in fields
    header = inspect.content.decode().split("</header>", 1)[0]
    assert f'<a href="/admin/members_member/{mei.pk}/ledgers/" class="w-header-button button"' in header

    ledgers = client.get(f"/admin/members_member/{mei.pk}/ledgers/", HTTP_HOST="lumen.localhost")
    html = ledgers.content.decode()
    assert "Balance changed · Birthday gift · ¥200.00</li>" in html
    assert "20000" not in html


def test_member_edit_form_links_to_the_ledgers_and_the_top_up_form(shop, in_tenant):
    mei = member_named(shop, in_tenant, "mei")
    html = (
        staff_client()
        .get(f"/admin/members_member/edit/{mei.pk}/", HTTP_HOST="lumen.localhost")
        .content.decode()
    )
    header = html.split("</header>", 1)[0]
    assert re.search(
        rf'<a href="/admin/members_member/{mei.pk}/ledgers/" class="w-header-button button"\s*>.*?Points and stored value',
        header,
        re.S,
    )
    assert re.search(
        rf'<a href="/admin/members_member/{mei.pk}/top-up/" class="w-header-button button"\s*>.*?Top up stored value',
        header,
        re.S,
    )


def test_staff_top_up_stored_value_in_currency_units(shop, in_tenant):
    mei = member_named(shop, in_tenant, "mei")
    client = staff_client()
    url = f"/admin/members_member/{mei.pk}/top-up/"
    page = client.get(url, HTTP_HOST="lumen.localhost")
    assert page.status_code == 200
    assert "Stored value now: ¥0.00." in page.content.decode()
    key = page.context["form"]["idempotency_key"].value()

    bad = client.post(
        url, {"amount": "12.345", "reason": "Gift", "idempotency_key": key}, HTTP_HOST="lumen.localhost"
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors == {"amount": ["Use at most 2 decimal places."]}

    data = {"amount": "200.50", "reason": "Birthday gift", "idempotency_key": key}
    done = client.post(url, data, HTTP_HOST="lumen.localhost")
    assert (done.status_code, done["Location"]) == (302, f"/admin/members_member/{mei.pk}/ledgers/")
    assert client.post(url, data, HTTP_HOST="lumen.localhost").status_code == 302  # a double submit
    with in_tenant(shop):
        assert Member.objects.get(pk=mei.pk).balance_cents == 20050
        entries = list(
            BalanceEntry.objects.filter(member=mei).values_list(
                "delta", "balance_after", "source", "reason", "acting_user__username"
            )
        )
    assert entries == [(20050, 20050, "top_up", "Birthday gift", "boss")]
    after = client.get(f"/admin/members_member/{mei.pk}/ledgers/", HTTP_HOST="lumen.localhost")
    assert [str(message).strip() for message in after.context["messages"]] == [
        f"¥200.50 added to the stored value of {mei.code}; the balance is now ¥200.50.",
        f"¥200.50 added to the stored value of {mei.code}; the balance is now ¥200.50.",
    ]
