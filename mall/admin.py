"""The shop in the brand admin (Wagtail), under "Shop": products (with their pictures, SKUs and
rules per member level), categories, orders (search, filters, status actions, CSV) and a read-only
list of group-buys. Each tenant's admin reads its own schema, so staff only ever see their brand's
shop. The shop's settings (delivery, fees, time to pay) are a generic setting under Settings → Shop,
which needs `mall.change_shopsettings`.

Every view states its permission:

| screen | needs |
|---|---|
| categories list / new / edit / delete | any of `mall.*_productcategory` / `add_` / `change_` / `delete_` |
| products list / new / edit / delete | any of `mall.*_product` / `add_` / `change_` / `delete_` |
| orders list, an order's page | `mall.view_order` |
| an order's actions (paid in store, ship, ready, complete, cancel, refund: POST only) | `mall.manage_order` |
| orders CSV (the list's filters and search applied) | `mall.export_order`, with `mall.view_order` |
| group-buys list | `mall.view_groupbuy` |

Order actions call mall.services, which lock the order, check its status and write its history
row with the acting staff member; a refusal (ShopError) comes back as an error message and
changes nothing. A product's save keeps the stock checkouts took meanwhile (keep_current_stock).
"""

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min, Prefetch, ProtectedError, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from django_filters import ChoiceFilter, DateFromToRangeFilter
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from core import admin as core_admin
from core.admin import (
    ModelAndCustomPermissionPolicy,
    ReadOnlyViewSetMixin,
    RefreshesPortalCache,
    model_permissions,
)
from core.csv import CsvOnlyExportMixin, SafeCSVExportMixin
from core.language import tenant_time_zone
from core.money import format_money
from mall import payments, services
from mall.models import (
    Delivery,
    GroupBuy,
    Order,
    OrderHistory,
    OrderStatus,
    Product,
    ProductCategory,
    Sku,
)
from members.forms import units_text

MANAGE_ORDER = "manage_order"  # mall.manage_order (Order.Meta.permissions)
EXPORT_ORDER = "export_order"  # mall.export_order

register_permission_policy(Order, ModelAndCustomPermissionPolicy(Order))


def brand_time(value) -> str:
    """A moment as the brand's staff read it: in the brand's time zone, in the admin's format."""
    if value is None:
        return ""
    zone = zoneinfo.ZoneInfo(tenant_time_zone())
    return formats.date_format(timezone.localtime(value, zone), "SHORT_DATETIME_FORMAT")


class ProtectedDeleteView(core_admin.ProtectedDeleteView):
    refreshes_portal_cache = True


# --- Categories ------------------------------------------------------------------------------


class ProductCategoryDeleteView(ProtectedDeleteView):
    protected_message = gettext_lazy("“%(name)s” has sub-categories: move or delete them first.")


class ProductCategoryCreateView(RefreshesPortalCache, generic.CreateView):
    pass


class ProductCategoryEditView(RefreshesPortalCache, generic.EditView):
    pass


class ProductCategoryViewSet(ModelViewSet):
    """Shop → Categories: the shelves of the shop (ProductCategory.panels), one level deep."""

    model = ProductCategory
    url_prefix = "shop/categories"
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Categories")
    add_to_reference_index = False
    copy_view_enabled = False  # slugs are unique: a copy could not be saved as it is
    add_view_class = ProductCategoryCreateView
    edit_view_class = ProductCategoryEditView
    delete_view_class = ProductCategoryDeleteView
    search_fields = ["name", "slug"]
    list_display = ["name", "parent", "sort_order"]

    def get_queryset(self, request):
        return ProductCategory.objects.select_related("parent")

    def get_permissions_to_register(self):
        return model_permissions(ProductCategory, ["add", "change", "delete", "view"])


# --- Products --------------------------------------------------------------------------------


class SkuForm(WagtailAdminModelForm):
    """A SKU in the product form, with the stock it had when the form was shown (hidden): the save
    tells a stock staff typed from the one checkouts have moved since (keep_current_stock)."""

    stock_loaded = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["stock_loaded"].initial = self.instance.stock


class SkuInlinePanel(InlinePanel):
    """The model's SKU inline panel, with SkuForm as the form of each SKU."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = SkuForm
        return options


def product_panels() -> list:
    """Product.panels, the SKUs' InlinePanel made a SkuInlinePanel with the same options."""
    return [
        SkuInlinePanel(**panel.clone_kwargs())
        if isinstance(panel, InlinePanel) and panel.relation_name == "skus"
        else panel
        for panel in Product.panels
    ]


