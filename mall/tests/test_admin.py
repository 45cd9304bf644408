"""What brand staff do with the shop in the admin: products with their SKUs (and the stock that
checkouts take meanwhile), the product list, orders (search, filters, actions, CSV), and that one
brand's staff never reach another brand's orders."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import formats, timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, querydict_from_html, streamfield

from mall import services
from mall.models import (
    Bargain,
    GroupBuy,
    Order,
    OrderHistory,
    OrderStatus,
    Payment,
    Product,
    ProductCategory,
    ProductLevelRule,
    SaleMode,
    ShopSettings,
    Sku,
)
from mall.tests.factories import ProductCategoryFactory, ProductFactory, line, place
from members.tests.factories import MemberFactory, MemberLevelFactory

HOST = "shopadmin.localhost"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
STORE = "Jing'an store"


@pytest.fixture
def brand(make_tenant, in_tenant):
    tenant = make_tenant("shopadmin", default_language="en").tenant  # Asia/Shanghai
    with in_tenant(tenant):
        get_user_model().objects.create_superuser("boss", "boss@shop.example", "boss-pass-1")
        shop = ShopSettings.load()
        shop.pickup_stores = STORE
        shop.save()
    return tenant


def staff(host=HOST) -> Client:
    client = Client()
    response = client.post("/admin/login/", {"username": "boss", "password": "boss-pass-1"}, HTTP_HOST=host)
    assert response.status_code == 302
    return client


def shown_messages(response) -> list[str]:
    return [str(message).strip() for message in response.context["messages"]]


# --- Products --------------------------------------------------------------------------------


def product_form(**fields):
    """The product form as the browser posts it: no pictures, the SKUs and level rules given."""
    skus = fields.pop("skus", [{"code": "BEANS-250", "price_cents": "8800", "stock": "10"}])
    rules = fields.pop("level_rules", [])
    return nested_form_data(
        {
            "title": "Yunnan beans",
            "slug": "yunnan-beans",
            "category": "",
            "summary": "",
            "description": streamfield([]),
            "images": inline_formset([]),
            "skus": inline_formset(
                [
                    {"id": "", "options": "", "points_price": "", "points_cash_cents": "0", **sku}
                    for sku in skus
                ],
                min=1,
            ),
            "is_published": "on",
            "tags": "",
            "sale_starts": "",
            "sale_ends": "",
            "visibility": "everyone",
            "member_discount": "on",
            "per_member_limit": "",
            "level_rules": inline_formset([{"id": "", **rule} for rule in rules]),
            "sale_mode": "normal",
            "group_size": "",
            "group_price_cents": "",
            "group_hours": "24",
            "bargain_floor_cents": "",
            "bargain_min_cut_cents": "100",
            "bargain_max_cut_cents": "1000",
            "bargain_hours": "48",
            **fields,
        }
    )


def test_staff_create_a_product_with_two_skus_and_a_level_rule(brand, in_tenant):
    with in_tenant(brand):
        coffee = ProductCategoryFactory(name="Coffee")
        gold = MemberLevelFactory(name="Gold")
    client = staff()
    assert client.get("/admin/shop/products/new/", HTTP_HOST=HOST).status_code == 200
    response = client.post(
        "/admin/shop/products/new/",
        product_form(
            category=str(coffee.pk),
            skus=[
                {"code": "BEANS-250", "options": "250 g", "price_cents": "8800", "stock": "10"},
                {
                    "code": "BEANS-500",
                    "options": "500 g",
                    "price_cents": "15800",
                    "points_price": "1200",
                    "stock": "4",
                },
            ],
            level_rules=[{"level": str(gold.pk), "discount_percent": "15", "purchase_limit": "3"}],
        ),
        HTTP_HOST=HOST,
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/shop/products/")
    with in_tenant(brand):
        product = Product.objects.get()
        assert (product.title, product.slug, product.category_id, product.is_published) == (
            "Yunnan beans",
            "yunnan-beans",
            coffee.pk,
            True,
        )
        assert list(
            product.skus.order_by("sort_order").values_list(
                "code", "options", "price_cents", "points_price", "points_cash_cents", "stock"
            )
        ) == [("BEANS-250", "250 g", 8800, None, 0, 10), ("BEANS-500", "500 g", 15800, 1200, 0, 4)]
        assert list(
            ProductLevelRule.objects.values_list(
                "product_id", "level_id", "discount_percent", "purchase_limit"
            )
        ) == [(product.pk, gold.pk, 15, 3)]

    edit = client.get(f"/admin/shop/products/edit/{product.pk}/", HTTP_HOST=HOST)
    assert edit.status_code == 200
    skus = edit.context["form"].formsets["skus"].forms
    assert [(form["code"].value(), form["stock_loaded"].value()) for form in skus] == [
        ("BEANS-250", 10),
        ("BEANS-500", 4),
    ]


def test_model_rules_show_on_their_fields_and_nothing_is_saved(brand, in_tenant):
    client = staff()
    response = client.post(
        "/admin/shop/products/new/",
        product_form(
            sale_mode="group_buy",
            sale_starts="2030-05-02 10:00",
            sale_ends="2030-05-01 10:00",
            skus=[{"code": "NO-PRICE", "price_cents": "", "stock": "3"}],
        ),
        HTTP_HOST=HOST,
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {name: list(errors) for name, errors in form.errors.items()} == {
        "sale_ends": ["The sale must end after it starts."],
        "group_size": ["Say how many members make a group (2 or more)."],
        "group_price_cents": ["Give the group price."],
    }
    assert [form.errors for form in form.formsets["skus"].forms] == [
        {"price_cents": ["Give a price, a points price or both."]}
    ]
    html = response.content.decode()
    assert "Give a price, a points price or both." in html
    assert "Say how many members make a group (2 or more)." in html
    with in_tenant(brand):
        assert (Product.objects.count(), Sku.objects.count()) == (0, 0)


def test_product_list_filters_and_search_give_exact_rows(brand, in_tenant):
    with in_tenant(brand):
        coffee = ProductCategoryFactory(name="Coffee")
        gifts = ProductCategoryFactory(name="Gifts")
        beans = ProductFactory(
            title="Yunnan beans",
            category=coffee,
            skus=[{"price_cents": 8800, "stock": 5}, {"price_cents": 12800, "stock": 7}],
        )
        mug = ProductFactory(
            title="Tea mug", category=gifts, is_published=False, skus=[{"price_cents": 3000, "stock": 0}]
        )
        bundle = ProductFactory(
            title="Team bundle",
            category=coffee,
            sale_mode=SaleMode.GROUP_BUY,
            group_size=3,
            group_price_cents=5000,
            skus=[{"price_cents": 9000, "stock": 4}],
        )
    client = staff()

    def listed(**params):
        response = client.get("/admin/shop/products/", params, HTTP_HOST=HOST)
        assert response.status_code == 200
        return {product.pk for product in response.context["object_list"]}

    assert listed() == {beans.pk, mug.pk, bundle.pk}
    assert listed(category=coffee.pk) == {beans.pk, bundle.pk}
    assert listed(is_published="false") == {mug.pk}
    assert listed(is_published="true") == {beans.pk, bundle.pk}
    assert listed(sale_mode="group_buy") == {bundle.pk}
    assert listed(q="mug") == {mug.pk}
    assert listed(q="Yunnan") == {beans.pk}
    assert listed(category=coffee.pk, q="team") == {bundle.pk}

    page = client.get("/admin/shop/products/", {"q": "Yunnan"}, HTTP_HOST=HOST)
    rows = [
        [column.get_value(product) for column in page.context["table"].columns.values()][1:]
        for product in page.context["object_list"]
    ]
    assert rows == [[coffee, "¥88.00 – ¥128.00", 12, True, "Normal sale"]]


def edit_form_data(client, url):
    """The product edit form's fields as the browser would post them unchanged."""
    data = querydict_from_html(client.get(url, HTTP_HOST=HOST).content.decode(), form_id="w-editor-form")
    for checkbox in ("is_published", "member_discount"):
        data[checkbox] = "on"  # checked boxes carry no value attribute; a browser sends "on"
    data["description-count"] = "0"  # the StreamField's inputs are made by the editor's script
    return data


