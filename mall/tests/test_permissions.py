"""Every shop admin screen checks a permission: a brand editor (Wagtail's "Editors" group, which
gives admin access and nothing of the shop) is refused until granted the one permission a screen
needs, and a refused POST changes nothing."""

import pytest
from django.test import Client

from mall.models import Order, OrderHistory, Product, ProductCategory, ShopSettings, Sku
from mall.tests.factories import ProductCategoryFactory, ProductFactory, line, place
from members.tests.factories import MemberFactory
from tests.staff import REFUSED, answer, grant, make_editor, outcome
from tests.staff import log_in as log_in_on

HOST = "mallperm.localhost"


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("mallperm", default_language="en").tenant
    with in_tenant(tenant):
        category = ProductCategoryFactory(name="Coffee")
        product = ProductFactory(
            title="Yunnan beans", category=category, skus=[{"code": "BEANS", "stock": 10}]
        )
        order = place(MemberFactory(), line(product.skus.get(), 2))
        settings_pk = ShopSettings.load().pk  # the row Settings → Shop edits
        make_editor()
    return tenant, category, product, order, settings_pk


def log_in() -> Client:
    return log_in_on(HOST)


def admin_urls(category, product, order, settings_pk):
    return {
        "category list": "/admin/shop/categories/",
        "category list results": "/admin/shop/categories/results/",
        "category add": "/admin/shop/categories/new/",
        "category edit": f"/admin/shop/categories/edit/{category.pk}/",
        "category delete": f"/admin/shop/categories/delete/{category.pk}/",
        "category history": f"/admin/shop/categories/history/{category.pk}/",
        "product list": "/admin/shop/products/",
        "product list results": "/admin/shop/products/results/",
        "product add": "/admin/shop/products/new/",
        "product edit": f"/admin/shop/products/edit/{product.pk}/",
        "product delete": f"/admin/shop/products/delete/{product.pk}/",
        "product history": f"/admin/shop/products/history/{product.pk}/",
        "order list": "/admin/shop/orders/",
        "order list results": "/admin/shop/orders/results/",
        "order export": "/admin/shop/orders/?export=csv",
        "order page": f"/admin/shop/orders/{order.pk}/",
        "group-buy list": "/admin/shop/group-buys/",
        "group-buy list results": "/admin/shop/group-buys/results/",
        "shop settings": f"/admin/settings/mall/shopsettings/{settings_pk}/",
    }


CATEGORY_LIST = {"category list", "category list results"}
PRODUCT_LIST = {"product list", "product list results"}
ORDERS = {"order list", "order list results", "order page"}

# What each permission opens on its own; every other URL answers with the refusal.
OPENS = {
    None: set(),
    "mall.view_productcategory": CATEGORY_LIST,
    "mall.add_productcategory": {*CATEGORY_LIST, "category add", "category history"},
    "mall.change_productcategory": {*CATEGORY_LIST, "category edit", "category history"},
    "mall.delete_productcategory": {*CATEGORY_LIST, "category delete", "category history"},
    "mall.view_product": PRODUCT_LIST,
    "mall.add_product": {*PRODUCT_LIST, "product add", "product history"},
    "mall.change_product": {*PRODUCT_LIST, "product edit", "product history"},
    "mall.delete_product": {*PRODUCT_LIST, "product delete", "product history"},
    "mall.view_order": ORDERS,
    "mall.manage_order": set(),  # the actions, which are POSTs (below)
    "mall.export_order": set(),  # the download is from the list, which needs view_order
    "mall.view_groupbuy": {"group-buy list", "group-buy list results"},
    "mall.change_shopsettings": {"shop settings"},
}


@pytest.mark.parametrize("permission", list(OPENS), ids=lambda permission: str(permission))
def test_each_screen_opens_only_with_its_permission(brand, in_tenant, permission):
    tenant, *rows = brand
    if permission:
        grant(in_tenant, tenant, permission)
    client = log_in()
    urls = admin_urls(*rows)
    answers = {name: outcome(client.get(url, HTTP_HOST=HOST)) for name, url in urls.items()}
    assert answers == {name: 200 if name in OPENS[permission] else REFUSED for name in urls}


def test_the_csv_needs_the_export_permission(brand, in_tenant):
    tenant, _category, _product, order, _settings_pk = brand
    grant(in_tenant, tenant, "mall.view_order")
    client = log_in()
    listing = client.get("/admin/shop/orders/", HTTP_HOST=HOST).content.decode()
    assert "export=csv" not in listing
    assert answer(client.get("/admin/shop/orders/?export=csv", HTTP_HOST=HOST)) == REFUSED

    grant(in_tenant, tenant, "mall.export_order")
    listing = client.get("/admin/shop/orders/", HTTP_HOST=HOST).content.decode()
    assert "export=csv" in listing
    assert "export=xlsx" not in listing  # CSV only
    export = client.get("/admin/shop/orders/?export=csv", HTTP_HOST=HOST)
    assert (export.status_code, export["Content-Type"]) == (200, "text/csv")
    rows = b"".join(export.streaming_content).decode().strip().splitlines()
    assert [row.split(",")[0] for row in rows] == ["Order number", order.number]


def test_the_menu_shows_only_the_screens_staff_may_open(brand, in_tenant):
    tenant, *_rows = brand
    client = log_in()
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/shop/" not in dashboard

    grant(in_tenant, tenant, "mall.view_order")
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert "/admin/shop/orders/" in dashboard
    assert "/admin/shop/products/" not in dashboard
    assert "/admin/shop/categories/" not in dashboard
    assert "/admin/shop/group-buys/" not in dashboard


