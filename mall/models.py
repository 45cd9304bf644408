"""The brand's shop: categories, products with their SKUs, carts, orders and payments, group-buys
and bargains.

services.py is the only writer. Stock, group seats and bargain prices only ever move through
conditional UPDATEs there (`stock >= n`, `joined < size`, `price - cut >= floor`), and
CheckConstraints keep every row sensible whatever code runs: no negative stock, no group over its
size, no bargain under its floor, no order whose money does not add up.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from core.money import format_money
from mall.description_blocks import DESCRIPTION_BLOCKS

MAX_PRICE_CENTS = 100_000_000  # ¥1,000,000.00: more is a typo
MAX_POINTS_PRICE = 10_000_000
MAX_STOCK = 10_000_000
MAX_QUANTITY = 99  # of one SKU in one cart line or order line
MAX_LIMIT = 10_000

price_validators = [
    MinValueValidator(0, _("A price cannot be negative.")),
    MaxValueValidator(MAX_PRICE_CENTS, _("A price can be at most ¥1,000,000.00.")),
]


# /shop/<these>/ are the shop's own pages (mall/urls.py): a product there could never be reached.
RESERVED_SLUGS = frozenset({"cart", "checkout", "pay", "payments", "groups", "bargains", "category"})


class Visibility(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    MEMBERS = "members", _("Logged-in members")
    LEVELS = "levels", _("Members of some levels")


class SaleMode(models.TextChoices):
    NORMAL = "normal", _("Normal sale")
    GROUP_BUY = "group_buy", _("Group-buy")
    BARGAIN = "bargain", _("Bargain")


class ProductCategory(models.Model):
    """A shelf of the shop: "Coffee beans", "Gifts". One level of sub-categories."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
        limit_choices_to={"parent__isnull": True},
    )
    description = models.TextField(_("description"), blank=True, max_length=500)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sort_order = models.IntegerField(_("order"), default=0, help_text=_("Lower numbers come first."))

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("description"),
        FieldPanel("image"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A category cannot be its own parent.")})
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Choose a top category: sub-categories go one level deep.")})


class TaggedProduct(TaggedItemBase):
    content_object = ParentalKey("mall.Product", on_delete=models.CASCADE, related_name="tagged_items")


class Product(index.Indexed, ClusterableModel):
    """Something the brand sells, in one or more SKUs (sizes, colours)."""

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(
        _("slug"), max_length=120, unique=True, allow_unicode=True, help_text=_("The product's address.")
    )
    category = models.ForeignKey(
        ProductCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
        verbose_name=_("category"),
    )
    summary = models.CharField(_("summary"), max_length=240, blank=True)
    description = StreamField(DESCRIPTION_BLOCKS, blank=True, verbose_name=_("description"))
    tags = ClusterTaggableManager(through=TaggedProduct, blank=True, verbose_name=_("tags"))
    is_published = models.BooleanField(
        _("on sale in the shop"), default=True, help_text=_("Untick to take it off the shop.")
    )
    featured = models.BooleanField(_("featured"), default=False)
    visibility = models.CharField(
        _("who can see and buy it"), max_length=10, choices=Visibility.choices, default=Visibility.EVERYONE
    )
    levels = ParentalManyToManyField(
        "members.MemberLevel",
        blank=True,
        related_name="+",
        verbose_name=_("member levels"),
        help_text=_("For “Members of some levels”: which ones."),
    )
    sale_starts = models.DateTimeField(_("sale starts"), null=True, blank=True)
    sale_ends = models.DateTimeField(_("sale ends"), null=True, blank=True)
    member_discount = models.BooleanField(
        _("member levels' discount applies"),
        default=True,
        help_text=_("Members pay less by their level's discount (or the level rule below)."),
    )
    per_member_limit = models.PositiveIntegerField(
        _("purchase limit per member"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LIMIT)],
        help_text=_("How many one member may buy in all. Empty: no limit."),
    )
    sale_mode = models.CharField(
        _("sale mode"), max_length=10, choices=SaleMode.choices, default=SaleMode.NORMAL
    )
    group_size = models.PositiveSmallIntegerField(
        _("group size"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text=_("Group-buy: members needed, the starter included."),
    )
    group_price_cents = models.IntegerField(
        _("group price (cents)"), null=True, blank=True, validators=price_validators
    )
    group_hours = models.PositiveSmallIntegerField(
        _("group window (hours)"), default=24, validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    bargain_floor_cents = models.IntegerField(
        _("bargain floor price (cents)"), null=True, blank=True, validators=price_validators
    )
    bargain_min_cut_cents = models.IntegerField(
        _("smallest cut (cents)"), default=100, validators=[MinValueValidator(1)]
    )
    bargain_max_cut_cents = models.IntegerField(
        _("largest cut (cents)"), default=1000, validators=[MinValueValidator(1)]
    )
    bargain_hours = models.PositiveSmallIntegerField(
        _("bargain window (hours)"), default=48, validators=[MinValueValidator(1), MaxValueValidator(720)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("summary", boost=2),
        index.SearchField("search_text"),
        index.FilterField("is_published"),
        index.FilterField("visibility"),
    ]

    panels = [
        MultiFieldPanel(
            [FieldPanel("title"), FieldPanel("slug"), FieldPanel("category"), FieldPanel("summary")],
            heading=_("Product"),
        ),
        FieldPanel("description"),
        InlinePanel("images", label=_("Pictures"), max_num=9),
        InlinePanel("skus", label=_("SKUs (options, price, stock)"), min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("is_published"),
                FieldPanel("featured"),
                FieldPanel("tags"),
                FieldRowPanel([FieldPanel("sale_starts"), FieldPanel("sale_ends")]),
                FieldPanel("visibility"),
                FieldPanel("levels"),
            ],
            heading=_("Sale and visibility"),
        ),
        MultiFieldPanel(
            [FieldPanel("member_discount"), FieldPanel("per_member_limit")],
            heading=_("Member prices and limits"),
        ),
        InlinePanel("level_rules", label=_("Rules per member level")),
        MultiFieldPanel(
            [
                FieldPanel("sale_mode"),
                FieldRowPanel(
                    [FieldPanel("group_size"), FieldPanel("group_price_cents"), FieldPanel("group_hours")]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("bargain_floor_cents"),
                        FieldPanel("bargain_min_cut_cents"),
                        FieldPanel("bargain_max_cut_cents"),
                        FieldPanel("bargain_hours"),
                    ]
                ),
            ],
            heading=_("Group-buy and bargain"),
        ),
    ]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("product")
        constraints = [
            models.CheckConstraint(
                condition=~Q(sale_mode="group_buy") | Q(group_size__gte=2, group_price_cents__isnull=False),
                name="product_group_buy_has_size_and_price",
            ),
            models.CheckConstraint(
                condition=~Q(sale_mode="bargain")
                | Q(bargain_floor_cents__isnull=False, bargain_max_cut_cents__gte=F("bargain_min_cut_cents")),
                name="product_bargain_has_floor_and_cuts",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("“%(slug)s” is a page of the shop itself; choose another address.") % {
                "slug": self.slug
            }
        if self.sale_starts and self.sale_ends and self.sale_ends <= self.sale_starts:
            errors["sale_ends"] = _("The sale must end after it starts.")
        if self.sale_mode == SaleMode.GROUP_BUY:
            if not self.group_size:
                errors["group_size"] = _("Say how many members make a group (2 or more).")
            if self.group_price_cents is None:
                errors["group_price_cents"] = _("Give the group price.")
        if self.sale_mode == SaleMode.BARGAIN:
            if self.bargain_floor_cents is None:
                errors["bargain_floor_cents"] = _("Give the lowest price friends can cut it to.")
            if (self.bargain_min_cut_cents or 0) > (self.bargain_max_cut_cents or 0):
                errors["bargain_max_cut_cents"] = _("The largest cut must be at least the smallest.")
        if errors:
            raise ValidationError(errors)

    def search_text(self) -> str:
        names = [str(self.category)] if self.category_id else []
        return " ".join([*names, *self.tags.names()])

    def on_sale(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.is_published
            and (self.sale_starts is None or self.sale_starts <= now)
            and (self.sale_ends is None or now < self.sale_ends)
        )

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("mall:product", args=[self.slug])

    def first_image(self):
        images = list(self.images.all())
        return images[0].image if images else None


class ProductImage(Orderable):
    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    alt = models.CharField(_("description for screen readers"), max_length=200, blank=True)

    panels = [FieldPanel("image"), FieldPanel("alt")]

    def __str__(self):
        return self.alt or f"Picture {self.pk}"


class Sku(Orderable):
    """One buyable variant: its options, its price (cash, points, or points plus cash) and stock.

    `stock` is what can still be ordered: checkout takes from it (a reservation), a cancelled or
    timed-out order gives it back."""

    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="skus")
    code = models.CharField(_("SKU code"), max_length=40, unique=True)
    options = models.CharField(
        _("options"),
        max_length=120,
        blank=True,
        help_text=_("What sets it apart, e.g. “250 g · Whole beans”."),
    )
    price_cents = models.IntegerField(
        _("price (cents)"),
        null=True,
        blank=True,
        validators=price_validators,
        help_text=_("Empty: only for points."),
    )
    points_price = models.IntegerField(
        _("points price"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_POINTS_PRICE)],
        help_text=_("Members may pay with this many points instead. Empty: not for points."),
    )
    points_cash_cents = models.IntegerField(
        _("cash with points (cents)"),
        default=0,
        validators=price_validators,
        help_text=_("Paid on top of the points price (points + cash). 0: points only."),
    )
    stock = models.IntegerField(
        _("stock"), default=0, validators=[MinValueValidator(0), MaxValueValidator(MAX_STOCK)]
    )

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("options")]),
        FieldRowPanel(
            [FieldPanel("price_cents"), FieldPanel("points_price"), FieldPanel("points_cash_cents")]
        ),
        FieldPanel("stock"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("SKU")
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="sku_stock_not_negative"),
            models.CheckConstraint(
                condition=Q(price_cents__isnull=False) | Q(points_price__isnull=False),
                name="sku_has_a_price",
            ),
            models.CheckConstraint(
                condition=Q(price_cents__isnull=True) | Q(price_cents__gte=0), name="sku_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(points_cash_cents__gte=0), name="sku_points_cash_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.product.title} · {self.options}" if self.options else self.product.title

    def clean(self):
        if self.price_cents is None and self.points_price is None:
            raise ValidationError({"price_cents": _("Give a price, a points price or both.")})


