"""The demo brands' shops: categories, stocked products (member prices, points rewards, a limited
release for one level, a group-buy and a bargain), pick-up stores and a few orders in every state
(development only: `make setup` seeds them through the real services)."""

import colorsys
import io
import random

from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from builder.models import Navigation
from mall import services as shop
from mall.models import Product, ProductCategory, ProductImage, ProductLevelRule, SaleMode, ShopSettings, Sku
from members.models import Member, MemberLevel
from portals.starter_portals import SHOP, link

# (slug, name) per category, then products:
# (category, title, summary, [(options, price_cents, points_price, points_cash_cents, stock)], extra)
LUMEN_SHOP = {
    "stores": ["静安店 · 南京西路 1266 号", "徐汇店 · 天钥桥路 133 号"],
    "shipping_fee_cents": 1_000,
    "free_shipping_over_cents": 9_900,
    "categories": [("beans", "咖啡豆"), ("drip-bags", "挂耳咖啡"), ("gear", "器具"), ("gifts", "周边礼品")],
    "products": [
        (
            "beans",
            "耶加雪菲 日晒 250g",
            "花香、蓝莓与柑橘，浅烘",
            [("整豆", 9_800, None, 0, 40), ("研磨 · 手冲", 9_800, None, 0, 30)],
            {"featured": True, "tags": ["浅烘", "单品"], "rules": {"黑卡": 15}},
        ),
        (
            "beans",
            "流明招牌拼配 500g",
            "坚果与黑巧克力，适合意式与奶咖",
            [("整豆", 12_800, 1_500, 2_000, 60)],
            {"featured": True, "tags": ["中深烘", "拼配"]},
        ),
        (
            "beans",
            "哥伦比亚 慧兰 限量 250g",
            "黑卡会员抢先购：红糖、苹果与可可",
            [("整豆", 16_800, None, 0, 12)],
            {"levels": ["黑卡"], "limit": 2, "tags": ["限量"]},
        ),
        (
            "drip-bags",
            "挂耳咖啡 10 包装",
            "办公室与旅行的一杯好咖啡",
            [("综合口味", 5_900, None, 0, 100)],
            {"tags": ["挂耳"]},
        ),
        ("gear", "手冲壶 600ml", "细长壶嘴，控水稳定", [("不锈钢", 26_800, None, 0, 5)], {}),
        (
            "gifts",
            "流明马克杯",
            "积分兑换：350ml 陶瓷杯",
            [("白色", None, 800, 0, 50)],
            {"tags": ["积分兑换"]},
        ),
        (
            "gifts",
            "流明帆布袋",
            "装得下两袋豆子和一本书",
            [("米白", 3_900, 300, 0, 80)],
            {"tags": ["积分兑换"]},
        ),
        (
            "beans",
            "冷萃咖啡 12 瓶装",
            "三人拼团价 ¥118",
            [("12 × 250ml", 16_800, None, 0, 30)],
            {"group": (3, 11_800)},
        ),
        (
            "gear",
            "电动磨豆机",
            "邀请好友帮忙砍价，最低 ¥299",
            [("黑色", 39_900, None, 0, 8)],
            {"bargain": (29_900, 500, 3_000)},
        ),
    ],
}

