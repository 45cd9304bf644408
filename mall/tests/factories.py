"""Test data for the shop: categories, products with SKUs, saved the way the admin saves them.

Write to the current schema: call inside `in_tenant(tenant)` / `schema_context(...)`. Orders are
placed through mall.services.place_order in the test itself (`place` below is a shortcut), so
stock, limits, ledgers and events stay what the services make them.
"""

import factory

from mall import services
from mall.models import Product, ProductCategory, Sku


class ProductCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCategory

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    """A published product for everyone with one SKU (¥100.00, 10 in stock) unless `skus=[...]`
    gives the SKUs as dicts of Sku fields (`skus=[]` for none)."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")

    @factory.post_generation
    def skus(product, create, extracted, **kwargs):
        if not create:
            return
        rows = [{}] if extracted is None else extracted
        for index, row in enumerate(rows):
            Sku.objects.create(
                product=product,
                sort_order=index,
                **{"code": f"{product.slug}-{index}", "price_cents": 10_000, "stock": 10, **row},
            )


def line(sku, quantity=1, with_points=False) -> services.LineRequest:
    return services.LineRequest(sku.pk, quantity, with_points)


def place(member, *lines, acting_user=None, **fields):
    """Check out `lines` for `member` with delivery to an address and sandbox payment unless told."""
    request = services.CheckoutRequest(
        lines=list(lines),
        **{
            "delivery": "shipping",
            "recipient_name": "Wang Fang",
            "recipient_phone": "13800000000",
            "address": "88 Yuyuan Road, Shanghai",
            "payment_provider": "sandbox",
            "idempotency_key": services.new_idempotency_key(),
            **fields,
        },
    )
    return services.place_order(member, request, acting_user=acting_user or member.user)
