"""The shop in GraphQL: `products`, `product`, `productCategories`, `viewer { cart orders }`, for
visitors and members (session or bearer token), one tenant at a time."""

import io
import json
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.images.models import Image

from accounts import tokens
from mall import services
from mall.graphql.schema import product_cursor
from mall.models import Cart, Product, ProductCategory, ProductImage, Visibility
from mall.tests.factories import ProductCategoryFactory, ProductFactory, line, place
from members.models import MemberLevel
from members.tests.factories import MemberLevelFactory, MemberRowFactory

HOST = "shop.localhost"

PRODUCTS = """query($category: String, $tag: String, $first: Int, $after: String) {
  products(category: $category, tag: $tag, first: $first, after: $after) {
    total endCursor hasNextPage
    items { slug title }
  }
}"""
PRICES = """{ products { items { slug price { cents text listCents }
  skus { code price { cents text listCents } pointsPrice { points cents text } } } } }"""
PRODUCT = """query($slug: String!) {
  product(slug: $slug) {
    id slug title summary url tags featured saleMode onSale purchaseLimit inStock
    category { slug name url subcategories { slug } }
    price { cents text listCents }
    skus { code options stock inStock price { cents text listCents } pointsPrice { points cents text } }
    groupBuy { size priceCents priceText hours }
    bargain { floorCents }
    descriptionHtml
    description { blockType }
  }
}"""
VIEWER = """query($status: OrderStatus, $first: Int, $after: String) { viewer {
  cart { subtotalCents points count
         lines { sku { code options } productSlug title quantity withPoints unitPrice { cents points } problem } }
  orders(status: $status, first: $first, after: $after) {
    endCursor hasNextPage
    items { number status statusLabel totalCents pointsSpent placedAt url
            lines { title options skuCode quantity withPoints unitPriceCents unitPoints } }
  }
} }"""


def gql(client, query, variables=None, host=HOST, **headers):
    """The answer's data, in English (the brand's own language is Chinese)."""
    headers.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    response = client.post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        HTTP_HOST=host,
        **headers,
    )
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]


def slugs(page):
    return [item["slug"] for item in page["items"]]


@pytest.fixture
def shop(make_tenant, in_tenant):
    """Coffee (with its sub-category Single origin) and Gifts; products added oldest first, so the
    newest-first lists read bottom to top."""
    tenant = make_tenant("shop").tenant
    with in_tenant(tenant):
        gold = MemberLevelFactory(name="Gold", discount_percent=10)
        MemberLevelFactory(name="Silver", discount_percent=0)
        coffee = ProductCategoryFactory(name="Coffee", slug="coffee", sort_order=1)
        single = ProductCategoryFactory(name="Single origin", slug="single-origin", parent=coffee)
        gifts = ProductCategoryFactory(name="Gifts", slug="gifts", sort_order=2)
        yirga = ProductFactory(
            title="Yirgacheffe", slug="yirgacheffe", category=single, skus=[{"price_cents": 8_800}]
        )
        yirga.tags.add("light")
        yirga.save()
        blend = ProductFactory(
            title="House blend",
            slug="house-blend",
            category=coffee,
            summary="Chocolate and nuts.",
            featured=True,
            skus=[
                {"code": "BLEND-250", "options": "250 g", "price_cents": 6_800, "stock": 5},
                {"code": "BLEND-1KG", "options": "1 kg", "price_cents": 12_800, "stock": 0},
            ],
        )
        blend.tags.add("dark")
        blend.save()
        ProductFactory(
            title="Mug",
            slug="mug",
            category=gifts,
            skus=[{"code": "MUG", "price_cents": 5_000, "points_price": 300, "points_cash_cents": 500}],
        )
        ProductFactory(title="Members tote", slug="tote", category=gifts, visibility=Visibility.MEMBERS)
        reserve = ProductFactory(
            title="Gold reserve", slug="gold-reserve", category=coffee, visibility=Visibility.LEVELS
        )
        reserve.levels.add(gold)
        reserve.tags.add("dark")
        reserve.save()
        ProductFactory(title="Hidden", slug="hidden", category=coffee, is_published=False)
    return tenant


