"""Every admin URL of every project app refuses a brand editor who was not granted its permission.

The URLs are not listed by hand: they come from the URL resolver. Every pattern under /admin/ whose
view belongs to one of this repository's apps (its model's app, or the module the view is defined
in), with the site settings screens expanded for every setting model of those apps, is visited as a
staff user in Wagtail's "Editors" group (admin access, pages, images and documents; nothing of the
project's apps) on a tenant host, with GET and with an empty POST. Each must answer Wagtail's
refusal (302 to /admin/, or 403; a POST may also be 405), and a refused POST changes nothing.

A new viewset, screen or setting is covered the day it is registered. A screen that should open
without a permission goes in ALLOWED_WITHOUT_PERMISSION, with the reason.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.contrib.settings.models import BaseGenericSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Site

from core.models import JobRun
from coupons import services as coupon_services
from coupons.tests.factories import CouponTemplateFactory
from events import services as event_services
from events.tests.factories import CampaignFactory, EventFactory
from knowledge.models import HelpfulVote, Question
from knowledge.tests.factories import add_article, add_help_centre
from mall.tests.factories import ProductCategoryFactory, ProductFactory, line, place
from members.tests.factories import MemberFactory, MemberLevelFactory
from notifications import services as notification_services
from notifications.models import NotificationTemplate
from referrals import services as referral_services
from referrals.tests import factories as referral_factories
from service import services as service_desk
from service.models import RequestType
from service.tests.factories import BookableServiceFactory
from tests.staff import log_in, make_editor

HOST = "perm.localhost"
REFUSED = {(302, "/admin/"), (403, None)}

# route -> why an editor without any of the project's permissions may open it.
ALLOWED_WITHOUT_PERMISSION: dict[str, str] = {
    "admin/inbox/": "each user's own inbox: it lists and marks read only the signed-in user's messages",
}

# Screens this test must find, so a change in how views are recognised cannot empty the list.
MUST_BE_FOUND = {
    "admin/campaigns/",
    "admin/campaigns/new/",
    "admin/campaigns/edit/<int:pk>/",
    "admin/campaigns/send/<int:pk>/",
    "admin/members_member/",
    "admin/members_member/<str:pk>/ledgers/",
    "admin/members_member/scan/",
    "admin/members_level/new/",
    "admin/coupons/templates/issue/<int:pk>/",
    "admin/coupons/issued/",
    "admin/outbox/retry/<int:pk>/",
    "admin/job-runs/inspect/<int:pk>/",
    "admin/settings/themes/brandtheme/",
    "admin/snippets/builder/navigation/edit/<int:pk>/",
    "admin/snippets/choose/builder/navigation/",
    "admin/members_member/<str:pk>/top-up/",
    "admin/notifications/templates/edit/<int:pk>/",
    "admin/notifications/deliveries/",
    "admin/notifications/deliveries/retry/<int:pk>/",
    "admin/inbox/",
    "admin/shop/products/edit/<int:pk>/",
    "admin/shop/categories/delete/<int:pk>/",
    "admin/shop/orders/",
    "admin/shop/orders/<int:pk>/",
    "admin/shop/orders/<int:pk>/refund/",
    "admin/shop/group-buys/",
    "admin/settings/mall/shopsettings/<int:pk>/",
    "admin/events/edit/<int:pk>/",
    "admin/events/<int:pk>/attendance/csv/",
    "admin/events/<int:pk>/cancel/",
    "admin/events/<int:pk>/desk/",
    "admin/events/campaigns/<int:pk>/report/",
    "admin/settings/events/dailycheckinsettings/<int:pk>/",
    "admin/service/tickets/",
    "admin/service/tickets/<int:pk>/",
    "admin/service/tickets/<int:pk>/reply/",
    "admin/service/tickets/bulk/",
    "admin/service/tickets/new/",
    "admin/service/satisfaction/",
    "admin/settings/service/serviceentrysettings/<int:pk>/",
    "admin/service/calendar/",
    "admin/service/calendar/week/",
    "admin/service/appointments/<int:pk>/",
    "admin/service/appointments/<int:pk>/move/",
    "admin/service/appointments/<int:pk>/cancel/",
    "admin/service/locations/edit/<int:pk>/",
    "admin/service/evaluations/",
    "admin/referrals/promoters/",
    "admin/referrals/promoters/<int:pk>/",
    "admin/referrals/promoters/<int:pk>/approve/",
    "admin/referrals/withdrawals/<int:pk>/",
    "admin/referrals/withdrawals/<int:pk>/pay/",
    "admin/referrals/ledger/",
    "admin/referrals/rules/deactivate/<int:pk>/",
    "admin/referrals/levels/delete/<int:pk>/",
    "admin/settings/referrals/referralsettings/<int:pk>/",
}

SETTINGS_ROUTE = "admin/settings/<slug:app_name>/<slug:model_name>/"


def project_app_labels() -> set[str]:
    """Apps whose code lives in this repository (not in the virtualenv)."""
    base = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base) and ".venv" not in Path(config.path).parts
    }


def project_modules() -> set[str]:
    return {apps.get_app_config(label).name for label in project_app_labels()}


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def view_model(callback):
    model = getattr(callback, "view_initkwargs", {}).get("model") or getattr(
        getattr(callback, "view_class", None), "model", None
    )
    if isinstance(model, str):
        model = apps.get_model(model)
    # Some views compute their model per request (a property): they are recognised by their module.
    return model if isinstance(model, type) else None


def view_module(callback) -> str:
    return getattr(callback, "view_class", callback).__module__


def project_admin_routes() -> dict[str, type | None]:
    """{route: the model its sample ids come from} for every admin URL of the project's apps;
    settings routes are expanded to one route per project setting model."""
    labels, modules = project_app_labels(), project_modules()
    routes = {}
    for route, callback in _patterns(get_resolver(settings.ROOT_URLCONF).url_patterns):
        if not route.startswith("admin/"):
            continue
        if route.startswith(SETTINGS_ROUTE):
            for model in settings_registry:
                if model._meta.app_label in labels:
                    if route == SETTINGS_ROUTE and issubclass(model, BaseGenericSetting):
                        # Wagtail sends a generic setting's own address on to the edit screen of its
                        # one row: that screen (<pk>/, visited here) is the one that checks.
                        continue
                    expanded = route.replace("<slug:app_name>", model._meta.app_label).replace(
                        "<slug:model_name>", model._meta.model_name
                    )
                    # A site setting's screens take the site's id; a generic setting's, its row's.
                    routes[expanded] = model if issubclass(model, BaseGenericSetting) else Site
            continue
        model = view_model(callback)
        in_project_model = model is not None and model._meta.app_label in labels
        in_project_module = any(
            view_module(callback) == module or view_module(callback).startswith(module + ".")
            for module in modules
        )
        if in_project_model or in_project_module:
            routes[route] = model
    return routes


def url_for(route: str, model, samples) -> str:
    def fill(match):
        name = match.group(2)
        if name != "pk":
            raise AssertionError(f"{route}: no sample value for <{name}>; add one to url_for()")
        return str(samples[model])

    return "/" + re.sub(r"<(\w+:)?(\w+)>", fill, route)


@pytest.fixture
def brand(make_tenant, in_tenant):
    """A tenant with one row of every model the project's admin screens show, and an editor."""
    tenant = make_tenant("perm", default_language="en").tenant
    with in_tenant(tenant):
        MemberLevelFactory(name="Gold", threshold_points=0)
        apps.get_model("notifications", "Campaign").objects.create(
            title="Spring", body="Tea week.", audience="members.all"
        )
        member = MemberFactory(user__username="mei")
        template = CouponTemplateFactory()
        coupon_services.issue_coupon(template, member, acting_user=None)
        JobRun.objects.create(job="coupons.expiring", period="2030-01-02")
        points = {"earned": True, "points": 5, "balance": 5, "reason": "Visit"}
        notification_services.notify(member.user, "points.changed", points, idempotency_key="perm-1")
        NotificationTemplate.objects.create(kind="points.changed", language="en", title="+1", body="!")
        centre = add_help_centre()
        article = add_article(centre, "How points work", "One point per yuan.")
        HelpfulVote.objects.create(article=article, visitor="visitor:x", helpful=False, comment="More please")
        Question.objects.create(email="mei@example.com", message="Do points expire?")
        product = ProductFactory(category=ProductCategoryFactory())
        place(member, line(product.skus.get()))  # an order, with its history and payment
        event_services.sign_up(member, EventFactory().sessions.get())  # an event with a ticket
        CampaignFactory(goals=[{"friends": 1, "draws": 1}], prizes=[{"name": "Mug", "quantity": 1}])
        # A request, and a visit that was booked, took place and was evaluated.
        service_desk.submit_request(
            RequestType.objects.order_by("pk").first(), subject="Zip", message="Broke", email="x@example.com"
        )
        visit_service = BookableServiceFactory()
        last_week = timezone.now() - dt.timedelta(days=7)
        slot = service_desk.available_slots(
            visit_service, last_week.date(), last_week.date() + dt.timedelta(days=3), now=last_week
        )[0]
        visit = service_desk.book_appointment(visit_service, slot.starts_at, user=member.user, now=last_week)
        visit = service_desk.mark_appointment(visit, "completed", acting_user=None)
        service_desk.evaluate_appointment(visit, 5, acting_user=member.user)
        # A promoter whose customer's order earned settled commission, with a withdrawal waiting.
        promoter = referral_factories.promoter()
        customer = referral_factories.referred(promoter)
        referral_factories.programme(return_days=0, minimum_withdrawal_cents=1)
        referral_factories.complete(
            referral_factories.paid_order(customer, line(ProductFactory().skus.get()))
        )
        referral_services.settle_due_commissions()
        promoter.refresh_from_db()
        referral_services.request_withdrawal(
            promoter, promoter.available_cents, pay_to="Alipay", idempotency_key="perm"
        )
        make_editor()
        site = Site.objects.get(is_default_site=True)
        samples = {Site: site.pk}
        for setting in settings_registry:  # made on first read otherwise, by any page that reads it
            if issubclass(setting, BaseGenericSetting):  # one row per tenant (the shop's settings)
                setting.load()
            else:
                setting.for_site(site)
        for route, model in project_admin_routes().items():
            if model is not None and model not in samples and "<" in route:
                row = model.objects.order_by("pk").first()
                assert row is not None, f"no {model.__name__} row to visit {route} with: add one here"
                samples[model] = row.pk
    return tenant, samples


