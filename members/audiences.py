"""Who brand staff may send a campaign message to (core.registry.CampaignAudience, registered in
members/wagtail_hooks.py): every member, the members of one level, or the members with one tag.
Each query runs in the current tenant's schema, so a value from another brand finds nobody here."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.registry import CampaignAudience
from members.models import MemberLevel, TaggedMember


def all_members(value: str = ""):
    return get_user_model().objects.filter(member__isnull=False, is_active=True)


def level_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in MemberLevel.objects.values_list("pk", "name")]


def members_of_level(value: str):
    if not str(value).isdigit():
        return get_user_model().objects.none()
    return all_members().filter(member__level_id=int(value))


def tag_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in TaggedMember.tag_names()]


def members_with_tag(value: str):
    # One row per user: a member carries a tag at most once (TaggedMember's member_tag_once).
    return all_members().filter(member__tags__name=value)


AUDIENCES = [
    CampaignAudience("members.all", _("All members"), None, all_members),
    CampaignAudience("members.level", _("Members of a level"), level_choices, members_of_level),
    CampaignAudience("members.tag", _("Members with a tag"), tag_choices, members_with_tag),
]