def member_client(tenant, in_tenant, level_name):
    client = Client()
    with in_tenant(tenant):
        user = MemberRowFactory(level=MemberLevel.objects.get(name=level_name)).user
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def bearer(tenant, in_tenant, level_name):
    with in_tenant(tenant):
        user = MemberRowFactory(level=MemberLevel.objects.get(name=level_name)).user
        return {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue_customer_token(user)}"}


# --- products ------------------------------------------------------------------------------------


def test_a_visitor_sees_the_products_for_everyone_newest_first(shop, client):
    page = gql(client, PRODUCTS)["products"]
    assert slugs(page) == ["mug", "house-blend", "yirgacheffe"]
    assert (page["total"], page["hasNextPage"], page["endCursor"]) == (3, False, product_cursor(3))


def test_a_category_holds_its_sub_categories_products_and_a_tag_narrows(shop, client, in_tenant):
    assert slugs(gql(client, PRODUCTS, {"category": "coffee"})["products"]) == ["house-blend", "yirgacheffe"]
    assert slugs(gql(client, PRODUCTS, {"category": "single-origin"})["products"]) == ["yirgacheffe"]
    assert slugs(gql(client, PRODUCTS, {"category": "gifts"})["products"]) == ["mug"]
    assert slugs(gql(client, PRODUCTS, {"tag": "dark"})["products"]) == ["house-blend"]
    assert slugs(gql(client, PRODUCTS, {"category": "gifts", "tag": "dark"})["products"]) == []
    assert gql(client, PRODUCTS, {"category": "no-such-shelf"})["products"] == {
        "total": 0,
        "endCursor": None,
        "hasNextPage": False,
        "items": [],
    }
    gold = member_client(shop, in_tenant, "Gold")
    assert slugs(gql(gold, PRODUCTS, {"category": "coffee"})["products"]) == [
        "gold-reserve",
        "house-blend",
        "yirgacheffe",
    ]
    assert slugs(gql(gold, PRODUCTS, {"tag": "dark"})["products"]) == ["gold-reserve", "house-blend"]


def test_pages_follow_the_cursor_to_the_end(shop, in_tenant):
    client = member_client(shop, in_tenant, "Gold")  # five products: tote and the gold reserve too
    first = gql(client, PRODUCTS, {"first": 2})["products"]
    assert (slugs(first), first["total"], first["hasNextPage"]) == (["gold-reserve", "tote"], 5, True)
    second = gql(client, PRODUCTS, {"first": 2, "after": first["endCursor"]})["products"]
    assert (slugs(second), second["hasNextPage"]) == (["mug", "house-blend"], True)
    third = gql(client, PRODUCTS, {"first": 2, "after": second["endCursor"]})["products"]
    assert (slugs(third), third["hasNextPage"], third["endCursor"]) == (
        ["yirgacheffe"],
        False,
        product_cursor(5),
    )
    # A cursor the API did not make is past the end, not the first page again.
    for after in ("not-a-cursor", product_cursor(99)):
        assert gql(client, PRODUCTS, {"first": 2, "after": after})["products"] == {
            "total": 5,
            "endCursor": None,
            "hasNextPage": False,
            "items": [],
        }


def test_first_is_capped_at_fifty(shop, in_tenant, client):
    with in_tenant(shop):
        for number in range(50):
            ProductFactory(title=f"Drip bag {number}", slug=f"drip-{number}")
    page = gql(client, PRODUCTS, {"first": 500})["products"]
    assert (len(page["items"]), page["total"], page["hasNextPage"]) == (50, 53, True)