class ProductLevelRule(Orderable):
    """What members of one level pay and may buy of this product."""

    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="level_rules")
    level = models.ForeignKey("members.MemberLevel", on_delete=models.CASCADE, related_name="+")
    discount_percent = models.PositiveSmallIntegerField(
        _("member discount %"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Empty: the level's own discount."),
    )
    purchase_limit = models.PositiveIntegerField(
        _("purchase limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LIMIT)],
        help_text=_("How many one member of this level may buy. Empty: the product's limit."),
    )

    panels = [
        FieldRowPanel([FieldPanel("level"), FieldPanel("discount_percent"), FieldPanel("purchase_limit")])
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["product", "level"], name="product_level_rule_once"),
            models.CheckConstraint(
                condition=Q(discount_percent__isnull=True) | Q(discount_percent__lte=100),
                name="product_level_rule_discount_at_most_100",
            ),
        ]


# --- Carts -------------------------------------------------------------------------------------


def new_cart_token() -> str:
    return secrets.token_urlsafe(24)


class Cart(models.Model):
    """A member's cart (kept across devices) or an anonymous visitor's (a cookie holds its token;
    merged into the member's at log-in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart"
    )
    token = models.CharField(max_length=40, unique=True, default=new_cart_token)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_QUANTITY)]
    )
    with_points = models.BooleanField(default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "sku", "with_points"], name="cart_line_once_per_sku"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_QUANTITY), name="cart_line_quantity_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.sku_id}"


# --- Orders ------------------------------------------------------------------------------------


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pick-up")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


class Delivery(models.TextChoices):
    SHIPPING = "shipping", _("Delivery to an address")
    PICKUP = "pickup", _("Pick-up in store")


def new_order_number() -> str:
    """What customers quote on the phone: the brand's date and 8 random digits ("20261126-49302117").
    Unguessable enough that a number alone reveals nothing (pages check the owner anyway)."""
    return f"{timezone.localdate():%Y%m%d}-{secrets.randbelow(10**8):08d}"


class Order(models.Model):
    """One checkout. Money in integer cents: subtotal − discounts = total; the total is paid by
    stored value and the payment provider; points pay for the lines bought with points."""

    number = models.CharField(_("order number"), max_length=20, unique=True, default=new_order_number)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT
    )
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    recipient_name = models.CharField(_("name"), max_length=80, blank=True)
    recipient_phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    pickup_store = models.CharField(_("pick-up store"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    subtotal_cents = models.BigIntegerField(_("subtotal"))
    shipping_cents = models.BigIntegerField(_("delivery"), default=0)
    coupon = models.ForeignKey(
        "coupons.Coupon", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    coupon_discount_cents = models.BigIntegerField(_("coupon discount"), default=0)
    total_cents = models.BigIntegerField(_("total"))
    points_spent = models.BigIntegerField(_("points paid"), default=0)
    balance_paid_cents = models.BigIntegerField(_("stored value paid"), default=0)
    amount_due_cents = models.BigIntegerField(_("to pay through the provider"), default=0)
    payment_provider = models.CharField(_("payment"), max_length=20, blank=True)
    points_earned = models.BigIntegerField(_("points earned"), default=0)
    idempotency_key = models.CharField(max_length=100)
    group_buy = models.ForeignKey(
        "mall.GroupBuy", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    bargain = models.ForeignKey(
        "mall.Bargain", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    created_at = models.DateTimeField(_("placed"), default=timezone.now, db_index=True)
    pay_by = models.DateTimeField(_("pay by"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    unpaid_reminder_sent = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("order")
        permissions = [
            ("manage_order", "Can change an order's status, ship it and refund it"),
            ("export_order", "Can download orders as CSV"),
        ]
        indexes = [
            models.Index(fields=["status", "pay_by"], name="order_status_pay_by"),
            models.Index(fields=["member", "-created_at"], name="order_member_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["member", "idempotency_key"], name="order_once_per_key"),
            models.CheckConstraint(
                condition=Q(
                    total_cents=F("subtotal_cents") + F("shipping_cents") - F("coupon_discount_cents"),
                    total_cents__gte=0,
                    coupon_discount_cents__gte=0,
                    shipping_cents__gte=0,
                ),
                name="order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(
                    total_cents=F("balance_paid_cents") + F("amount_due_cents"),
                    balance_paid_cents__gte=0,
                    amount_due_cents__gte=0,
                ),
                name="order_paid_in_full",
            ),
            models.CheckConstraint(condition=Q(points_spent__gte=0), name="order_points_not_negative"),
            # A member is in a group once, and a bargain is bought once (a cancelled order frees both).
            models.UniqueConstraint(
                fields=["group_buy", "member"],
                condition=Q(group_buy__isnull=False) & ~Q(status="cancelled"),
                name="order_one_seat_per_member_in_a_group",
            ),
            models.UniqueConstraint(
                fields=["bargain"],
                condition=Q(bargain__isnull=False) & ~Q(status="cancelled"),
                name="order_one_per_bargain",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def total_text(self) -> str:
        return format_money(self.total_cents)

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("mall:order", args=[self.number])


class OrderLine(models.Model):
    """One SKU in an order, with the price and title as they were at checkout."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(Sku, null=True, on_delete=models.SET_NULL, related_name="+")
    product = models.ForeignKey(Product, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=120)
    options = models.CharField(max_length=120, blank=True)
    sku_code = models.CharField(max_length=40)
    quantity = models.PositiveSmallIntegerField()
    unit_price_cents = models.BigIntegerField()  # cash per unit (with points: the cash on top)
    unit_points = models.BigIntegerField(default=0)
    with_points = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1, unit_price_cents__gte=0, unit_points__gte=0),
                name="order_line_amounts_not_negative",
            )
        ]

    def __str__(self):
        return f"{self.quantity} × {self.title}"

    @property
    def line_cents(self) -> int:
        return self.unit_price_cents * self.quantity

    @property
    def line_points(self) -> int:
        return self.unit_points * self.quantity