def row_counts(in_tenant, tenant) -> dict[str, int]:
    labels = project_app_labels()
    with in_tenant(tenant):
        return {
            model._meta.label: model.objects.count()
            for model in apps.get_models()
            if model._meta.app_label in labels and not model._meta.proxy
        }


def log_in_as_editor() -> Client:
    return log_in(HOST)


def answer(response):
    location = response.get("Location") if response.status_code in (301, 302) else None
    return (response.status_code, location)


def test_the_project_admin_screens_are_all_found():
    routes = project_admin_routes()
    assert MUST_BE_FOUND <= set(routes), sorted(MUST_BE_FOUND - set(routes))
    assert not any(route.startswith(("admin/pages/", "admin/images/", "admin/users/")) for route in routes)


def test_every_project_admin_url_refuses_an_editor_without_its_permission(brand, in_tenant):
    tenant, samples = brand
    client = log_in_as_editor()
    counts_before = row_counts(in_tenant, tenant)

    opened, answers = {}, {}
    for route, model in sorted(project_admin_routes().items()):
        url = url_for(route, model, samples)
        got = answer(client.get(url, HTTP_HOST=HOST))
        posted = answer(client.post(url, {}, HTTP_HOST=HOST))
        answers[route] = (url, got, posted)
        if got not in REFUSED or posted not in REFUSED | {(405, None)}:
            opened[route] = (url, got, posted)

    expected_open = {route: answers[route] for route in ALLOWED_WITHOUT_PERMISSION}
    assert opened == expected_open, "answered without a permission:\n" + "\n".join(
        f"  {url}: GET {got}, POST {posted}" for url, got, posted in opened.values()
    )
    assert row_counts(in_tenant, tenant) == counts_before
    assert len(answers) >= len(MUST_BE_FOUND)