BLEND_FOR_VISITORS = {
    "slug": "house-blend",
    "price": {"cents": 6_800, "text": "¥68.00", "listCents": None},
    "skus": [
        {
            "code": "BLEND-250",
            "price": {"cents": 6_800, "text": "¥68.00", "listCents": None},
            "pointsPrice": None,
        },
        {
            "code": "BLEND-1KG",
            "price": {"cents": 12_800, "text": "¥128.00", "listCents": None},
            "pointsPrice": None,
        },
    ],
}
BLEND_FOR_GOLD = {
    "slug": "house-blend",
    "price": {"cents": 6_120, "text": "¥61.20", "listCents": 6_800},
    "skus": [
        {
            "code": "BLEND-250",
            "price": {"cents": 6_120, "text": "¥61.20", "listCents": 6_800},
            "pointsPrice": None,
        },
        {
            "code": "BLEND-1KG",
            "price": {"cents": 11_520, "text": "¥115.20", "listCents": 12_800},
            "pointsPrice": None,
        },
    ],
}


def blend(data):
    return next(item for item in data["products"]["items"] if item["slug"] == "house-blend")


def test_a_member_gets_their_price_by_session_and_by_token_never_the_visitors_cached_answer(
    shop, in_tenant, settings, django_assert_num_queries
):
    settings.PORTAL_FRAGMENT_CACHE_SECONDS = 300
    assert blend(gql(Client(), PRICES)) == BLEND_FOR_VISITORS
    with django_assert_num_queries(0):  # the visitor's answer is in the anonymous cache now
        assert blend(gql(Client(), PRICES)) == BLEND_FOR_VISITORS
    assert blend(gql(member_client(shop, in_tenant, "Gold"), PRICES)) == BLEND_FOR_GOLD
    assert blend(gql(Client(), PRICES, **bearer(shop, in_tenant, "Gold"))) == BLEND_FOR_GOLD
    # Silver's level has no discount: the visitor's price, computed for them all the same.
    assert blend(gql(member_client(shop, in_tenant, "Silver"), PRICES)) == BLEND_FOR_VISITORS
    # And the member's answer never reaches the cache a visitor is served from.
    assert blend(gql(Client(), PRICES)) == BLEND_FOR_VISITORS


def test_points_price_and_points_plus_cash(shop, client):
    mug = next(item for item in gql(client, PRICES)["products"]["items"] if item["slug"] == "mug")
    assert mug["skus"] == [
        {
            "code": "MUG",
            "price": {"cents": 5_000, "text": "¥50.00", "listCents": None},
            "pointsPrice": {"points": 300, "cents": 500, "text": "300 points + ¥5.00"},
        }
    ]


def test_one_product_with_its_category_skus_and_description(shop, client, in_tenant):
    with in_tenant(shop):
        product = Product.objects.get(slug="house-blend")
        product.description = [("text", "<p>Roasted on <b>Mondays</b>.</p>")]
        product.save()
    assert gql(client, PRODUCT, {"slug": "house-blend"})["product"] == {
        "id": str(product.pk),
        "slug": "house-blend",
        "title": "House blend",
        "summary": "Chocolate and nuts.",
        "url": "/shop/house-blend/",
        "tags": ["dark"],
        "featured": True,
        "saleMode": "normal",
        "onSale": True,
        "purchaseLimit": None,
        "inStock": True,
        "category": {
            "slug": "coffee",
            "name": "Coffee",
            "url": "/shop/category/coffee/",
            "subcategories": [{"slug": "single-origin"}],
        },
        "price": {"cents": 6_800, "text": "¥68.00", "listCents": None},
        "skus": [
            {
                "code": "BLEND-250",
                "options": "250 g",
                "stock": 5,
                "inStock": True,
                "price": {"cents": 6_800, "text": "¥68.00", "listCents": None},
                "pointsPrice": None,
            },
            {
                "code": "BLEND-1KG",
                "options": "1 kg",
                "stock": 0,
                "inStock": False,
                "price": {"cents": 12_800, "text": "¥128.00", "listCents": None},
                "pointsPrice": None,
            },
        ],
        "groupBuy": None,
        "bargain": None,
        "descriptionHtml": "<p>Roasted on <b>Mondays</b>.</p>",
        "description": [{"blockType": "RichTextBlock"}],
    }