def keep_current_stock(formset) -> None:
    """Keep the stock checkouts took while staff had the form open.

    A product form shown at 10:00 and saved at 10:05 writes back every SKU's stock as it was at
    10:00, undoing the checkouts of 10:00–10:05 (a lost update, and goods sold twice). So a SKU
    whose stock staff did not change is saved with the database's stock instead, read under a
    row lock held until the save commits: a checkout waits for the save, then takes from the
    saved stock. A stock staff did change is written as typed."""
    untouched = {}
    for form in formset.forms:
        sku = form.instance
        data = getattr(form, "cleaned_data", None) or {}
        if sku.pk is None or data.get("DELETE"):
            continue
        loaded = data.get("stock_loaded")
        if loaded is not None and data.get("stock") == loaded:
            untouched[sku.pk] = sku
    if not untouched:
        return
    current = dict(
        Sku.objects.select_for_update()
        .filter(pk__in=untouched)
        .order_by("pk")  # checkout's lock order
        .values_list("pk", "stock")
    )
    for pk, sku in untouched.items():
        if pk in current:
            sku.stock = current[pk]


class ProductCreateView(RefreshesPortalCache, generic.CreateView):
    pass


class ProductEditView(RefreshesPortalCache, generic.EditView):
    def save_instance(self):
        # form_valid runs this in a transaction: the SKU rows stay locked until the save commits.
        keep_current_stock(self.form.formsets["skus"])
        return super().save_instance()

    def form_valid(self, form):
        try:
            return super().form_valid(form)  # one transaction: a refusal leaves everything as it was
        except ProtectedError:
            # Bargains keep their SKU (PROTECT): deleting it from the form is refused as a whole.
            form.add_error(
                None,
                _("A SKU that members are bargaining on cannot be deleted: set its stock to 0 instead."),
            )
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ProductDeleteView(ProtectedDeleteView):
    protected_message = gettext_lazy(
        "“%(name)s” has group-buys or bargains, so it is kept: untick “on sale in the shop” to take it off the shop."
    )


class ProductIndexView(generic.IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("category", "category__parent")
            .annotate(
                lowest_price=Min("skus__price_cents"),
                highest_price=Max("skus__price_cents"),
                total_stock=Sum("skus__stock"),
            )
        )


def price_range(product) -> str:
    """ "¥88.00" or "¥88.00 – ¥128.00" over the SKUs' cash prices; a dash for points only."""
    if product.lowest_price is None:
        return "—"
    if product.lowest_price == product.highest_price:
        return format_money(product.lowest_price)
    return f"{format_money(product.lowest_price)} – {format_money(product.highest_price)}"


class ProductViewSet(ModelViewSet):
    """Shop → Products: the catalogue, edited with Product.panels (pictures, SKUs with their stock,
    rules per member level); Product.clean and Sku.clean errors show on their fields."""

    model = Product
    url_prefix = "shop/products"
    icon = "pick"
    menu_label = gettext_lazy("Products")
    add_to_reference_index = False
    # A copy would repeat the SKU codes (unique) and the stock: "Add" is one click away.
    copy_view_enabled = False
    index_view_class = ProductIndexView
    add_view_class = ProductCreateView
    edit_view_class = ProductEditView
    delete_view_class = ProductDeleteView
    search_fields = ["title"]
    search_backend_name = None  # the title as typed (icontains), not whole words of the index
    list_filter = ["category", "is_published", "sale_mode"]
    list_display = [
        "title",
        Column("category", label=gettext_lazy("Category")),
        Column("price", label=gettext_lazy("Price"), accessor=price_range),
        Column("total_stock", label=gettext_lazy("Stock"), sort_key="total_stock"),
        BooleanColumn("is_published", label=gettext_lazy("On sale")),
        Column("sale_mode", label=gettext_lazy("Sale mode"), accessor="get_sale_mode_display"),
    ]

    def get_edit_handler(self):
        return ObjectList(product_panels()).bind_to_model(Product)

    def get_permissions_to_register(self):
        return model_permissions(Product, ["add", "change", "delete", "view"])


# --- Orders ----------------------------------------------------------------------------------


def provider_label(key: str) -> str:
    provider = payments.PROVIDERS.get(key)
    return str(provider.label) if provider else key


def provider_choices():
    return [(key, str(provider.label)) for key, provider in payments.PROVIDERS.items()]


