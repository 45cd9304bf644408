"""Who brand staff may send a campaign message to (core.registry.CampaignAudience, registered in
members/wagtail_hooks.py): every member, or the members of one level. Each query runs in the
current tenant's schema, so a value from another brand finds nobody here."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.registry import CampaignAudience
from members.models import MemberLevel


def all_members(value: str = ""):
    return get_user_model().objects.filter(member__isnull=False, is_active=True)


def level_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in MemberLevel.objects.values_list("pk", "name")]


def members_of_level(value: str):
    if not str(value).isdigit():
        return get_user_model().objects.none()
    return all_members().filter(member__level_id=int(value))


AUDIENCES = [
    CampaignAudience("members.all", _("All members"), None, all_members),
    CampaignAudience("members.level", _("Members of a level"), level_choices, members_of_level),
]