def test_group_buy_and_bargain_terms(shop, client, in_tenant):
    with in_tenant(shop):
        ProductFactory(
            slug="duo", sale_mode="group_buy", group_size=3, group_price_cents=5_900, group_hours=12
        )
        ProductFactory(slug="haggle", sale_mode="bargain", bargain_floor_cents=4_000)
    query = "query($slug: String!) { product(slug: $slug) { saleMode groupBuy { size priceCents priceText hours } bargain { floorCents floorText minCutCents maxCutCents hours } } }"
    assert gql(client, query, {"slug": "duo"})["product"] == {
        "saleMode": "group_buy",
        "groupBuy": {"size": 3, "priceCents": 5_900, "priceText": "¥59.00", "hours": 12},
        "bargain": None,
    }
    assert gql(client, query, {"slug": "haggle"})["product"] == {
        "saleMode": "bargain",
        "groupBuy": None,
        "bargain": {
            "floorCents": 4_000,
            "floorText": "¥40.00",
            "minCutCents": 100,
            "maxCutCents": 1_000,
            "hours": 48,
        },
    }


def test_a_level_product_is_only_for_its_level(shop, in_tenant, client):
    query = "query($slug: String!) { product(slug: $slug) { slug skus { price { cents } } } }"
    variables = {"slug": "gold-reserve"}
    assert gql(client, query, variables)["product"] is None
    assert gql(member_client(shop, in_tenant, "Silver"), query, variables)["product"] is None
    assert gql(Client(), query, variables, **bearer(shop, in_tenant, "Silver"))["product"] is None
    found = {"slug": "gold-reserve", "skus": [{"price": {"cents": 9_000}}]}
    assert gql(member_client(shop, in_tenant, "Gold"), query, variables)["product"] == found
    assert gql(Client(), query, variables, **bearer(shop, in_tenant, "Gold"))["product"] == found
    # Members-only: any member, no visitor; unpublished: nobody.
    assert gql(client, query, {"slug": "tote"})["product"] is None
    assert gql(member_client(shop, in_tenant, "Silver"), query, {"slug": "tote"})["product"] == {
        "slug": "tote",
        "skus": [{"price": {"cents": 10_000}}],
    }
    assert gql(member_client(shop, in_tenant, "Gold"), query, {"slug": "hidden"})["product"] is None


def test_the_category_tree(shop, client, in_tenant):
    with in_tenant(shop):
        ProductCategoryFactory(
            name="Brewing", slug="brewing", parent=ProductCategory.objects.get(slug="coffee")
        )
    query = "{ productCategories { slug name url subcategories { slug name url subcategories { slug } } } }"
    assert gql(client, query)["productCategories"] == [
        {
            "slug": "coffee",
            "name": "Coffee",
            "url": "/shop/category/coffee/",
            "subcategories": [
                {"slug": "brewing", "name": "Brewing", "url": "/shop/category/brewing/", "subcategories": []},
                {
                    "slug": "single-origin",
                    "name": "Single origin",
                    "url": "/shop/category/single-origin/",
                    "subcategories": [],
                },
            ],
        },
        {"slug": "gifts", "name": "Gifts", "url": "/shop/category/gifts/", "subcategories": []},
    ]


@pytest.fixture
def bravo(make_tenant, in_tenant):
    """Another brand with a product at the same address and one of its own."""
    tenant = make_tenant("bravo").tenant
    with in_tenant(tenant):
        ProductFactory(title="Bravo blend", slug="house-blend", skus=[{"code": "B-1", "price_cents": 100}])
        ProductFactory(title="Bravo only", slug="bravo-only")
    return tenant


def test_another_tenants_products_never_appear(shop, bravo, client):
    assert slugs(gql(client, PRODUCTS, host="bravo.localhost")["products"]) == ["bravo-only", "house-blend"]
    assert gql(client, PRODUCT, {"slug": "mug"}, host="bravo.localhost")["product"] is None
    assert gql(client, PRODUCT, {"slug": "bravo-only"})["product"] is None
    assert gql(client, "{ productCategories { slug } }", host="bravo.localhost")["productCategories"] == []
    query = "query($slug: String!) { product(slug: $slug) { title skus { code } } }"
    assert gql(client, query, {"slug": "house-blend"}, host="bravo.localhost")["product"] == {
        "title": "Bravo blend",
        "skus": [{"code": "B-1"}],
    }
    assert gql(client, query, {"slug": "house-blend"})["product"]["title"] == "House blend"