def order_state(in_tenant, tenant, order):
    with in_tenant(tenant):
        return (
            Order.objects.get(pk=order.pk).status,
            OrderHistory.objects.filter(order=order).count(),
            Sku.objects.get(code="BEANS").stock,
        )


def test_order_actions_need_the_manage_permission(brand, in_tenant):
    """Seeing an order does not allow changing it; managing does, through the service."""
    tenant, _category, _product, order, _settings_pk = brand
    grant(in_tenant, tenant, "mall.view_order")
    client = log_in()
    page = client.get(f"/admin/shop/orders/{order.pk}/", HTTP_HOST=HOST)
    assert page.context["actions"] == []
    assert "/cancel/" not in page.content.decode()
    before = order_state(in_tenant, tenant, order)
    assert before == ("pending_payment", 1, 8)
    for action, data in (
        ("pay-in-store", {}),
        ("ship", {"tracking_number": "SF1"}),
        ("ready", {}),
        ("complete", {}),
        ("cancel", {"reason": "Not allowed"}),
        ("refund", {"reason": "Not allowed"}),
    ):
        response = client.post(f"/admin/shop/orders/{order.pk}/{action}/", data, HTTP_HOST=HOST)
        assert (action, answer(response)) == (action, REFUSED)
    assert order_state(in_tenant, tenant, order) == before

    grant(in_tenant, tenant, "mall.manage_order")
    page = client.get(f"/admin/shop/orders/{order.pk}/", HTTP_HOST=HOST)
    assert [action.name for action, _url in page.context["actions"]] == ["cancel"]
    response = client.post(
        f"/admin/shop/orders/{order.pk}/cancel/", {"reason": "Asked by phone"}, HTTP_HOST=HOST
    )
    assert answer(response) == (302, f"/admin/shop/orders/{order.pk}/")
    assert order_state(in_tenant, tenant, order) == ("cancelled", 2, 10)
    with in_tenant(tenant):
        last = OrderHistory.objects.filter(order=order).latest("pk")
        assert (last.note, last.acting_user.username) == ("Asked by phone", "editor")


def catalogue(in_tenant, tenant):
    with in_tenant(tenant):
        return (
            list(ProductCategory.objects.values_list("name", flat=True)),
            list(Product.objects.values_list("title", flat=True)),
            list(Sku.objects.values_list("code", "stock")),
        )


def product_post(product_title="Renamed"):
    return {
        "title": product_title,
        "slug": "renamed",
        "visibility": "everyone",
        "sale_mode": "normal",
        "skus-TOTAL_FORMS": "1",
        "skus-INITIAL_FORMS": "0",
        "skus-MIN_NUM_FORMS": "1",
        "skus-MAX_NUM_FORMS": "1000",
        "skus-0-code": "NEW",
        "skus-0-price_cents": "100",
        "skus-0-stock": "99",
    }


def test_refused_catalogue_posts_change_nothing(brand, in_tenant):
    """Looking at the catalogue allows no change to it, and editing does not allow deleting."""
    tenant, category, product, _order, _settings_pk = brand
    before = catalogue(in_tenant, tenant)
    assert before == (["Coffee"], ["Yunnan beans"], [("BEANS", 8)])
    grant(in_tenant, tenant, "mall.view_product", "mall.view_productcategory")
    client = log_in()
    posts = {
        "/admin/shop/products/new/": product_post(),
        f"/admin/shop/products/edit/{product.pk}/": product_post(),
        f"/admin/shop/products/delete/{product.pk}/": {},
        "/admin/shop/categories/new/": {"name": "Tea", "slug": "tea", "sort_order": "0"},
        f"/admin/shop/categories/edit/{category.pk}/": {"name": "Renamed", "slug": "x", "sort_order": "0"},
        f"/admin/shop/categories/delete/{category.pk}/": {},
    }
    assert {
        url: answer(client.post(url, data, HTTP_HOST=HOST)) for url, data in posts.items()
    } == dict.fromkeys(posts, REFUSED)
    assert catalogue(in_tenant, tenant) == before

    grant(in_tenant, tenant, "mall.change_product", "mall.change_productcategory")
    for url in (
        f"/admin/shop/products/delete/{product.pk}/",
        f"/admin/shop/categories/delete/{category.pk}/",
    ):
        assert answer(client.post(url, {}, HTTP_HOST=HOST)) == REFUSED
    assert catalogue(in_tenant, tenant) == before

    grant(in_tenant, tenant, "mall.add_productcategory")
    response = client.post(
        "/admin/shop/categories/new/", {"name": "Tea", "slug": "tea", "sort_order": "0"}, HTTP_HOST=HOST
    )
    assert answer(response) == (302, "/admin/shop/categories/")
    assert catalogue(in_tenant, tenant)[0] == ["Coffee", "Tea"]


def test_shop_settings_need_their_permission(brand, in_tenant):
    tenant, *_rows, settings_pk = brand
    client = log_in()
    url = f"/admin/settings/mall/shopsettings/{settings_pk}/"
    data = {
        "pickup_stores": "Hacked store",
        "shipping_fee_cents": "1",
        "payment_minutes": "30",
        "pay_in_store_hours": "48",
        "points_per_yuan": "1",
        "free_shipping_over_cents": "",
    }
    assert answer(client.post(url, data, HTTP_HOST=HOST)) == REFUSED
    with in_tenant(tenant):
        assert (ShopSettings.load().pickup_stores, ShopSettings.load().shipping_fee_cents) == ("", 0)

    grant(in_tenant, tenant, "mall.change_shopsettings")
    assert client.post(url, data, HTTP_HOST=HOST).status_code == 302
    with in_tenant(tenant):
        assert (ShopSettings.load().pickup_stores, ShopSettings.load().shipping_fee_cents) == (
            "Hacked store",
            1,
        )
