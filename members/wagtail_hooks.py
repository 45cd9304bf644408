"""How the members domain plugs into the platform (core.registry)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core import registry
from members import selectors, services
from members.admin import MemberLevelViewSet, MemberViewSet, ScanMenuItem
from members.audiences import AUDIENCES
from members.graphql.schema import VIEWER_FIELDS, MembersQuery
from members.models import BalanceEntry, PointsEntry
from members.notifications import NOTIFICATION_KINDS
from members.tasks import SCHEDULED_JOBS


@hooks.register("register_schema_query")
def add_members_queries(query_mixins):
    query_mixins.append(MembersQuery)


@hooks.register(registry.VIEWER_FIELDS)
def viewer_fields():
    return VIEWER_FIELDS


@hooks.register(registry.EVENT_KINDS)
def event_kinds():
    return {
        "points.changed": _("Points changed"),
        "balance.changed": _("Balance changed"),
        "level.changed": _("Level changed"),
        "member.birthday": _("Birthday"),
        "points.expiring": _("Points about to expire"),
        "member.tags_changed": _("Tags changed"),
        "member.data_exported": _("Data downloaded by staff on request"),
    }


@hooks.register(registry.EVENT_SUBSCRIBERS)
def event_subscribers():
    return {"customer.signed_up": [services.enrol_new_customer]}


@hooks.register(registry.SCHEDULED_JOBS)
def scheduled_jobs():
    return SCHEDULED_JOBS


def _export_membership(user) -> dict | None:
    member = selectors.member_for(user)
    if member is None:
        return None
    return {
        "code": member.code,
        "level": member.level_name,
        "points": member.points,
        "lifetime_points": member.lifetime_points,
        "balance_cents": member.balance_cents,
        "points_history": list(
            PointsEntry.objects.filter(member=member).values("delta", "reason", "source", "created_at")
        ),
        "balance_history": list(
            BalanceEntry.objects.filter(member=member).values("delta", "reason", "source", "created_at")
        ),
        "events": [
            {"kind": event.kind, "data": event.data, "at": event.created_at}
            for event in selectors.member_timeline(member, limit=10_000)
        ],
    }


def _keep_ledgers(user) -> None:
    """The ledgers stay (the brand's totals must add up); they identify no one once the account
    is anonymised."""


@hooks.register(registry.CUSTOMER_DATA)
def customer_data():
    return [registry.CustomerData("membership", _export_membership, _keep_ledgers)]


@hooks.register("register_admin_viewset")
def register_member_admin():
    return [MemberViewSet("members_member"), MemberLevelViewSet("members_level")]


@hooks.register("register_admin_menu_item")
def scan_menu_item():
    return ScanMenuItem(_("Scan member card"), reverse("members_member:scan"), icon_name="search", order=299)


@hooks.register(registry.NOTIFICATION_KINDS)
def notification_kinds():
    return NOTIFICATION_KINDS


@hooks.register(registry.CAMPAIGN_AUDIENCES)
def campaign_audiences():
    return AUDIENCES
