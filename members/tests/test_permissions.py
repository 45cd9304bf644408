"""Every members admin screen checks a permission: a brand editor (Wagtail's "Editors" group, which
gives admin access and nothing of members) is refused until granted the one permission a screen
needs, and a refused POST changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from members import services
from members.models import BalanceEntry, LedgerSource, Member, MemberLevel, PointsEntry
from tests.staff import EDITOR_PASSWORD, REFUSED, answer, grant, make_editor, outcome
from tests.staff import log_in as log_in_on

HOST = "perm.localhost"


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("perm", default_language="en").tenant
    with in_tenant(tenant):
        gold = services.create_member_level(name="Gold", threshold_points=0)
        silver = services.create_member_level(name="Silver", threshold_points=5000)
        user = get_user_model().objects.create_user("mei", "mei@example.com")
        member = services.enrol_member(user)
        Member.objects.filter(pk=member.pk).update(level=gold)
        services.add_points(member, 120, reason="Welcome", source=LedgerSource.MANUAL, idempotency_key="w")
        make_editor()
        member.refresh_from_db()
    return tenant, member, gold, silver


def log_in(username="editor", host=HOST) -> Client:
    return log_in_on(host, username)


def admin_urls(member, gold):
    return {
        "member list": "/admin/members_member/",
        "member list results": "/admin/members_member/results/",
        "member export": "/admin/members_member/?export=csv",
        "member inspect": f"/admin/members_member/inspect/{member.pk}/",
        "member history": f"/admin/members_member/history/{member.pk}/",
        "member ledgers": f"/admin/members_member/{member.pk}/ledgers/",
        "member level edit": f"/admin/members_member/edit/{member.pk}/",
        "member top-up": f"/admin/members_member/{member.pk}/top-up/",
        "scan": "/admin/members_member/scan/",
        "level list": "/admin/members_level/",
        "level add": "/admin/members_level/new/",
        "level edit": f"/admin/members_level/edit/{gold.pk}/",
        "level delete": f"/admin/members_level/delete/{gold.pk}/",
    }


# What each permission opens on its own; every other URL answers with the refusal.
OPENS = {
    None: set(),
    "members.view_member": {
        "member list",
        "member list results",
        "member export",
        "member inspect",
        "member ledgers",
    },
    "members.change_member": {
        "member list",
        "member list results",
        "member export",
        "member inspect",
        "member history",
        "member ledgers",
        "member level edit",
    },
    "members.adjust_points": {"scan"},
    "members.top_up_stored_value": {"member top-up"},
    "members.add_memberlevel": {"level list", "level add"},
    "members.change_memberlevel": {"level list", "level edit"},
    "members.delete_memberlevel": {"level list", "level delete"},
}


@pytest.mark.parametrize("permission", list(OPENS), ids=lambda permission: str(permission))
def test_each_screen_opens_only_with_its_permission(brand, in_tenant, permission):
    tenant, member, gold, _silver = brand
    if permission:
        grant(in_tenant, tenant, permission)
    client = log_in()
    urls = admin_urls(member, gold)
    answers = {name: outcome(client.get(url, HTTP_HOST=HOST)) for name, url in urls.items()}
    assert answers == {name: 200 if name in OPENS[permission] else REFUSED for name in urls}


def test_the_removed_add_and_delete_screens_are_gone(brand, in_tenant):
    """Members are enrolled at sign-up and kept for their ledgers: not even a superuser adds or
    deletes one here."""
    tenant, member, _gold, _silver = brand
    with in_tenant(tenant):
        get_user_model().objects.create_superuser("boss", "boss@perm.example", EDITOR_PASSWORD)
    client = log_in("boss")
    assert client.get("/admin/members_member/new/", HTTP_HOST=HOST).status_code == 404
    assert client.get(f"/admin/members_member/delete/{member.pk}/", HTTP_HOST=HOST).status_code == 404


def test_menu_shows_members_and_the_scan_page_only_to_who_may_use_them(brand, in_tenant):
    tenant, _member, _gold, _silver = brand
    client = log_in()
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "Scan member card" not in dashboard
    assert "/admin/members_member/" not in dashboard
    assert "/admin/members_level/" not in dashboard

    grant(in_tenant, tenant, "members.view_member")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/members_member/" in dashboard
    assert "Scan member card" not in dashboard

    grant(in_tenant, tenant, "members.adjust_points")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "Scan member card" in dashboard
    assert "/admin/members_member/scan/" in dashboard
    assert "/admin/members_level/" not in dashboard


def points_and_entries(in_tenant, tenant, member):
    with in_tenant(tenant):
        return Member.objects.get(pk=member.pk).points, PointsEntry.objects.filter(member=member).count()


def test_viewing_a_member_does_not_allow_adjusting_points(brand, in_tenant):
    tenant, member, _gold, _silver = brand
    grant(in_tenant, tenant, "members.view_member")
    client = log_in()
    url = f"/admin/members_member/{member.pk}/ledgers/"
    page = client.get(url, HTTP_HOST=HOST)
    assert page.status_code == 200
    assert page.context["form"] is None
    assert 'name="points"' not in page.content.decode()

    data = {"points": "-100", "reason": "Not allowed", "idempotency_key": "k1"}
    assert answer(client.post(url, data, HTTP_HOST=HOST)) == REFUSED
    scan_url = f"/admin/members_member/scan/?code={member.code}"
    assert answer(client.post(scan_url, {**data, "idempotency_key": "k2"}, HTTP_HOST=HOST)) == REFUSED
    assert points_and_entries(in_tenant, tenant, member) == (120, 1)


def test_adjusting_points_without_seeing_members_works_only_at_the_till(brand, in_tenant):
    tenant, member, _gold, _silver = brand
    grant(in_tenant, tenant, "members.adjust_points")
    client = log_in()
    data = {"points": "-100", "reason": "Not here", "idempotency_key": "k1"}
    refused = client.post(f"/admin/members_member/{member.pk}/ledgers/", data, HTTP_HOST=HOST)
    assert answer(refused) == REFUSED
    assert points_and_entries(in_tenant, tenant, member) == (120, 1)

    done = client.post(
        f"/admin/members_member/scan/?code={member.code}",
        {"points": "15", "reason": "Latte", "idempotency_key": "k2"},
        HTTP_HOST=HOST,
    )
    assert answer(done) == (302, f"/admin/members_member/scan/?code={member.code}")
    assert points_and_entries(in_tenant, tenant, member) == (135, 2)
    with in_tenant(tenant):
        entry = PointsEntry.objects.get(member=member, reason="Latte")
        assert (entry.delta, entry.balance_after, entry.acting_user.username) == (15, 135, "editor")


def test_the_points_form_is_there_for_staff_who_may_adjust(brand, in_tenant):
    tenant, member, _gold, _silver = brand
    grant(in_tenant, tenant, "members.view_member", "members.adjust_points")
    client = log_in()
    url = f"/admin/members_member/{member.pk}/ledgers/"
    page = client.get(url, HTTP_HOST=HOST)
    assert 'name="points"' in page.content.decode()
    key = page.context["form"]["idempotency_key"].value()
    response = client.post(
        url, {"points": "-20", "reason": "Broken cup", "idempotency_key": key}, HTTP_HOST=HOST
    )
    assert answer(response) == (302, url)
    assert points_and_entries(in_tenant, tenant, member) == (100, 2)


def test_refused_level_and_member_edits_change_nothing(brand, in_tenant):
    tenant, member, gold, silver = brand
    grant(in_tenant, tenant, "members.view_member", "members.add_memberlevel")
    client = log_in()
    level_form = {
        "name": "Renamed",
        "threshold_points": "10",
        "points_multiplier": "2",
        "discount_percent": "5",
    }
    posts = {
        f"/admin/members_member/edit/{member.pk}/": {"level": str(silver.pk)},
        f"/admin/members_level/edit/{gold.pk}/": level_form,
        f"/admin/members_level/delete/{gold.pk}/": {},
    }
    assert {
        url: answer(client.post(url, data, HTTP_HOST=HOST)) for url, data in posts.items()
    } == dict.fromkeys(posts, REFUSED)
    with in_tenant(tenant):
        assert Member.objects.get(pk=member.pk).level_id == gold.pk
        assert list(MemberLevel.objects.values_list("name", "threshold_points")) == [
            ("Gold", 0),
            ("Silver", 5000),
        ]


def test_a_granted_level_change_goes_through_the_service_and_is_on_the_timeline(brand, in_tenant):
    from core.models import OutboxEvent

    tenant, member, gold, silver = brand
    grant(in_tenant, tenant, "members.change_member")
    client = log_in()
    response = client.post(
        f"/admin/members_member/edit/{member.pk}/", {"level": str(silver.pk)}, HTTP_HOST=HOST
    )
    assert answer(response) == (302, "/admin/members_member/")
    with in_tenant(tenant):
        assert Member.objects.get(pk=member.pk).level_id == silver.pk
        editor = get_user_model().objects.get(username="editor")
        event = OutboxEvent.objects.get(kind="level.changed", subject_id=member.pk)
        assert event.data == {"previous": "Gold", "level": "Silver", "by": editor.pk}


def test_staff_of_one_brand_see_none_of_another_brands_members(brand, make_tenant, in_tenant):
    tenant, member, _gold, _silver = brand
    other = make_tenant("permother", default_language="en").tenant
    with in_tenant(other):
        stranger = services.enrol_member(get_user_model().objects.create_user("zhou", "zhou@example.com"))
    grant(in_tenant, tenant, "members.view_member", "members.adjust_points")
    client = log_in()

    listing = client.get("/admin/members_member/", HTTP_HOST=HOST)
    assert [row.pk for row in listing.context["object_list"]] == [member.pk]
    assert stranger.code not in listing.content.decode()
    found = client.get("/admin/members_member/scan/", {"code": stranger.code}, HTTP_HOST=HOST)
    assert found.context["member"] is None
    assert found.context["error"] == f"No member has the code {stranger.code}."
    export = client.get("/admin/members_member/?export=csv", HTTP_HOST=HOST)
    assert b"zhou@example.com" not in b"".join(export.streaming_content)

    # The session belongs to this brand's schema: on the other brand's host nobody is logged in.
    elsewhere = client.get("/admin/members_member/", HTTP_HOST="permother.localhost")
    assert (elsewhere.status_code, elsewhere["Location"].split("?")[0]) == (302, "/admin/login/")


# --- Stored value top-up ----------------------------------------------------------------------


def balance_and_entries(in_tenant, tenant, member):
    with in_tenant(tenant):
        entries = BalanceEntry.objects.filter(member=member).values_list(
            "delta", "balance_after", "source", "reason", "acting_user__username"
        )
        return Member.objects.get(pk=member.pk).balance_cents, list(entries)


def test_an_editor_granted_top_up_adds_exactly_the_amount_typed(brand, in_tenant):
    tenant, member, _gold, _silver = brand
    with in_tenant(tenant):
        services.top_up_balance(member, 1500, reason="Opening", idempotency_key="o")
    grant(in_tenant, tenant, "members.view_member", "members.top_up_stored_value")
    client = log_in()
    ledgers = f"/admin/members_member/{member.pk}/ledgers/"
    assert (
        f'href="/admin/members_member/{member.pk}/top-up/"'
        in client.get(ledgers, HTTP_HOST=HOST).content.decode()
    )
    url = f"/admin/members_member/{member.pk}/top-up/"
    key = client.get(url, HTTP_HOST=HOST).context["form"]["idempotency_key"].value()
    response = client.post(
        url, {"amount": "200", "reason": "Birthday gift", "idempotency_key": key}, HTTP_HOST=HOST
    )
    assert answer(response) == (302, ledgers)
    assert balance_and_entries(in_tenant, tenant, member) == (
        21500,
        [(20000, 21500, "top_up", "Birthday gift", "editor"), (1500, 1500, "top_up", "Opening", None)],
    )


def test_top_up_alone_works_and_comes_back_to_the_form(brand, in_tenant):
    """Without seeing members, the ledgers page is not theirs: the form comes back, with the message."""
    tenant, member, _gold, _silver = brand
    grant(in_tenant, tenant, "members.top_up_stored_value")
    client = log_in()
    url = f"/admin/members_member/{member.pk}/top-up/"
    response = client.post(
        url, {"amount": "0.50", "reason": "Refund", "idempotency_key": "k1"}, HTTP_HOST=HOST
    )
    assert answer(response) == (302, url)
    assert balance_and_entries(in_tenant, tenant, member) == (50, [(50, 50, "top_up", "Refund", "editor")])


def test_an_editor_without_the_top_up_permission_is_refused_and_nothing_changes(brand, in_tenant):
    tenant, member, _gold, _silver = brand
    grant(in_tenant, tenant, "members.view_member", "members.change_member", "members.adjust_points")
    client = log_in()
    url = f"/admin/members_member/{member.pk}/top-up/"
    assert answer(client.get(url, HTTP_HOST=HOST)) == REFUSED
    data = {"amount": "200", "reason": "Not allowed", "idempotency_key": "k1"}
    assert answer(client.post(url, data, HTTP_HOST=HOST)) == REFUSED
    assert balance_and_entries(in_tenant, tenant, member) == (0, [])
    # And no way to it is shown: not on the list, the ledgers page or the edit form.
    for page in (
        "/admin/members_member/",
        f"/admin/members_member/{member.pk}/ledgers/",
        f"/admin/members_member/edit/{member.pk}/",
    ):
        html = client.get(page, HTTP_HOST=HOST).content.decode()
        assert "/top-up/" not in html
        assert "Top up stored value" not in html


def test_bad_top_up_amounts_are_form_errors_and_save_nothing(brand, in_tenant):
    tenant, member, _gold, _silver = brand
    grant(in_tenant, tenant, "members.top_up_stored_value")
    client = log_in()
    url = f"/admin/members_member/{member.pk}/top-up/"
    errors = {
        typed: client.post(url, {"amount": typed, "reason": "Gift", "idempotency_key": typed}, HTTP_HOST=HOST)
        .context["form"]
        .errors
        for typed in ("abc", "-5", "1.234", "0", "1000000.01")
    }
    assert errors == {
        "abc": {"amount": ["Enter an amount such as 200 or 200.00."]},
        "-5": {"amount": ["The amount must be more than 0."]},
        "1.234": {"amount": ["Use at most 2 decimal places."]},
        "0": {"amount": ["The amount must be more than 0."]},
        "1000000.01": {"amount": ["The amount can be at most ¥1,000,000.00."]},
    }
    no_reason = client.post(url, {"amount": "5", "reason": "", "idempotency_key": "r"}, HTTP_HOST=HOST)
    assert no_reason.context["form"].errors == {"reason": ["This field is required."]}
    assert balance_and_entries(in_tenant, tenant, member) == (0, [])


# --- Links to a member's ledgers --------------------------------------------------------------


def test_the_member_list_links_to_the_ledgers_only_for_staff_who_may_open_them(brand, in_tenant):
    tenant, member, _gold, _silver = brand
    ledgers = f"/admin/members_member/{member.pk}/ledgers/"
    # Deleting is not offered here, but Django gives every model the permission, and Wagtail's
    # list opens with it: the ledgers page (view or change) does not.
    grant(in_tenant, tenant, "members.delete_member")
    client = log_in()
    listing = client.get("/admin/members_member/", HTTP_HOST=HOST)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert member.code in html
    assert ledgers not in html
    assert "Points and stored value" not in html
    assert outcome(client.get(ledgers, HTTP_HOST=HOST)) == REFUSED

    grant(in_tenant, tenant, "members.view_member")
    html = client.get("/admin/members_member/", HTTP_HOST=HOST).content.decode()
    assert f'<a href="{ledgers}">120</a>' in html
    assert f'<a href="{ledgers}">¥0.00</a>' in html
    assert "Points and stored value" in html
    assert "/top-up/" not in html


def test_the_member_edit_form_links_to_the_ledgers(brand, in_tenant):
    tenant, member, _gold, _silver = brand
    grant(in_tenant, tenant, "members.change_member")
    client = log_in()
    header = (
        client.get(f"/admin/members_member/edit/{member.pk}/", HTTP_HOST=HOST)
        .content.decode()
        .split("</header>", 1)[0]
    )
    assert f'<a href="/admin/members_member/{member.pk}/ledgers/" class="w-header-button button"' in header
    assert "/top-up/" not in header

    grant(in_tenant, tenant, "members.top_up_stored_value")
    header = (
        client.get(f"/admin/members_member/edit/{member.pk}/", HTTP_HOST=HOST)
        .content.decode()
        .split("</header>", 1)[0]
    )
    assert f'<a href="/admin/members_member/{member.pk}/top-up/" class="w-header-button button"' in header