def test_stock_taken_by_checkouts_while_the_form_was_open_is_kept(brand, in_tenant):
    """Staff open the product form, checkouts take stock, staff save: what the checkouts took stays
    taken for a SKU whose stock staff did not touch; a stock staff typed is what they typed."""
    with in_tenant(brand):
        product = ProductFactory(
            title="Yunnan beans",
            skus=[{"code": "A", "stock": 10}, {"code": "B", "stock": 5}],
        )
        sku_a, sku_b = product.skus.order_by("sort_order")
        member = MemberFactory()
    client = staff()
    url = f"/admin/shop/products/edit/{product.pk}/"
    loaded = edit_form_data(client, url)
    assert (loaded["skus-0-stock"], loaded["skus-0-stock_loaded"]) == ("10", "10")

    with in_tenant(brand):
        place(member, line(sku_a, 3), line(sku_b, 1))  # a checkout while the form is open
        assert list(Sku.objects.order_by("code").values_list("stock", flat=True)) == [7, 4]

    unchanged = loaded.copy()
    unchanged["title"] = "Yunnan beans (new crop)"
    response = client.post(url, unchanged, HTTP_HOST=HOST)
    assert (response.status_code, response["Location"]) == (302, "/admin/shop/products/")
    with in_tenant(brand):
        assert Product.objects.get().title == "Yunnan beans (new crop)"
        assert list(Sku.objects.order_by("code").values_list("code", "stock")) == [("A", 7), ("B", 4)]

    with in_tenant(brand):
        place(member, line(sku_a, 1))  # another checkout, still on the old form
    restocked = loaded.copy()
    restocked["skus-1-stock"] = "20"  # staff counted the shelf: B is 20 now
    response = client.post(url, restocked, HTTP_HOST=HOST)
    assert response.status_code == 302
    with in_tenant(brand):
        assert list(Sku.objects.order_by("code").values_list("code", "stock")) == [("A", 6), ("B", 20)]