class OrderHistory(models.Model):
    """Each status change of an order: from, to, when, who and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.CharField(max_length=300, blank=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class Payment(models.Model):
    """Money asked from a payment provider for an order. The provider's callbacks find it by
    (provider, reference); a replayed or late callback changes nothing twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20)
    reference = models.CharField(max_length=64, default=secrets.token_hex)
    amount_cents = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)
    last_callback = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="payment_reference_unique"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.provider}:{self.reference}"


# --- Group-buys and bargains -------------------------------------------------------------------


class GroupBuy(models.Model):
    """A group a member started on a group-buy product. Seats are taken at checkout (`joined`,
    never more than `size`) and given back when the order is cancelled unpaid; the group succeeds
    when `size` members have paid before `expires_at`, and fails (everyone refunded) otherwise."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="group_buys")
    leader = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    size = models.PositiveSmallIntegerField()
    price_cents = models.BigIntegerField()
    joined = models.PositiveSmallIntegerField(default=0)
    paid = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "expires_at"], name="group_buy_status_expires")]
        constraints = [
            models.CheckConstraint(condition=Q(joined__lte=F("size")), name="group_buy_never_over_size"),
            models.CheckConstraint(condition=Q(paid__lte=F("joined")), name="group_buy_paid_within_joined"),
        ]

    def __str__(self):
        return f"{self.product.title} ({self.joined}/{self.size})"

    @property
    def seats_left(self) -> int:
        return self.size - self.joined


class Bargain(models.Model):
    """A member's bargain on one SKU: friends each cut the price once, never below the floor."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ORDERED = "ordered", _("Ordered")
        EXPIRED = "expired", _("Expired")

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="bargains")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    start_price_cents = models.BigIntegerField()
    floor_cents = models.BigIntegerField()
    price_cents = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_cents__gte=F("floor_cents"), price_cents__lte=F("start_price_cents")),
                name="bargain_price_between_floor_and_start",
            ),
            models.UniqueConstraint(
                fields=["member", "sku"], condition=Q(status="open"), name="bargain_one_open_per_sku"
            ),
        ]

    def __str__(self):
        return f"{self.product.title}: {format_money(self.price_cents)}"


