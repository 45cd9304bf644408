"""Every coupons admin screen checks a permission: a brand editor (Wagtail's "Editors" group, which
gives admin access and nothing of coupons) is refused until granted the one permission a screen
needs, and a refused POST changes nothing."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from coupons import services
from coupons.models import Coupon, CouponTemplate
from members import services as member_services
from members.models import Member
from tests.staff import REFUSED, grant, make_editor, outcome
from tests.staff import log_in as log_in_on

HOST = "perm.localhost"


def gold_member(username, gold) -> Member:
    member = member_services.enrol_member(
        get_user_model().objects.create_user(username, f"{username}@example.com")
    )
    Member.objects.filter(pk=member.pk).update(level=gold)  # set-up: skip earning the points
    return member


def coupon_template(name, **fields) -> CouponTemplate:
    now = timezone.now()
    template = CouponTemplate(
        name=name,
        kind=CouponTemplate.Kind.FIXED,
        amount_cents=500,
        valid_from=now - dt.timedelta(days=1),
        valid_until=now + dt.timedelta(days=30),
        **fields,
    )
    return services.save_coupon_template(template, levels=[], acting_user=None)


def levels():
    return [
        member_services.create_member_level(name=name, threshold_points=threshold)
        for name, threshold in (("Silver", 0), ("Gold", 2000))
    ]


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("perm", default_language="en").tenant
    with in_tenant(tenant):
        _silver, gold = levels()
        template = coupon_template("Gold gift", total_quantity=10)
        for name in ("gold0", "gold1"):
            gold_member(name, gold)
        make_editor()
    return tenant, template, gold


def log_in(host=HOST) -> Client:
    return log_in_on(host)


def admin_urls(template):
    return {
        "template list": "/admin/coupons/templates/",
        "template list results": "/admin/coupons/templates/results/",
        "template add": "/admin/coupons/templates/new/",
        "template edit": f"/admin/coupons/templates/edit/{template.pk}/",
        "template history": f"/admin/coupons/templates/history/{template.pk}/",
        "issue to a level": f"/admin/coupons/templates/issue/{template.pk}/",
        "issued list": "/admin/coupons/issued/",
        "issued list results": "/admin/coupons/issued/results/",
    }


TEMPLATE_LIST = {"template list", "template list results"}

# What each permission opens on its own; every other URL answers with the refusal.
OPENS = {
    None: set(),
    "coupons.view_coupontemplate": TEMPLATE_LIST,
    "coupons.add_coupontemplate": {*TEMPLATE_LIST, "template add", "template history"},
    "coupons.change_coupontemplate": {*TEMPLATE_LIST, "template edit", "template history"},
    "coupons.issue_coupon": {*TEMPLATE_LIST, "issue to a level"},
    "coupons.view_coupon": {"issued list", "issued list results"},
}


@pytest.mark.parametrize("permission", list(OPENS), ids=lambda permission: str(permission))
def test_each_screen_opens_only_with_its_permission(brand, in_tenant, permission):
    tenant, template, _gold = brand
    if permission:
        grant(in_tenant, tenant, permission)
    client = log_in()
    urls = admin_urls(template)
    answers = {name: outcome(client.get(url, HTTP_HOST=HOST)) for name, url in urls.items()}
    assert answers == {name: 200 if name in OPENS[permission] else REFUSED for name in urls}


def test_the_issue_button_shows_only_to_staff_who_may_issue(brand, in_tenant):
    tenant, template, _gold = brand
    issue_url = f"/admin/coupons/templates/issue/{template.pk}/"
    grant(in_tenant, tenant, "coupons.change_coupontemplate")
    client = log_in()
    assert issue_url not in client.get("/admin/coupons/templates/", HTTP_HOST=HOST).content.decode()
    grant(in_tenant, tenant, "coupons.issue_coupon")
    assert issue_url in client.get("/admin/coupons/templates/", HTTP_HOST=HOST).content.decode()


def template_form(**overrides):
    return {
        "name": "Summer ¥20 off",
        "kind": "fixed",
        "amount_cents": "2000",
        "percent": "",
        "free_item": "",
        "minimum_spend_cents": "",
        "valid_from": "2030-06-01 00:00",
        "valid_until": "2030-08-31 23:59",
        "per_member_limit": "1",
        "total_quantity": "",
        "is_active": "on",
        **overrides,
    }


def coupons_state(in_tenant, tenant):
    with in_tenant(tenant):
        return (
            Coupon.objects.count(),
            list(CouponTemplate.objects.values_list("name", "amount_cents", "issued_count")),
        )


def test_refused_posts_change_nothing(brand, in_tenant):
    """Editing a template does not allow issuing it, nor adding new ones, and the other way round."""
    tenant, template, gold = brand
    before = coupons_state(in_tenant, tenant)
    assert before == (0, [("Gold gift", 500, 0)])
    grant(in_tenant, tenant, "coupons.view_coupontemplate", "coupons.view_coupon")
    client = log_in()
    posts = {
        "/admin/coupons/templates/new/": template_form(),
        f"/admin/coupons/templates/edit/{template.pk}/": template_form(name="Renamed", amount_cents="9000"),
        f"/admin/coupons/templates/issue/{template.pk}/": {"level": gold.pk, "batch": "b1"},
    }
    assert {
        url: outcome(client.post(url, data, HTTP_HOST=HOST)) for url, data in posts.items()
    } == dict.fromkeys(posts, REFUSED)
    assert coupons_state(in_tenant, tenant) == before

    grant(in_tenant, tenant, "coupons.change_coupontemplate")
    issue = client.post(
        f"/admin/coupons/templates/issue/{template.pk}/", {"level": gold.pk, "batch": "b2"}, HTTP_HOST=HOST
    )
    assert outcome(issue) == REFUSED
    assert coupons_state(in_tenant, tenant) == before


def test_staff_who_may_issue_do_issue(brand, in_tenant):
    tenant, template, gold = brand
    grant(in_tenant, tenant, "coupons.issue_coupon")
    client = log_in()
    response = client.post(
        f"/admin/coupons/templates/issue/{template.pk}/", {"level": gold.pk, "batch": "b1"}, HTTP_HOST=HOST
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/coupons/templates/")
    assert coupons_state(in_tenant, tenant) == (2, [("Gold gift", 500, 2)])
    with in_tenant(tenant):
        assert set(Coupon.objects.values_list("issued_by__username", flat=True)) == {"editor"}


def test_staff_of_one_brand_see_none_of_another_brands_coupons(brand, make_tenant, in_tenant):
    tenant, template, _gold = brand
    other = make_tenant("permother", default_language="en").tenant
    with in_tenant(other):
        _silver, other_gold = levels()
        stranger = gold_member("zhou", other_gold)
        secret = coupon_template("Bravo secret")
        coupon = services.issue_coupon(secret, stranger, acting_user=None, idempotency_key="s")
    grant(in_tenant, tenant, "coupons.view_coupontemplate", "coupons.view_coupon")
    client = log_in()
    templates = client.get("/admin/coupons/templates/", HTTP_HOST=HOST)
    assert [row.pk for row in templates.context["object_list"]] == [template.pk]
    assert "Bravo secret" not in templates.content.decode()
    issued = client.get("/admin/coupons/issued/", HTTP_HOST=HOST)
    assert list(issued.context["object_list"]) == []
    assert coupon.code not in issued.content.decode()