def test_a_sku_being_bargained_on_is_kept_with_a_message(brand, in_tenant):
    with in_tenant(brand):
        product = ProductFactory(
            title="Yunnan beans",
            sale_mode=SaleMode.BARGAIN,
            bargain_floor_cents=5000,
            skus=[{"code": "A", "stock": 10}, {"code": "B", "stock": 5}],
        )
        bargain = services.start_bargain(MemberFactory(), product.skus.get(code="B").pk)
    client = staff()
    url = f"/admin/shop/products/edit/{product.pk}/"
    data = edit_form_data(client, url)
    data["title"] = "Renamed"
    data["skus-1-DELETE"] = "1"
    response = client.post(url, data, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "A SKU that members are bargaining on cannot be deleted: set its stock to 0 instead."
    ]
    assert "A SKU that members are bargaining on cannot be deleted" in response.content.decode()
    with in_tenant(brand):
        assert Product.objects.get().title == "Yunnan beans"
        assert list(Sku.objects.order_by("code").values_list("code", "stock")) == [("A", 10), ("B", 5)]
        assert Bargain.objects.get().pk == bargain.pk


def test_a_category_with_sub_categories_is_kept_with_a_message(brand, in_tenant):
    with in_tenant(brand):
        coffee = ProductCategoryFactory(name="Coffee")
        ProductCategoryFactory(name="Beans", parent=coffee)
    response = staff().post(f"/admin/shop/categories/delete/{coffee.pk}/", HTTP_HOST=HOST, follow=True)
    assert shown_messages(response) == ["“Coffee” has sub-categories: move or delete them first."]
    with in_tenant(brand):
        assert ProductCategory.objects.count() == 2