class OrderFilterSet(WagtailFilterSet):
    status = ChoiceFilter(
        label=gettext_lazy("Status"), choices=OrderStatus.choices, empty_label=gettext_lazy("All")
    )
    delivery = ChoiceFilter(
        label=gettext_lazy("Delivery"), choices=Delivery.choices, empty_label=gettext_lazy("All")
    )
    payment_provider = ChoiceFilter(
        label=gettext_lazy("Payment"), choices=provider_choices, empty_label=gettext_lazy("All")
    )
    placed = DateFromToRangeFilter(
        label=gettext_lazy("Placed"), widget=DateRangePickerWidget, method="filter_placed"
    )

    class Meta:
        model = Order
        fields = ["status", "delivery", "payment_provider"]

    def filter_placed(self, queryset, name, value):
        """From the first day's start to the last day's end, in the brand's time zone."""
        zone = zoneinfo.ZoneInfo(tenant_time_zone())
        if value.start is not None:
            queryset = queryset.filter(
                created_at__gte=dt.datetime.combine(value.start.date(), dt.time.min, tzinfo=zone)
            )
        if value.stop is not None:
            next_day = value.stop.date() + dt.timedelta(days=1)
            queryset = queryset.filter(created_at__lt=dt.datetime.combine(next_day, dt.time.min, tzinfo=zone))
        return queryset


def order_lines_text(order: Order) -> str:
    """ "Beans · 250 g × 2; Mug × 1"."""
    return "; ".join(
        f"{line.title} · {line.options} × {line.quantity}"
        if line.options
        else f"{line.title} × {line.quantity}"
        for line in order.lines.all()
    )


def order_email(order: Order) -> str:
    return order.member.user.email


class OrderIndexView(CsvOnlyExportMixin, SafeCSVExportMixin, generic.IndexView):
    """Orders, newest first. The CSV download (`?export=csv`) holds the rows the list's filters and
    search give, every page of them, for staff who may export orders."""

    any_permission_required = ["view"]
    page_title = gettext_lazy("Orders")
    detail_url_name = None
    FORMATS = ("csv",)
    list_export = [
        "number",
        "placed",
        "status",
        "email",
        "total",
        "points",
        "delivery",
        "recipient",
        "phone",
        "destination",
        "lines",
    ]

    @cached_property
    def export_headings(self):
        return {
            "number": _("Order number"),
            "placed": _("Placed (%(zone)s)") % {"zone": tenant_time_zone()},
            "status": _("Status"),
            "email": _("Member e-mail"),
            "total": _("Total (%(currency)s)") % {"currency": settings.PORTAL_CURRENCY},
            "points": _("Points paid"),
            "delivery": _("Delivery"),
            "recipient": _("Recipient"),
            "phone": _("Phone"),
            "destination": _("Address or pick-up store"),
            "lines": _("Items"),
        }

    def get(self, request, *args, **kwargs):
        if self.is_export and not self.may_export:
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    @cached_property
    def may_export(self) -> bool:
        return self.user_has_permission(EXPORT_ORDER)

    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("member__user")
        return queryset.prefetch_related("lines") if self.is_export else queryset

    def to_row_dict(self, item):
        zone = zoneinfo.ZoneInfo(tenant_time_zone())
        return {
            "number": item.number,
            "placed": timezone.localtime(item.created_at, zone).strftime("%Y-%m-%d %H:%M"),
            "status": item.get_status_display(),
            "email": order_email(item),
            "total": units_text(item.total_cents),
            "points": item.points_spent,
            "delivery": item.get_delivery_display(),
            "recipient": item.recipient_name,
            "phone": item.recipient_phone,
            "destination": item.pickup_store if item.delivery == Delivery.PICKUP else item.address,
            "lines": order_lines_text(item),
        }

    def get_detail_url(self, order) -> str:
        return reverse(self.detail_url_name, args=(order.pk,))

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "number", label=gettext_lazy("Order number"), get_url=self.get_detail_url, sort_key="number"
            ),
            Column("email", label=gettext_lazy("Member e-mail"), accessor=order_email),
            StatusTagColumn(
                "status",
                label=gettext_lazy("Status"),
                accessor="get_status_display",
                primary=lambda order: order.status not in (OrderStatus.CANCELLED, OrderStatus.REFUNDED),
                sort_key="status",
            ),
            Column(
                "total", label=gettext_lazy("Total"), accessor=lambda order: format_money(order.total_cents)
            ),
            Column(
                "created_at",
                label=gettext_lazy("Placed"),
                accessor=lambda order: brand_time(order.created_at),
                sort_key="created_at",
            ),
            Column("delivery", label=gettext_lazy("Delivery"), accessor="get_delivery_display"),
        ]