HARBOR_SHOP = {
    "stores": ["Harbor front desk, 18 Harbour Road"],
    "shipping_fee_cents": 1_500,
    "free_shipping_over_cents": 30_000,
    "categories": [
        ("cleaning", "Cleaning kits"),
        ("filters", "Filters and parts"),
        ("gifts", "Harbor gifts"),
    ],
    "products": [
        (
            "cleaning",
            "Deep-clean kit",
            "Everything our crews use on a kitchen and two bathrooms",
            [("Standard", 19_900, None, 0, 25)],
            {"featured": True, "tags": ["kitchen", "bathroom"]},
        ),
        (
            "filters",
            "Air-conditioner filter",
            "Replace every six months for cleaner air",
            [("Small", 5_900, None, 0, 40), ("Medium", 6_900, None, 0, 40), ("Large", 7_900, None, 0, 20)],
            {"tags": ["air"], "rules": {"Plus": 10}},
        ),
        (
            "filters",
            "Water purifier cartridge",
            "For the purifiers we install; members only",
            [("Standard", 14_900, None, 0, 30)],
            {"members": True, "limit": 4},
        ),
        (
            "cleaning",
            "Microfibre cloths, 10-pack",
            "Lint-free, machine washable",
            [("Grey", 3_900, 400, 0, 120)],
            {"tags": ["kitchen"]},
        ),
        (
            "gifts",
            "Harbor tote bag",
            "A points reward for our regulars",
            [("Navy", None, 500, 0, 60)],
            {"tags": ["rewards"]},
        ),
        (
            "cleaning",
            "Spring cleaning bundle",
            "Team up with a neighbour: two buy together for ¥459 each",
            [("Bundle", 59_900, None, 0, 20)],
            {"group": (2, 45_900)},
        ),
        (
            "cleaning",
            "Cordless vacuum",
            "Ask friends to cut the price, down to ¥699",
            [("Graphite", 89_900, None, 0, 6)],
            {"bargain": (69_900, 1_000, 5_000)},
        ),
    ],
}

DEMO_SHOPS = {"lumen": LUMEN_SHOP, "harbor": HARBOR_SHOP}


def product_picture(title: str, seed: int):
    """A simple drawn picture for a demo product: a bag or box on a soft background, in colours
    chosen from the title (the demo ships no product photographs)."""
    hue = (sum(map(ord, title)) % 360) / 360
    background = tuple(int(c * 255) for c in colorsys.hls_to_rgb(hue, 0.92, 0.45))
    body = tuple(int(c * 255) for c in colorsys.hls_to_rgb(hue, 0.45, 0.45))
    band = tuple(int(c * 255) for c in colorsys.hls_to_rgb((hue + 0.5) % 1, 0.85, 0.3))
    picture = PillowImage.new("RGB", (800, 800), background)
    draw = ImageDraw.Draw(picture)
    rng = random.Random(seed)  # noqa: S311 - decoration, not security
    for _ in range(6):
        x, y, r = rng.randint(0, 800), rng.randint(0, 800), rng.randint(30, 90)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(min(255, c + 8) for c in background))
    draw.rounded_rectangle((240, 200, 560, 640), radius=36, fill=body)
    draw.polygon([(240, 240), (400, 170), (560, 240)], fill=tuple(max(0, c - 30) for c in body))
    draw.rounded_rectangle((280, 360, 520, 470), radius=16, fill=band)
    draw.ellipse((370, 385, 430, 445), fill=body)
    data = io.BytesIO()
    picture.save(data, "WEBP", quality=80)
    return get_image_model().objects.create(
        title=title,
        file=ImageFile(io.BytesIO(data.getvalue()), name=f"{slugify(title) or 'product'}-{seed}.webp"),
    )