class BargainCut(models.Model):
    bargain = models.ForeignKey(Bargain, on_delete=models.CASCADE, related_name="cuts")
    friend = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    amount_cents = models.BigIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["bargain", "friend"], name="bargain_cut_once_per_friend"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="bargain_cut_positive"),
        ]

    def __str__(self):
        return f"-{self.amount_cents}"


# --- Settings ----------------------------------------------------------------------------------


@register_setting(icon="doc-full")
class ShopSettings(BaseGenericSetting):
    """How the brand's shop delivers, charges for delivery and waits for payment."""

    pickup_stores = models.TextField(
        _("pick-up stores"),
        blank=True,
        help_text=_("One store per line, as customers should read it. Empty: no pick-up in store."),
    )
    shipping_fee_cents = models.IntegerField(
        _("delivery fee (cents)"), default=0, validators=price_validators
    )
    free_shipping_over_cents = models.IntegerField(
        _("free delivery from (cents)"),
        null=True,
        blank=True,
        validators=price_validators,
        help_text=_(
            "Orders of at least this much are delivered free. Empty: never (levels with free delivery still are)."
        ),
    )
    payment_minutes = models.PositiveIntegerField(
        _("minutes to pay online"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        help_text=_("An order not paid by then is cancelled and its stock returns to the shop."),
    )
    pay_in_store_hours = models.PositiveIntegerField(
        _("hours to pay in store"), default=48, validators=[MinValueValidator(1), MaxValueValidator(24 * 14)]
    )
    points_per_yuan = models.PositiveIntegerField(
        _("points per ¥1 paid"),
        default=1,
        validators=[MaxValueValidator(1000)],
        help_text=_("Points a completed order earns per yuan paid, before the level's multiplier."),
    )

    panels = [
        FieldPanel("pickup_stores"),
        FieldRowPanel([FieldPanel("shipping_fee_cents"), FieldPanel("free_shipping_over_cents")]),
        FieldRowPanel([FieldPanel("payment_minutes"), FieldPanel("pay_in_store_hours")]),
        FieldPanel("points_per_yuan"),
    ]

    class Meta:
        verbose_name = _("shop")

    def stores(self) -> list[str]:
        return [line.strip() for line in self.pickup_stores.splitlines() if line.strip()]