@dataclass(frozen=True)
class OrderAction:
    """A button on the order's page: the service it calls, when it is offered, and the one text
    field it asks for (a tracking number, a reason), if any."""

    name: str
    label: str
    run: Callable  # (order, text, acting_user) -> Order, or raises ShopError
    offered: Callable[[Order], bool]
    field: str = ""
    field_label: str = ""
    field_required: bool = False
    destructive: bool = False


def _record_payment_in_store(order, text, user):
    if order.payment_provider != payments.PayInStore.key:
        # services.record_payment_in_store does not check the provider: an online payment is
        # recorded by the provider's callback, never by hand.
        raise services.ShopError(
            _("Order %(number)s is paid online; its payment is recorded when the provider confirms it.")
            % {"number": order.number}
        )
    return services.record_payment_in_store(order, acting_user=user)


def _pending_in_store(order):
    return order.status == OrderStatus.PENDING_PAYMENT and order.payment_provider == payments.PayInStore.key


ORDER_ACTIONS = [
    OrderAction(
        "pay-in-store",
        gettext_lazy("Record payment in store"),
        _record_payment_in_store,
        _pending_in_store,
    ),
    OrderAction(
        "ship",
        gettext_lazy("Ship"),
        lambda order, text, user: services.ship_order(order, tracking_number=text, acting_user=user),
        lambda order: order.status == OrderStatus.PAID and order.delivery == Delivery.SHIPPING,
        field="tracking_number",
        field_label=gettext_lazy("Tracking number"),
    ),
    OrderAction(
        "ready",
        gettext_lazy("Ready for pick-up"),
        lambda order, text, user: services.mark_ready_for_pickup(order, acting_user=user),
        lambda order: order.status == OrderStatus.PAID and order.delivery == Delivery.PICKUP,
    ),
    OrderAction(
        "complete",
        gettext_lazy("Complete"),
        lambda order, text, user: services.complete_order(order, acting_user=user),
        lambda order: order.status in (OrderStatus.SHIPPED, OrderStatus.READY_FOR_PICKUP),
    ),
    OrderAction(
        "cancel",
        gettext_lazy("Cancel"),
        lambda order, text, user: services.cancel_order(order, reason=text, acting_user=user),
        lambda order: order.status in services.CANCELLABLE,
        field="reason",
        field_label=gettext_lazy("Reason"),
        destructive=True,
    ),
    OrderAction(
        "refund",
        gettext_lazy("Refund"),
        lambda order, text, user: services.refund_order(order, reason=text, acting_user=user),
        lambda order: order.status in services.REFUNDABLE,
        field="reason",
        field_label=gettext_lazy("Reason"),
        field_required=True,
        destructive=True,
    ),
]


class OrderDetailView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """An order: its lines, money, delivery, payments and history, with the actions its status
    allows for staff who may manage orders."""

    model = Order
    permission_required = "view"
    template_name = "mall/admin/order_detail.html"
    header_icon = "clipboard-list"
    index_url_name = None
    action_url_names: dict[str, str] = {}

    @cached_property
    def order(self) -> Order:
        # Read after the permission check, so a refused user learns nothing about the order.
        return get_object_or_404(
            Order.objects.select_related("member__user", "coupon").prefetch_related(
                "lines",
                "payments",
                Prefetch("history", queryset=OrderHistory.objects.select_related("acting_user")),
            ),
            pk=self.kwargs["pk"],
        )

    def get_page_title(self):
        return _("Order %(number)s") % {"number": self.order.number}

    def get_page_subtitle(self):
        return self.order.get_status_display()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Orders")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        order = self.order
        actions = []
        if self.user_has_permission(MANAGE_ORDER):
            actions = [
                (action, reverse(self.action_url_names[action.name], args=(order.pk,)))
                for action in ORDER_ACTIONS
                if action.offered(order)
            ]
        statuses = dict(OrderStatus.choices)
        return super().get_context_data(
            order=order,
            email=order_email(order),
            placed=brand_time(order.created_at),
            paid=brand_time(order.paid_at),
            lines=list(order.lines.all()),
            pay_by=brand_time(order.pay_by) if order.status == OrderStatus.PENDING_PAYMENT else "",
            provider=provider_label(order.payment_provider),
            payments=[
                (payment, brand_time(payment.created_at), provider_label(payment.provider))
                for payment in order.payments.all()
            ],
            history=[
                (
                    entry,
                    statuses.get(entry.from_status, entry.from_status),
                    statuses.get(entry.to_status, entry.to_status),
                    brand_time(entry.at),
                )
                for entry in order.history.all()
            ],
            actions=actions,
            time_zone=tenant_time_zone(),
            **kwargs,
        )