# --- viewer { cart orders } ----------------------------------------------------------------------


def test_anonymous_viewer_is_null(shop, client):
    assert gql(client, "{ viewer { cart { count } } }") == {"viewer": None}


def test_the_cart_at_the_members_prices_with_what_can_no_longer_be_bought(shop, in_tenant):
    with in_tenant(shop):
        user = MemberRowFactory(level=MemberLevel.objects.get(name="Gold")).user
        cart = Cart.objects.create(user=user)
        blend_250 = Product.objects.get(slug="house-blend").skus.get(code="BLEND-250")
        mug = Product.objects.get(slug="mug").skus.get()
        yirga = Product.objects.get(slug="yirgacheffe").skus.get()
        services.add_to_cart(cart, blend_250.pk, 2, user=user)
        services.add_to_cart(cart, mug.pk, 1, with_points=True, user=user)
        services.add_to_cart(cart, yirga.pk, 1, user=user)
        yirga.product.is_published = False
        yirga.product.save()
        token = tokens.issue_customer_token(user)
    data = gql(Client(), VIEWER, HTTP_AUTHORIZATION=f"Bearer {token}")["viewer"]
    assert data["cart"] == {
        "subtotalCents": 2 * 6_120 + 500,
        "points": 300,
        "count": 4,
        "lines": [
            {
                "sku": {"code": "BLEND-250", "options": "250 g"},
                "productSlug": "house-blend",
                "title": "House blend",
                "quantity": 2,
                "withPoints": False,
                "unitPrice": {"cents": 6_120, "points": 0},
                "problem": None,
            },
            {
                "sku": {"code": "MUG", "options": ""},
                "productSlug": "mug",
                "title": "Mug",
                "quantity": 1,
                "withPoints": True,
                "unitPrice": {"cents": 500, "points": 300},
                "problem": None,
            },
            {
                "sku": {"code": "yirgacheffe-0", "options": ""},
                "productSlug": "yirgacheffe",
                "title": "Yirgacheffe",
                "quantity": 1,
                "withPoints": False,
                "unitPrice": None,
                "problem": "“Yirgacheffe” is no longer sold.",
            },
        ],
    }


def test_a_member_without_a_cart_has_an_empty_one(shop, in_tenant):
    data = gql(member_client(shop, in_tenant, "Silver"), VIEWER)["viewer"]
    assert data["cart"] == {"subtotalCents": 0, "points": 0, "count": 0, "lines": []}
    assert data["orders"] == {"endCursor": None, "hasNextPage": False, "items": []}


def test_orders_are_only_the_viewers_newest_first_by_status_and_page(shop, in_tenant):
    with in_tenant(shop):
        gold = MemberLevel.objects.get(name="Gold")
        member, other = MemberRowFactory(level=gold), MemberRowFactory(level=gold)
        blend_250 = Product.objects.get(slug="house-blend").skus.get(code="BLEND-250")
        mug = Product.objects.get(slug="mug").skus.get()
        first = place(member, line(blend_250, 2), confirmed_total_cents=12_240)
        second = place(member, line(mug, 1))
        place(other, line(mug, 1))
        services.cancel_order(second, reason="Changed my mind", acting_user=member.user)
        client = Client()
        client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
        first.refresh_from_db()
        second.refresh_from_db()
    orders = gql(client, VIEWER)["viewer"]["orders"]
    assert [order["number"] for order in orders["items"]] == [second.number, first.number]
    assert orders["hasNextPage"] is False
    assert orders["items"][1] == {
        "number": first.number,
        "status": "pending_payment",
        "statusLabel": "Waiting for payment",
        "totalCents": 12_240,
        "pointsSpent": 0,
        "placedAt": first.created_at.isoformat(),
        "url": f"/account/orders/{first.number}/",
        "lines": [
            {
                "title": "House blend",
                "options": "250 g",
                "skuCode": "BLEND-250",
                "quantity": 2,
                "withPoints": False,
                "unitPriceCents": 6_120,
                "unitPoints": 0,
            }
        ],
    }
    cancelled = gql(client, VIEWER, {"status": "CANCELLED"})["viewer"]["orders"]["items"]
    assert [(order["number"], order["status"], order["statusLabel"]) for order in cancelled] == [
        (second.number, "cancelled", "Cancelled")
    ]
    page = gql(client, VIEWER, {"first": 1})["viewer"]["orders"]
    assert ([order["number"] for order in page["items"]], page["hasNextPage"]) == ([second.number], True)
    rest = gql(client, VIEWER, {"first": 1, "after": page["endCursor"]})["viewer"]["orders"]
    assert ([order["number"] for order in rest["items"]], rest["hasNextPage"]) == ([first.number], False)
    assert gql(client, VIEWER, {"after": "bogus"})["viewer"]["orders"]["items"] == []