def test_a_product_with_a_group_buy_is_kept_with_a_message(brand, in_tenant):
    with in_tenant(brand):
        product = ProductFactory(
            title="Team bundle", sale_mode=SaleMode.GROUP_BUY, group_size=2, group_price_cents=5000
        )
        place(MemberFactory(), line(product.skus.get()), start_group_buy=True)
    response = staff().post(f"/admin/shop/products/delete/{product.pk}/", HTTP_HOST=HOST, follow=True)
    assert shown_messages(response) == [
        "“Team bundle” has group-buys or bargains, so it is kept: untick “on sale in the shop” to take it off the shop."
    ]
    with in_tenant(brand):
        assert (Product.objects.count(), Sku.objects.count(), GroupBuy.objects.count()) == (1, 1, 1)


def test_saving_or_deleting_a_category_refreshes_the_cached_pages_and_a_refused_delete_does_not(
    brand, in_tenant
):
    from django.test import TestCase

    from core.cache import generation

    with in_tenant(brand):
        coffee = ProductCategoryFactory(name="Coffee")
        tea = ProductCategoryFactory(name="Tea")
        ProductCategoryFactory(name="Beans", parent=coffee)
        before = generation()
    with TestCase.captureOnCommitCallbacks(execute=True):
        staff().post(f"/admin/shop/categories/delete/{coffee.pk}/", HTTP_HOST=HOST)  # refused: has children
    with in_tenant(brand):
        assert generation() == before
    with TestCase.captureOnCommitCallbacks(execute=True):
        staff().post(f"/admin/shop/categories/delete/{tea.pk}/", HTTP_HOST=HOST)
    with in_tenant(brand):
        assert (generation(), ProductCategory.objects.filter(pk=tea.pk).exists()) == (before + 1, False)


# --- Orders ----------------------------------------------------------------------------------


def pay_online(order: Order) -> None:
    payment = order.payments.get()
    services.record_payment_result(
        "sandbox", payment.reference, succeeded=True, amount_cents=payment.amount_cents
    )


def placed_at(order: Order, moment: dt.datetime) -> Order:
    Order.objects.filter(pk=order.pk).update(created_at=moment)  # set-up: when the order was placed
    order.refresh_from_db()
    return order


@pytest.fixture
def orders(brand, in_tenant):
    """Four orders of two members: Mei's delivered one (paid online), Mei's pick-up (to pay in
    store), Li's delivered one (waiting for the sandbox), Li's pick-up (paid)."""
    with in_tenant(brand):
        mei = MemberFactory(user__username="mei", user__email="mei@example.com")
        li = MemberFactory(user__username="li", user__email="li@example.com")
        beans = ProductFactory(
            title="Yunnan beans", skus=[{"code": "BEANS", "price_cents": 8800, "stock": 20}]
        )
        mug = ProductFactory(
            title="Tea mug", skus=[{"code": "MUG", "options": "Blue", "price_cents": 3000, "stock": 20}]
        )
        beans_sku, mug_sku = beans.skus.get(), mug.skus.get()
        pickup = {"delivery": "pickup", "pickup_store": STORE, "address": ""}
        shipped = place(mei, line(beans_sku, 2), line(mug_sku, 1), recipient_name="Wang Mei")
        pay_online(shipped)
        in_store = place(mei, line(mug_sku, 1), payment_provider="in_store", **pickup)
        waiting = place(li, line(beans_sku, 1), recipient_name="Li Lei", recipient_phone="13900000000")
        collected = place(li, line(beans_sku, 1), recipient_name="Li Lei", **pickup)
        pay_online(collected)
        rows = {
            "shipped": placed_at(shipped, dt.datetime(2030, 1, 1, 10, 0, tzinfo=SHANGHAI)),
            "in_store": placed_at(in_store, dt.datetime(2030, 1, 2, 0, 30, tzinfo=SHANGHAI)),
            "waiting": placed_at(waiting, dt.datetime(2030, 1, 2, 23, 30, tzinfo=SHANGHAI)),
            "collected": placed_at(collected, dt.datetime(2030, 1, 3, 9, 0, tzinfo=SHANGHAI)),
        }
    return rows