class OrderActionView(PermissionCheckedMixin, View):
    """One action on an order (POST only): its service does the change, or refuses with a message."""

    model = Order
    permission_required = MANAGE_ORDER
    http_method_names = ["post"]
    action: OrderAction | None = None
    detail_url_name = None

    def post(self, request, pk):
        order = get_object_or_404(Order, pk=pk)
        text = request.POST.get(self.action.field, "") if self.action.field else ""
        try:
            order = self.action.run(order, text, request.user)
        except services.ShopError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Order %(number)s is now “%(status)s”.")
                % {"number": order.number, "status": order.get_status_display()},
            )
        return redirect(self.detail_url_name, pk)


class OrderViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Shop → Orders. Orders are placed at checkout and change only through the services (the
    actions on an order's page), so there is no add, edit or delete here."""

    model = Order
    url_prefix = "shop/orders"
    icon = "clipboard-list"
    menu_label = gettext_lazy("Orders")
    inspect_view_enabled = False  # the order's own page shows more, with its actions
    kept_urls = ("index", "index_results")
    index_view_class = OrderIndexView
    filterset_class = OrderFilterSet
    search_fields = ["number", "member__user__email", "recipient_name", "recipient_phone"]
    export_filename = "orders"

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(detail_url_name=self.get_url_name("detail"), **kwargs)

    def action_view(self, action: OrderAction):
        return OrderActionView.as_view(action=action, detail_url_name=self.get_url_name("detail"))

    @property
    def detail_view(self):
        return OrderDetailView.as_view(
            index_url_name=self.get_url_name("index"),
            action_url_names={action.name: self.get_url_name(action.name) for action in ORDER_ACTIONS},
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/", self.detail_view, name="detail"),
            *(
                path(f"<int:pk>/{action.name}/", self.action_view(action), name=action.name)
                for action in ORDER_ACTIONS
            ),
        ]

    def get_permissions_to_register(self):
        return model_permissions(Order, ["view", MANAGE_ORDER, EXPORT_ORDER])


# --- Group-buys (read only) ------------------------------------------------------------------


class GroupBuyFilterSet(WagtailFilterSet):
    status = ChoiceFilter(
        label=gettext_lazy("Status"), choices=GroupBuy.Status.choices, empty_label=gettext_lazy("All")
    )

    class Meta:
        model = GroupBuy
        fields = ["status"]


class GroupBuyIndexView(generic.IndexView):
    any_permission_required = ["view"]
    page_title = gettext_lazy("Group-buys")

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("product", "leader__user")


class GroupBuyViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """Shop → Group-buys: the groups members started, how full and how paid they are. Groups
    change only through checkout, payments and the schedule's closing of expired groups."""

    model = GroupBuy
    url_prefix = "shop/group-buys"
    icon = "group"
    menu_label = gettext_lazy("Group-buys")
    inspect_view_enabled = False
    kept_urls = ("index", "index_results")
    index_view_class = GroupBuyIndexView
    filterset_class = GroupBuyFilterSet
    list_display = [
        Column("product", label=gettext_lazy("Product"), accessor=lambda group: group.product.title),
        Column("leader", label=gettext_lazy("Started by"), accessor=lambda group: group.leader.user.email),
        Column("seats", label=gettext_lazy("Joined"), accessor=lambda group: f"{group.joined}/{group.size}"),
        Column("paid", label=gettext_lazy("Paid")),
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            accessor="get_status_display",
            primary=lambda group: group.status != GroupBuy.Status.FAILED,
            sort_key="status",
        ),
        Column(
            "expires_at",
            label=gettext_lazy("Ends"),
            accessor=lambda group: brand_time(group.expires_at),
            sort_key="expires_at",
        ),
    ]

    def get_permissions_to_register(self):
        return model_permissions(GroupBuy, ["view"])


# --- The menu --------------------------------------------------------------------------------


class ShopGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Shop")
    menu_icon = "pick"
    menu_order = 320
    items = (
        OrderViewSet("mall_orders"),
        ProductViewSet("mall_products"),
        ProductCategoryViewSet("mall_categories"),
        GroupBuyViewSet("mall_group_buys"),
    )


@hooks.register("register_admin_viewset")
def register_shop_admin():
    return ShopGroup()
