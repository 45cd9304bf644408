"""Member tags: staff with members' change permission tag members on the member's edit form; the
member list filters by tag; a campaign to "members with a tag" reaches each consenting tagged member
once; one brand's tags are never offered to another."""

import pytest
from django.test import TestCase

from accounts.tests.factories import customer
from core import registry
from members.models import Member, TaggedMember
from notifications import campaigns
from notifications.models import Campaign, Notification
from notifications.tests.test_notify import set_language
from tests.staff import REFUSED, answer, grant, log_in, make_editor

HOST = "tags.localhost"


@pytest.fixture
def brand(make_tenant, in_tenant):
    """mei (consented), jun (did not) and ling (consented) are members; an editor with no grants."""
    tenant = make_tenant("tags", default_language="en").tenant
    people = {}
    for name, consent in (("mei", True), ("jun", False), ("ling", True)):
        user = customer(tenant, f"{name}@example.com")
        set_language(tenant, user, "en", consent=consent)
        people[name] = user
    with in_tenant(tenant):
        make_editor()
        members = {name: Member.objects.get(user=user) for name, user in people.items()}
    return tenant, members


def tags_of(in_tenant, tenant, member) -> list[str]:
    with in_tenant(tenant):
        return sorted(Member.objects.get(pk=member.pk).tags.names())


def tag(in_tenant, tenant, member, *names):
    with in_tenant(tenant):
        member.tags.add(*names)


def test_staff_who_may_change_members_tag_a_member_on_its_edit_form(brand, in_tenant):
    tenant, members = brand
    mei = members["mei"]
    grant(in_tenant, tenant, "members.change_member")
    client = log_in(HOST)
    url = f"/admin/members_member/edit/{mei.pk}/"
    level = str(mei.level_id or "")  # the form's level as it is: only the tags change
    form = client.get(url, HTTP_HOST=HOST)
    assert form.status_code == 200
    assert 'name="tags"' in form.content.decode()

    response = client.post(url, {"level": level, "tags": "VIP, Shanghai"}, HTTP_HOST=HOST)
    assert answer(response) == (302, "/admin/members_member/")
    assert tags_of(in_tenant, tenant, mei) == ["Shanghai", "VIP"]
    with in_tenant(tenant):
        assert Member.objects.get(pk=mei.pk).level_id == mei.level_id  # the level is kept

    response = client.post(url, {"level": level, "tags": "VIP, wholesale"}, HTTP_HOST=HOST)
    assert answer(response) == (302, "/admin/members_member/")
    assert tags_of(in_tenant, tenant, mei) == ["VIP", "wholesale"]
    with in_tenant(tenant):
        assert TaggedMember.objects.count() == 2
        from core.models import OutboxEvent

        changes = OutboxEvent.objects.filter(kind="member.tags_changed").order_by("pk")
        assert [(event.data["before"], event.data["after"]) for event in changes] == [
            ([], ["Shanghai", "VIP"]),
            (["Shanghai", "VIP"], ["VIP", "wholesale"]),
        ]


def test_an_editor_without_change_permission_cannot_tag_a_member(brand, in_tenant):
    tenant, members = brand
    mei = members["mei"]
    tag(in_tenant, tenant, mei, "VIP")
    grant(in_tenant, tenant, "members.view_member")
    client = log_in(HOST)
    url = f"/admin/members_member/edit/{mei.pk}/"
    level = str(mei.level_id or "")
    assert answer(client.get(url, HTTP_HOST=HOST)) == REFUSED
    response = client.post(url, {"level": level, "tags": "wholesale"}, HTTP_HOST=HOST)
    assert answer(response) == REFUSED
    assert tags_of(in_tenant, tenant, mei) == ["VIP"]
    with in_tenant(tenant):
        assert TaggedMember.objects.count() == 1


def test_the_member_list_filtered_by_a_tag_shows_exactly_the_tagged_members(brand, in_tenant):
    tenant, members = brand
    tag(in_tenant, tenant, members["mei"], "VIP", "Shanghai")
    tag(in_tenant, tenant, members["jun"], "VIP")
    tag(in_tenant, tenant, members["ling"], "wholesale")
    grant(in_tenant, tenant, "members.view_member")
    client = log_in(HOST)

    def listed(query):
        response = client.get(f"/admin/members_member/{query}", HTTP_HOST=HOST)
        assert response.status_code == 200
        return sorted(member.code for member in response.context["object_list"])

    def codes(*names):
        return sorted(members[name].code for name in names)

    assert listed("?tag=VIP") == codes("mei", "jun")
    assert listed("?tag=Shanghai") == codes("mei")
    assert listed("?tag=wholesale") == codes("ling")
    assert listed("") == codes("mei", "jun", "ling")
    page = client.get("/admin/members_member/", HTTP_HOST=HOST)
    assert list(page.context["filters"].form.fields["tag"].choices) == [
        ("", "All"),
        ("Shanghai", "Shanghai"),
        ("VIP", "VIP"),
        ("wholesale", "wholesale"),
    ]


def test_a_campaign_to_members_with_a_tag_reaches_the_consenting_tagged_members_once(brand, in_tenant):
    tenant, members = brand
    tag(in_tenant, tenant, members["mei"], "VIP", "Shanghai")
    tag(in_tenant, tenant, members["jun"], "VIP")
    tag(in_tenant, tenant, members["ling"], "wholesale")
    with in_tenant(tenant):
        campaign = campaigns.save_campaign(
            Campaign(
                title="VIP night",
                body="Doors open at seven.",
                url="/offers/",
                audience="members.tag",
                audience_value="VIP",
            ),
            acting_user=None,
        )
        assert campaigns.audience_label(campaign) == "Members with a tag: VIP"
        for _attempt in range(2):
            with TestCase.captureOnCommitCallbacks(execute=True):
                campaigns.send_campaign(campaign, acting_user=None)
        campaign.refresh_from_db()
        assert (campaign.status, campaign.recipients) == ("sent", 2)  # mei and jun carry VIP
        assert sorted(
            Notification.objects.filter(kind="campaign").values_list("recipient__username", "in_inbox")
        ) == [("mei", True)]


def test_one_brands_tags_are_not_offered_to_another(brand, in_tenant, make_tenant):
    tenant, members = brand
    tag(in_tenant, tenant, members["mei"], "VIP")
    other = make_tenant("othertags", default_language="en").tenant
    kai = customer(other, "kai@example.com")
    set_language(other, kai, "en", consent=True)
    with in_tenant(other):
        Member.objects.get(user=kai).tags.add("wholesale")
        audience = registry.campaign_audiences()["members.tag"]
        assert audience.choices() == [("wholesale", "wholesale")]
        assert list(audience.users("VIP")) == []
        with pytest.raises(campaigns.CampaignError):
            campaigns.save_campaign(
                Campaign(
                    title="VIP night",
                    body="Doors open at seven.",
                    audience="members.tag",
                    audience_value="VIP",
                ),
                acting_user=None,
            )
        assert Campaign.objects.count() == 0
    with in_tenant(tenant):
        assert registry.campaign_audiences()["members.tag"].choices() == [("VIP", "VIP")]
        assert [user.username for user in registry.campaign_audiences()["members.tag"].users("VIP")] == [
            "mei"
        ]