def test_order_list_is_newest_first_and_its_search_and_filters_give_exact_rows(orders, in_tenant):
    client = staff()

    def listed(**params):
        response = client.get("/admin/shop/orders/", params, HTTP_HOST=HOST)
        assert response.status_code == 200
        names = {order.pk: name for name, order in orders.items()}
        return [names[order.pk] for order in response.context["object_list"]]

    assert listed() == ["collected", "waiting", "in_store", "shipped"]
    assert listed(q=orders["waiting"].number) == ["waiting"]
    assert listed(q="mei@example") == ["in_store", "shipped"]
    assert listed(q="wang mei") == ["shipped"]
    assert listed(q="13900000000") == ["waiting"]
    assert listed(status="paid") == ["collected", "shipped"]
    assert listed(status="pending_payment") == ["waiting", "in_store"]
    assert listed(delivery="pickup") == ["collected", "in_store"]
    assert listed(payment_provider="in_store") == ["in_store"]
    assert listed(payment_provider="sandbox", delivery="shipping") == ["waiting", "shipped"]
    # Days in the brand's time zone: 00:30 and 23:30 on 2 January in Shanghai are both that day.
    assert listed(placed_from="2030-01-02", placed_to="2030-01-02") == ["waiting", "in_store"]
    assert listed(placed_from="2030-01-03") == ["collected"]
    assert listed(placed_to="2030-01-01") == ["shipped"]

    html = client.get("/admin/shop/orders/", {"q": "wang mei"}, HTTP_HOST=HOST).content.decode()
    shipped = orders["shipped"]
    assert f'href="/admin/shop/orders/{shipped.pk}/"' in html
    for text in (shipped.number, "mei@example.com", "Paid", "¥206.00", "Delivery to an address"):
        assert text in html
    assert orders["in_store"].number not in html


def test_order_page_shows_lines_money_delivery_payments_and_history(orders, in_tenant):
    shipped = orders["shipped"]
    page = staff().get(f"/admin/shop/orders/{shipped.pk}/", HTTP_HOST=HOST)
    assert page.status_code == 200
    assert [(line.title, line.quantity, line.line_cents) for line in page.context["lines"]] == [
        ("Yunnan beans", 2, 17_600),
        ("Tea mug", 1, 3_000),
    ]
    assert [
        (entry.from_status, entry.to_status, str(entry.acting_user)) for entry, *_ in page.context["history"]
    ] == [
        ("", "pending_payment", "mei"),
        ("pending_payment", "paid", "None"),
    ]
    assert [action.name for action, _url in page.context["actions"]] == ["ship", "refund"]
    html = page.content.decode()
    for text in (
        "Tea mug · Blue",
        "¥206.00",
        "88 Yuyuan Road, Shanghai",
        "Test payment (sandbox)",
        "Paid: sandbox",
    ):
        assert text in html


def act(client, order, action, **data):
    return client.post(f"/admin/shop/orders/{order.pk}/{action}/", data, HTTP_HOST=HOST, follow=True)


def order_state(in_tenant, tenant, order):
    with in_tenant(tenant):
        row = Order.objects.get(pk=order.pk)
        history = list(
            OrderHistory.objects.filter(order=order).values_list(
                "from_status", "to_status", "note", "acting_user__username"
            )
        )
        return row.status, row.tracking_number, history


@pytest.mark.parametrize(
    ("name", "action", "data", "status", "note"),
    [
        ("in_store", "pay-in-store", {}, "paid", "Paid in store"),
        ("shipped", "ship", {"tracking_number": " SF1234 "}, "shipped", "SF1234"),
        ("collected", "ready", {}, "ready_for_pickup", STORE),
        ("waiting", "cancel", {"reason": "Customer called"}, "cancelled", "Customer called"),
        ("shipped", "refund", {"reason": "Damaged in the post"}, "refunded", "Damaged in the post"),
    ],
)
def test_each_order_action_does_exactly_its_change(
    orders, in_tenant, brand, name, action, data, status, note
):
    order = orders[name]
    before_status, _tracking, before_history = order_state(in_tenant, brand, order)
    response = act(staff(), order, action, **data)
    assert response.redirect_chain == [(f"/admin/shop/orders/{order.pk}/", 302)]
    label = dict(OrderStatus.choices)[status]
    assert shown_messages(response) == [f"Order {order.number} is now “{label}”."]
    after_status, tracking, history = order_state(in_tenant, brand, order)
    assert after_status == status
    assert history == [*before_history, (before_status, status, note, "boss")]
    assert tracking == ("SF1234" if action == "ship" else "")


