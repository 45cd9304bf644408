"""The shop's page blocks: exactly the products of their source, only products for everyone, list
prices (the page body is cached for every visitor), a fixed number of queries, and what an
editor is told when a block names a category, tag or product the shop does not have."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from builder.fields import page_blocks
from builder.models import HomePage, StandardPage
from mall.models import ProductImage, Visibility
from mall.tests.factories import ProductCategoryFactory, ProductFactory
from mall.tests.test_graphql import Pictures
from members.tests.factories import MemberLevelFactory, MemberRowFactory

BLOCKS = dict(page_blocks())
HOST = {"HTTP_HOST": "shop.localhost", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def shop(make_tenant, in_tenant):
    """Coffee (with Single origin under it) and Gifts; products added oldest first."""
    tenant = make_tenant("shop", default_language="en").tenant
    with in_tenant(tenant):
        gold = MemberLevelFactory(name="Gold", discount_percent=10)
        coffee = ProductCategoryFactory(name="Coffee", slug="coffee", sort_order=1, description="Beans")
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
            featured=True,
            summary="Chocolate and nuts.",
            skus=[{"price_cents": 12_800, "stock": 0}, {"price_cents": 6_800}],
        )
        blend.tags.add("dark")
        blend.save()
        ProductFactory(
            title="Mug",
            slug="mug",
            category=gifts,
            featured=True,
            skus=[{"price_cents": 5_000, "points_price": 300, "points_cash_cents": 500, "stock": 0}],
        )
        ProductFactory(
            title="Gift card",
            slug="gift-card",
            category=gifts,
            skus=[{"price_cents": None, "points_price": 2_000}],
        )
        ProductFactory(
            title="Duo",
            slug="duo",
            category=gifts,
            sale_mode="group_buy",
            group_size=3,
            group_price_cents=5_900,
        )
        # Never on a shelf: for members, for a level, unpublished, sale over.
        ProductFactory(
            title="Members tote", slug="tote", category=gifts, featured=True, visibility=Visibility.MEMBERS
        )
        reserve = ProductFactory(
            title="Gold reserve",
            slug="gold-reserve",
            category=coffee,
            featured=True,
            visibility=Visibility.LEVELS,
            skus=[{"price_cents": 9_900, "points_price": 900}],
        )
        reserve.levels.add(gold)
        reserve.tags.add("dark")
        reserve.save()
        ProductFactory(title="Draft", slug="draft", category=coffee, featured=True, is_published=False)
        ProductFactory(
            title="Last season",
            slug="last-season",
            category=coffee,
            featured=True,
            sale_ends=timezone.now() - dt.timedelta(days=1),
        )
    return tenant


def render(name, raw):
    block = BLOCKS[name]
    return block.render(block.to_python(raw))


def titles(html):
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a></h3>', html)


def grid(**value):
    return render("product_grid", {"heading": "Shop", "count": 8, "show_price": True, **value})


def test_each_source_shows_exactly_its_products_for_everyone(shop, in_tenant):
    with in_tenant(shop):
        assert titles(grid(source="featured")) == ["Mug", "House blend"]
        assert titles(grid(source="category", category="coffee")) == ["House blend", "Yirgacheffe"]
        assert titles(grid(source="category", category="single-origin")) == ["Yirgacheffe"]
        assert titles(grid(source="tag", tag="dark")) == ["House blend"]
        chosen = ["yirgacheffe", "gold-reserve", "tote", "draft", "mug", "no-such-thing"]
        assert titles(grid(source="chosen", products=chosen)) == ["Yirgacheffe", "Mug"]
        assert titles(grid(source="featured", count=1)) == ["Mug"]
        assert titles(render("new_arrivals", {"count": 3})) == ["Duo", "Gift card", "Mug"]
        assert titles(render("points_rewards", {"count": 8})) == ["Gift card", "Mug"]
        assert titles(render("group_buys", {"count": 8})) == ["Duo"]
        carousel = render(
            "product_carousel", {"heading": "Coffee", "source": "category", "category": "coffee"}
        )
        assert titles(carousel) == ["House blend", "Yirgacheffe"]
        assert '<div class="shelf-row" role="region" tabindex="0" aria-label="Coffee">' in carousel
        assert '<a href="/shop/category/coffee/">See more in the shop</a>' in carousel


def test_cards_link_to_the_product_and_show_list_prices(shop, in_tenant):
    with in_tenant(shop):
        html = grid(source="category", category="gifts")
        assert titles(html) == ["Duo", "Gift card", "Mug"]
        assert '<h3 class="card-title"><a href="/shop/mug/">Mug</a></h3>' in html
        assert '<p class="shelf-price">¥50.00</p><p class="shelf-points">or 300 points + ¥5.00</p>' in html
        assert '<p class="shelf-points">2,000 points</p>' in html
        assert (
            '<p class="shelf-price">Group of 3: ¥59.00</p><p class="shelf-regular-price">On your own: ¥100.00</p>'
            in html
        )
        assert html.count('<p class="shelf-sold-out">Sold out</p>') == 1  # the mug
        blend = grid(source="tag", tag="dark")
        assert '<p class="shelf-price">From ¥68.00</p>' in blend
        assert "<p>Chocolate and nuts.</p>" in blend
        assert "Sold out" not in blend  # one of its two SKUs is still in stock
        hidden = grid(source="tag", tag="dark", show_price=False)
        assert titles(hidden) == ["House blend"]
        assert "¥" not in hidden
        rewards = render("points_rewards", {"heading": "Rewards"})
        assert re.findall(r'<p class="shelf-points">([^<]+)</p>', rewards) == [
            "2,000 points",
            "300 points + ¥5.00",
        ]


def test_the_category_list_shows_top_categories_with_links(shop, in_tenant):
    with in_tenant(shop):
        html = render("category_list", {"heading": "Shop by category"})
    assert titles(html) == ["Coffee", "Gifts"]
    assert '<h3 class="card-title"><a href="/shop/category/coffee/">Coffee</a></h3>' in html
    assert "<p>Beans</p>" in html


def test_a_page_shows_the_same_list_prices_to_visitors_and_members(shop, in_tenant):
    """The body is cached for everyone: a member's discount never reaches it (nor the level-only
    product their level sees)."""
    with in_tenant(shop):
        home = HomePage.objects.get(depth=2, locale__language_code="en")
        page = home.add_child(
            instance=StandardPage(
                title="Shop picks",
                slug="picks",
                body=[
                    (
                        "product_grid",
                        {
                            "heading": "Coffee",
                            "source": "category",
                            "category": "coffee",
                            "count": 8,
                            "show_price": True,
                            "products": [],
                        },
                    )
                ],
            )
        )
        page.save_revision().publish()
        gold = MemberRowFactory(level=MemberLevelFactory(name="Gold plus", discount_percent=10))
    member = Client()
    with in_tenant(shop):
        member.force_login(gold.user, backend="django.contrib.auth.backends.ModelBackend")
    for client in (Client(), member, Client()):
        html = client.get("/picks/", **HOST).content.decode()
        assert titles(html) == ["House blend", "Yirgacheffe"]
        assert '<p class="shelf-price">From ¥68.00</p>' in html
        assert "¥61.20" not in html


def test_a_shelf_costs_the_same_queries_for_two_products_as_for_ten(
    shop, in_tenant, django_assert_num_queries
):
    pictures = Pictures(shop)
    try:
        with in_tenant(shop):

            def add_cups(count):
                for _number in range(count):
                    cup = ProductFactory(
                        skus=[{"price_cents": 3_000}, {"price_cents": 3_500, "points_price": 100}]
                    )
                    cup.tags.add("cups")
                    cup.save()
                    ProductImage.objects.create(product=cup, image=pictures.add())

            add_cups(2)
            grid(source="tag", tag="cups", count=24)  # makes the renditions
            with CaptureQueriesContext(connection) as captured:
                assert len(titles(grid(source="tag", tag="cups", count=24))) == 2
            add_cups(8)
            grid(source="tag", tag="cups", count=24)
            with django_assert_num_queries(len(captured)):
                html = grid(source="tag", tag="cups", count=24)
            assert len(titles(html)) == 10
            assert html.count('class="card-image"') == 10
            assert len(captured) == 4  # products, SKUs, pictures, renditions
    finally:
        pictures.remove()


def errors_of(name, raw) -> dict:
    block = BLOCKS[name]
    with pytest.raises(ValidationError) as error:
        block.clean(block.to_python({"count": 8, "show_price": True, "products": [], **raw}))
    return {field: errors.messages for field, errors in error.value.block_errors.items()}


def test_a_block_naming_what_the_shop_does_not_have_is_refused_saying_which(shop, in_tenant):
    with in_tenant(shop):
        for name in ("product_grid", "product_carousel"):
            assert errors_of(name, {"source": "category", "category": "teapots"}) == {
                "category": ["There is no category “teapots” in the shop."]
            }
            assert errors_of(name, {"source": "category", "category": ""}) == {
                "category": ["Choose the category to show."]
            }
            assert errors_of(name, {"source": "tag", "tag": "decaf"}) == {
                "tag": ["No product has the tag “decaf”."]
            }
            assert errors_of(name, {"source": "chosen", "products": ["mug", "teapot", "kettle"]}) == {
                "products": ["There are no products “teapot”, “kettle” in the shop."]
            }
            assert errors_of(name, {"source": "chosen", "products": ["mug", "teapot"]}) == {
                "products": ["There is no product “teapot” in the shop."]
            }
            assert errors_of(name, {"source": "chosen", "products": []}) == {
                "products": ["Give the slug of at least one product."]
            }
        block = BLOCKS["product_grid"]
        value = block.clean(
            block.to_python(
                {
                    "source": "category",
                    "category": "single-origin",
                    "count": 8,
                    "show_price": True,
                    "products": [],
                }
            )
        )
        assert value["category"] == "single-origin"
        value = block.clean(
            block.to_python({"source": "chosen", "products": ["mug", "tote"], "count": 8, "show_price": True})
        )
        assert list(value["products"]) == ["mug", "tote"]