def seed_demo_shop(key: str) -> None:
    """One demo brand's shop and a few of its customers' orders."""
    spec = DEMO_SHOPS[key]
    settings = ShopSettings.load()
    settings.pickup_stores = "\n".join(spec["stores"])
    settings.shipping_fee_cents = spec["shipping_fee_cents"]
    settings.free_shipping_over_cents = spec["free_shipping_over_cents"]
    settings.save()
    categories = {
        slug: ProductCategory.objects.create(name=name, slug=slug, sort_order=index)
        for index, (slug, name) in enumerate(spec["categories"])
    }
    levels = {level.name: level for level in MemberLevel.objects.all()}
    for index, (category, title, summary, skus, extra) in enumerate(spec["products"]):
        product = Product(
            title=title,
            slug=f"{key}-{index + 1}",
            category=categories[category],
            summary=summary,
            description=[("text", f"<p>{summary}</p>")],
            featured=extra.get("featured", False),
            per_member_limit=extra.get("limit"),
        )
        if "levels" in extra:
            product.visibility = "levels"
        elif extra.get("members"):
            product.visibility = "members"
        if "group" in extra:
            product.sale_mode, (product.group_size, product.group_price_cents) = (
                SaleMode.GROUP_BUY,
                extra["group"],
            )
        if "bargain" in extra:
            product.sale_mode = SaleMode.BARGAIN
            product.bargain_floor_cents, product.bargain_min_cut_cents, product.bargain_max_cut_cents = extra[
                "bargain"
            ]
        product.full_clean()
        product.save()
        product.tags.set(extra.get("tags", []))
        product.levels.set([levels[name] for name in extra.get("levels", [])])
        product.save()
        ProductImage.objects.create(
            product=product, image=product_picture(title, index), alt=title, sort_order=0
        )
        for position, (options, price, points, points_cash, stock) in enumerate(skus):
            Sku.objects.create(
                product=product,
                sort_order=position,
                code=f"{key.upper()}-{index + 1:02d}-{position + 1}",
                options=options,
                price_cents=price,
                points_price=points,
                points_cash_cents=points_cash,
                stock=stock,
            )
        for level_name, percent in extra.get("rules", {}).items():
            ProductLevelRule.objects.create(
                product=product, level=levels[level_name], discount_percent=percent
            )
    seed_demo_orders(spec)
    add_shop_to_menus()


SHOP_WORDS = {"en": "Shop", "zh-hans": "商城"}


def add_shop_to_menus() -> None:
    """Harbor's starter portal (service desk) has no shop link; the demo's shop gets one in every
    language's menu (Lumen's member-mall starter has it already)."""
    for navigation in Navigation.objects.select_related("locale"):
        if any(item.value["url"] == SHOP for item in navigation.menu):
            continue
        text = SHOP_WORDS.get(navigation.locale.language_code, SHOP_WORDS["en"])
        navigation.menu.insert(1, ("item", {**link(url=SHOP, text=text), "children": []}))
        navigation.save()


def seed_demo_orders(spec) -> None:
    """Orders of the demo customers: one completed, one shipped, one ready in store, one waiting
    for payment in store."""
    members = list(Member.objects.select_related("user").order_by("pk")[:4])
    if len(members) < 4:
        return
    skus = list(
        Sku.objects.filter(
            product__sale_mode=SaleMode.NORMAL, product__visibility="everyone", price_cents__isnull=False
        ).order_by("pk")
    )
    store = spec["stores"][0]
    delivery = {"recipient_name": "", "recipient_phone": "13800000000", "address": "88 Yuyuan Road, Shanghai"}

    def place(member, sku, quantity, **fields):
        request = shop.CheckoutRequest(
            lines=[shop.LineRequest(sku.pk, quantity)],
            **{
                **delivery,
                "recipient_name": member.user.first_name or member.user.email,
                "delivery": "shipping",
                "idempotency_key": f"demo-{sku.pk}",
                "use_balance": True,
                "payment_provider": "in_store",
                **fields,
            },
        )
        return shop.place_order(member, request, acting_user=member.user)

    def paid(order):
        if order.status == "pending_payment":  # stored value did not cover it: paid at the till
            order = shop.record_payment_in_store(order, acting_user=None)
        return order

    completed = paid(place(members[0], skus[0], 1))
    shop.ship_order(completed, tracking_number="SF1400012345", acting_user=None)
    shop.complete_order(completed, acting_user=None)
    shipped = paid(place(members[1], skus[1], 1))
    shop.ship_order(shipped, tracking_number="SF1400067890", acting_user=None)
    ready = paid(place(members[2], skus[2], 1, delivery="pickup", pickup_store=store))
    shop.mark_ready_for_pickup(ready, acting_user=None)
    place(members[3], skus[3], 2, use_balance=False)