def test_completing_an_order_after_pick_up(orders, in_tenant, brand):
    order = orders["collected"]
    client = staff()
    act(client, order, "ready")
    response = act(client, order, "complete")
    assert shown_messages(response) == [f"Order {order.number} is now “Completed”."]
    status, _tracking, history = order_state(in_tenant, brand, order)
    assert (status, history[-1]) == ("completed", ("ready_for_pickup", "completed", "", "boss"))
    with in_tenant(brand):
        assert Order.objects.get(pk=order.pk).points_earned == 88  # ¥88 paid, 1 point per ¥1


@pytest.mark.parametrize(
    ("name", "action", "data", "message"),
    [
        (
            "collected",
            "ship",
            {"tracking_number": "SF1"},
            "Order {number} is picked up in store; mark it ready for pick-up.",
        ),
        (
            "waiting",
            "refund",
            {"reason": "Changed mind"},
            "Order {number} is waiting for payment; it cannot be refunded.",
        ),
        ("shipped", "refund", {"reason": "  "}, "Give a reason for the refund."),
        ("shipped", "complete", {}, "Order {number} is paid; it cannot be completed."),
        ("shipped", "cancel", {"reason": "Too late"}, "Order {number} is paid; it cannot be cancelled."),
        (
            "waiting",
            "pay-in-store",
            {},
            "Order {number} is paid online; its payment is recorded when the provider confirms it.",
        ),
    ],
)
def test_a_refused_action_shows_the_message_and_changes_nothing(
    orders, in_tenant, brand, name, action, data, message
):
    order = orders[name]
    with in_tenant(brand):
        stock_before = list(Sku.objects.order_by("code").values_list("code", "stock"))
        payments_before = list(Payment.objects.order_by("pk").values_list("pk", "status"))
    before = order_state(in_tenant, brand, order)
    response = act(staff(), order, action, **data)
    assert response.redirect_chain == [(f"/admin/shop/orders/{order.pk}/", 302)]
    assert shown_messages(response) == [message.format(number=order.number)]
    assert order_state(in_tenant, brand, order) == before
    with in_tenant(brand):
        assert list(Sku.objects.order_by("code").values_list("code", "stock")) == stock_before
        assert list(Payment.objects.order_by("pk").values_list("pk", "status")) == payments_before


def test_order_actions_are_posts_only(orders, in_tenant, brand):
    order = orders["waiting"]
    before = order_state(in_tenant, brand, order)
    assert staff().get(f"/admin/shop/orders/{order.pk}/cancel/", HTTP_HOST=HOST).status_code == 405
    assert order_state(in_tenant, brand, order) == before