# --- Cost ----------------------------------------------------------------------------------------


def png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (900, 700), "#6b3e26").save(buffer, "PNG")
    return buffer.getvalue()


class Pictures:
    """Images uploaded under the test MEDIA_ROOT with names no other test uses, removed afterwards
    with their renditions (the database rolls back, the files do not)."""

    def __init__(self, tenant):
        self.root = Path(settings.MEDIA_ROOT) / tenant.schema_name
        self.stems = []

    def add(self, title="Beans") -> Image:
        stem = f"shop-{uuid.uuid4().hex[:12]}"
        self.stems.append(stem)
        return Image.objects.create(title=title, file=ImageFile(io.BytesIO(png()), name=f"{stem}.png"))

    def remove(self):
        for stem in self.stems:
            for path in self.root.rglob(f"{stem}*"):
                if path.is_file():
                    path.unlink()


@pytest.fixture
def pictures(shop):
    made = Pictures(shop)
    yield made
    made.remove()


EVERYTHING = """{
  products(tag: "cups", first: 20) { total items {
    id slug title summary url tags featured saleMode onSale purchaseLimit inStock
    category { slug name subcategories { slug } }
    images { alt image { url rendition(fill: "400x300") { url } } }
    price { cents text listCents } pointsPrice { points text }
    skus { code options stock inStock price { cents text listCents } pointsPrice { points cents text } }
    groupBuy { size } bargain { floorCents }
  } }
  productCategories { slug subcategories { slug } }
  viewer { cart { subtotalCents lines { title unitPrice { cents } } } orders(first: 20) { items { number lines { title } } } }
}"""


def test_the_products_list_costs_the_same_queries_for_two_products_as_for_ten(
    shop, in_tenant, pictures, django_assert_num_queries
):
    """Cups with pictures (renditions made), tags, categories, SKUs at a member's price, with the
    viewer's cart and orders: a member, so the answer is never the anonymous cache's."""
    with in_tenant(shop):
        user = MemberRowFactory(level=MemberLevel.objects.get(name="Gold")).user

    def add_cups(count):
        with in_tenant(shop):
            gifts = ProductCategory.objects.get(slug="gifts")
            for _number in range(count):
                product = ProductFactory(category=gifts, skus=[{"price_cents": 3_000}, {"points_price": 100}])
                product.tags.add("cups")
                product.save()
                image = pictures.add()
                image.get_rendition("fill-400x300")
                ProductImage.objects.create(product=product, image=image, alt="A cup")

    client = Client()
    with in_tenant(shop):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def ask():
        cache.clear()
        return gql(client, EVERYTHING)

    add_cups(2)
    ask()  # the first request of the process loads what every later one shares
    with CaptureQueriesContext(connection) as captured:
        data = ask()
    assert (data["products"]["total"], len(captured)) == (2, len(captured))
    add_cups(8)
    with django_assert_num_queries(len(captured)):
        data = ask()
    assert data["products"]["total"] == 10
    assert [len(item["images"]) for item in data["products"]["items"]] == [1] * 10
    assert {item["price"]["cents"] for item in data["products"]["items"]} == {2_700}