def test_csv_has_the_filtered_orders_exactly_and_is_safe_in_a_spreadsheet(orders, in_tenant, brand):
    with in_tenant(brand):
        Order.objects.filter(pk=orders["waiting"].pk).update(recipient_name='=HYPERLINK("http://x")')
    response = staff().get("/admin/shop/orders/", {"export": "csv", "delivery": "shipping"}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="orders.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [
        [
            "Order number",
            "Placed (Asia/Shanghai)",
            "Status",
            "Member e-mail",
            "Total (CNY)",
            "Points paid",
            "Delivery",
            "Recipient",
            "Phone",
            "Address or pick-up store",
            "Items",
        ],
        [
            orders["waiting"].number,
            "2030-01-02 23:30",
            "Waiting for payment",
            "li@example.com",
            "88.00",
            "0",
            "Delivery to an address",
            '\'=HYPERLINK("http://x")',
            "13900000000",
            "88 Yuyuan Road, Shanghai",
            "Yunnan beans × 1",
        ],
        [
            orders["shipped"].number,
            "2030-01-01 10:00",
            "Paid",
            "mei@example.com",
            "206.00",
            "0",
            "Delivery to an address",
            "Wang Mei",
            "13800000000",
            "88 Yuyuan Road, Shanghai",
            "Yunnan beans × 2; Tea mug · Blue × 1",
        ],
    ]

    pickups = staff().get("/admin/shop/orders/", {"export": "csv", "q": "li@example"}, HTTP_HOST=HOST)
    pickup_rows = list(csv.reader(io.StringIO(b"".join(pickups.streaming_content).decode())))
    assert [(row[0], row[9]) for row in pickup_rows[1:]] == [
        (orders["collected"].number, STORE),
        (orders["waiting"].number, "88 Yuyuan Road, Shanghai"),
    ]


def test_group_buy_list_filters_by_status(brand, in_tenant):
    with in_tenant(brand):
        product = ProductFactory(
            title="Team bundle", sale_mode=SaleMode.GROUP_BUY, group_size=3, group_price_cents=5000
        )
        leader = MemberFactory(user__username="zhou", user__email="zhou@example.com")
        order = place(leader, line(product.skus.get()), start_group_buy=True)
        pay_online(order)
        group = GroupBuy.objects.get()
    client = staff()
    page = client.get("/admin/shop/group-buys/", HTTP_HOST=HOST)
    rows = [
        [column.get_value(row) for column in page.context["table"].columns.values()]
        for row in page.context["object_list"]
    ]
    ends = formats.date_format(timezone.localtime(group.expires_at, SHANGHAI), "SHORT_DATETIME_FORMAT")
    assert rows == [["Team bundle", "zhou@example.com", "1/3", 1, "Open", ends]]
    assert [
        row.pk
        for row in client.get("/admin/shop/group-buys/", {"status": "open"}, HTTP_HOST=HOST).context[
            "object_list"
        ]
    ] == [group.pk]
    assert (
        list(
            client.get("/admin/shop/group-buys/", {"status": "failed"}, HTTP_HOST=HOST).context["object_list"]
        )
        == []
    )


# --- Tenants ---------------------------------------------------------------------------------


def test_staff_of_one_brand_never_reach_another_brands_orders(orders, brand, make_tenant, in_tenant):
    other = make_tenant("shopother", default_language="en").tenant
    with in_tenant(other):
        stranger = MemberFactory(user__username="zhao", user__email="zhao@other.example")
        sku = ProductFactory(title="Bravo tea").skus.get()
        theirs = [place(stranger, line(sku, 1), recipient_name="Zhao Secret") for _ in range(5)]
    with in_tenant(brand):
        ours = set(Order.objects.values_list("pk", flat=True))
    foreign = next(order for order in theirs if order.pk not in ours)

    client = staff()
    assert client.get(f"/admin/shop/orders/{foreign.pk}/", HTTP_HOST=HOST).status_code == 404
    found = client.get("/admin/shop/orders/", {"q": foreign.number}, HTTP_HOST=HOST)
    assert list(found.context["object_list"]) == []
    everything = client.get("/admin/shop/orders/", HTTP_HOST=HOST).content.decode()
    assert "Zhao Secret" not in everything
    assert not [order.number for order in theirs if order.number in everything]
    export = client.get("/admin/shop/orders/", {"export": "csv"}, HTTP_HOST=HOST)
    exported = b"".join(export.streaming_content).decode()
    assert "zhao@other.example" not in exported
    assert len(exported.strip().splitlines()) == 1 + len(orders)

    with in_tenant(other):
        before = Order.objects.get(pk=foreign.pk).status
    refused = client.post(f"/admin/shop/orders/{foreign.pk}/cancel/", {"reason": "x"}, HTTP_HOST=HOST)
    assert refused.status_code == 404
    with in_tenant(other):
        assert Order.objects.get(pk=foreign.pk).status == before
