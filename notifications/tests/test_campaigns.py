"""Campaign messages: staff send one message to an audience a domain registers (members, members of
a level); it reaches each consenting customer once, in the inbox, however often sending is started,
re-run or resumed; scheduled ones go out on the tick, once; one brand never reaches another's
customers."""

import datetime as dt

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from accounts.tests.factories import customer
from core import registry
from core.tasks import run_tenant_schedule
from members import services as loyalty
from members.models import Member, MemberLevel
from notifications import campaigns, services
from notifications.models import Campaign, Delivery, Notification
from notifications.tests.test_notify import set_language
from tests.staff import grant, log_in, make_editor

HOST = "camp.localhost"


def run_after_commit():
    """What happens after the transaction commits: the queued tasks run (eagerly in tests)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def brand(make_tenant, in_tenant):
    """Gold: mei (consented), jun (did not); Silver: ling (consented)."""
    tenant = make_tenant("camp", default_language="en").tenant
    with in_tenant(tenant):
        MemberLevel.objects.create(name="Silver", threshold_points=0)
        gold = MemberLevel.objects.create(name="Gold", threshold_points=1000)
    people = {}
    for name, level, consent in (("mei", gold, True), ("jun", gold, False), ("ling", None, True)):
        user = customer(tenant, f"{name}@example.com")
        set_language(tenant, user, "en", consent=consent)
        if level is not None:
            with in_tenant(tenant):
                loyalty.set_member_level(Member.objects.get(user=user), level, acting_user=None)
        people[name] = user
    return tenant, gold, people


def campaign_to(audience, value="", **fields) -> Campaign:
    campaign = Campaign(
        title=fields.pop("title", "Tea week"),
        body=fields.pop("body", "Double points on every pot until Sunday."),
        url=fields.pop("url", "/offers/"),
        audience=audience,
        audience_value=str(value),
        **fields,
    )
    return campaigns.save_campaign(campaign, acting_user=None)


def told(campaign) -> list[tuple[str, bool]]:
    return sorted(
        Notification.objects.filter(
            kind="campaign", idempotency_key__startswith=campaign.key_prefix
        ).values_list("recipient__username", "in_inbox")
    )


def test_a_campaign_to_a_level_reaches_its_consenting_members_once_in_the_inbox(brand, in_tenant):
    tenant, gold, people = brand
    mail.outbox.clear()
    with in_tenant(tenant):
        campaign = campaign_to("members.level", gold.pk)
        assert campaign.status == "draft"
        with run_after_commit():
            assert campaigns.send_campaign(campaign, acting_user=None) is True
        campaign.refresh_from_db()
        assert (campaign.status, campaign.recipients) == ("sent", 2)  # mei and jun are Gold
        assert campaign.sent_at is not None
        assert told(campaign) == [("mei", True)]
        message = Notification.objects.get(kind="campaign")
        assert (message.title, message.body, message.url) == (
            "Tea week",
            "Double points on every pot until Sunday.",
            "/offers/",
        )
        assert message.idempotency_key == f"campaign:{campaign.pk}:{people['mei'].pk}"
        assert sorted(message.deliveries.values_list("channel", "status")) == [
            ("email", "sent"),
            ("inbox", "sent"),
        ]
        assert campaigns.counts(campaign) == {"recipients": 2, "sent": 1, "failed": 0, "read": 0}
        services.mark_read(people["mei"], message.pk)
        Delivery.objects.filter(channel="email").update(status=Delivery.Status.FAILED)
        assert campaigns.counts(campaign) == {"recipients": 2, "sent": 1, "failed": 1, "read": 1}
    assert [(email.to, email.subject) for email in mail.outbox] == [(["mei@example.com"], "Tea week")]


def test_sending_twice_and_running_the_task_again_tell_nobody_twice(brand, in_tenant):
    tenant, _gold, _people = brand
    with in_tenant(tenant):
        campaign = campaign_to("members.all")
        with run_after_commit():
            assert campaigns.send_campaign(campaign, acting_user=None) is True
        with run_after_commit():
            assert campaigns.send_campaign(campaign, acting_user=None) is False
        assert told(campaign) == [("ling", True), ("mei", True)]
        # The task's message delivered again (a worker died before acknowledging it): the campaign
        # is still "sending" for that run, which finds everyone told already.
        Campaign.objects.filter(pk=campaign.pk).update(status="sending")
        result = campaigns.send_campaign_task.apply(args=[campaign.pk]).get()
        assert result == {"outcome": "sent", "told": 0, "recipients": 3}
        assert campaigns.send_campaign_task.apply(args=[campaign.pk]).get() == {"outcome": "not sending"}
        assert told(campaign) == [("ling", True), ("mei", True)]
        assert Delivery.objects.filter(notification__kind="campaign").count() == 4


def test_a_run_that_dies_halfway_is_finished_by_the_next_without_duplicates(
    brand, in_tenant, make_tenant, monkeypatch
):
    tenant, _gold, people = brand
    for number in range(4):
        user = customer(tenant, f"extra{number}@example.com")
        set_language(tenant, user, "en", consent=True)
    monkeypatch.setattr(campaigns, "BATCH_SIZE", 2)
    real_notify = services.notify
    calls = {"n": 0}

    def dies_on_the_fifth(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise SystemExit("worker killed")
        return real_notify(*args, **kwargs)

    with in_tenant(tenant):
        campaign = campaign_to("members.all")
        Campaign.objects.filter(pk=campaign.pk).update(status="sending")
        monkeypatch.setattr(services, "notify", dies_on_the_fifth)
        with pytest.raises(SystemExit):
            campaigns.deliver_campaign(campaign.pk)
        # Two batches of two were committed (jun did not consent); the third died, none of it kept.
        assert told(campaign) == [("extra0", True), ("ling", True), ("mei", True)]
        monkeypatch.setattr(services, "notify", real_notify)
        result = campaigns.deliver_campaign(campaign.pk)  # the message, delivered again
        assert result == {"outcome": "sent", "told": 3, "recipients": 7}
        everyone = sorted(["mei", "ling", "extra0", "extra1", "extra2", "extra3"])
        assert told(campaign) == [(name, True) for name in everyone]
        assert people["jun"].notifications.filter(kind="campaign").count() == 0


def test_a_run_that_is_out_of_time_queues_the_rest(brand, in_tenant, monkeypatch):
    tenant, _gold, _people = brand
    monkeypatch.setattr(campaigns, "BATCH_SIZE", 1)
    queued = []
    monkeypatch.setattr(
        campaigns, "_queue", lambda schema, pk, after=0, walked=0: queued.append((after, walked))
    )
    with in_tenant(tenant):
        campaign = campaign_to("members.all")
        Campaign.objects.filter(pk=campaign.pk).update(status="sending")
        first = campaigns.deliver_campaign(campaign.pk, seconds=0)
        user_pks = sorted(Member.objects.values_list("user_id", flat=True))
        assert first == {"outcome": "continued", "told": 1, "after": user_pks[0]}
        assert queued == [(user_pks[0], 1)]
        result = first
        while result["outcome"] == "continued":  # each queued run, as the worker would take it
            after, walked = queued[-1]
            result = campaigns.deliver_campaign(campaign.pk, after=after, walked=walked, seconds=0)
        assert result == {"outcome": "sent", "told": 0, "recipients": 3}
        assert queued == [(user_pks[0], 1), (user_pks[1], 2), (user_pks[2], 3)]
        assert len(told(campaign)) == 2


def test_a_scheduled_campaign_is_sent_by_the_tick_once(brand, in_tenant):
    tenant, gold, _people = brand
    now = timezone.now()
    with in_tenant(tenant):
        due = campaign_to("members.level", gold.pk, send_at=now - dt.timedelta(minutes=1))
        later = campaign_to("members.all", title="Next month", send_at=now + dt.timedelta(days=30))
        assert (due.status, later.status) == ("scheduled", "scheduled")
        assert "campaigns" in registry.every_tick()
        with run_after_commit():
            first = run_tenant_schedule("Asia/Shanghai", only=[])
        with run_after_commit():
            second = run_tenant_schedule("Asia/Shanghai", only=[])
        assert (first["campaigns"], second["campaigns"]) == (1, 0)
        due.refresh_from_db()
        later.refresh_from_db()
        assert (due.status, later.status) == ("sent", "scheduled")
        assert told(due) == [("mei", True)]
        assert Notification.objects.filter(kind="campaign").count() == 1


def test_a_sent_campaign_can_no_longer_be_changed(brand, in_tenant):
    tenant, _gold, _people = brand
    with in_tenant(tenant):
        campaign = campaign_to("members.all")
        with run_after_commit():
            campaigns.send_campaign(campaign, acting_user=None)
        campaign.title = "Changed"
        with pytest.raises(campaigns.CampaignError):
            campaigns.save_campaign(campaign, acting_user=None)
        assert Campaign.objects.get(pk=campaign.pk).title == "Tea week"


def test_staff_write_send_and_follow_a_campaign_in_the_admin(brand, in_tenant):
    tenant, gold, _people = brand
    with in_tenant(tenant):
        make_editor()
    grant(in_tenant, tenant, "notifications.add_campaign", "notifications.change_campaign")
    admin = log_in(HOST)
    form = admin.get("/admin/campaigns/new/", HTTP_HOST=HOST).content.decode()
    assert f'<option value="members.level={gold.pk}">Gold</option>' in form
    assert '<option value="members.all">All members</option>' in form
    created = admin.post(
        "/admin/campaigns/new/",
        {
            "title": "Tea week",
            "body": "Double points.",
            "url": "/offers/",
            "target": f"members.level={gold.pk}",
        },
        HTTP_HOST=HOST,
    )
    assert created.status_code == 302
    with in_tenant(tenant):
        campaign = Campaign.objects.get()
        assert (campaign.audience, campaign.audience_value, campaign.status) == (
            "members.level",
            str(gold.pk),
            "draft",
        )
        assert campaign.created_by.username == "editor"
    ask = admin.get(f"/admin/campaigns/send/{campaign.pk}/", HTTP_HOST=HOST).content.decode()
    assert "It goes to Members of a level: Gold: 2 customers." in ask
    with run_after_commit():
        sent = admin.post(f"/admin/campaigns/send/{campaign.pk}/", HTTP_HOST=HOST)
    assert (sent.status_code, sent["Location"]) == (302, "/admin/campaigns/")
    listing = admin.get("/admin/campaigns/", HTTP_HOST=HOST).content.decode()
    assert "Members of a level: Gold" in listing
    with in_tenant(tenant):
        campaign.refresh_from_db()
        assert campaigns.counts(campaign) == {"recipients": 2, "sent": 1, "failed": 0, "read": 0}
    # A sent campaign cannot be edited any more.
    edit = admin.post(
        f"/admin/campaigns/edit/{campaign.pk}/",
        {"title": "Changed", "body": "x", "url": "", "target": "members.all"},
        HTTP_HOST=HOST,
    )
    assert edit.status_code == 200
    with in_tenant(tenant):
        assert Campaign.objects.get().title == "Tea week"


def test_staff_of_one_brand_cannot_reach_another_brands_members(brand, in_tenant, make_tenant):
    tenant, _gold, _people = brand
    other = make_tenant("other", default_language="en").tenant
    with in_tenant(other):
        levels = [MemberLevel.objects.create(name=f"B{n}", threshold_points=n) for n in range(5)]
    for name in ("bo", "bai"):
        user = customer(other, f"{name}@example.com")
        set_language(other, user, "en", consent=True)
    with in_tenant(tenant):
        own_levels = set(MemberLevel.objects.values_list("pk", flat=True))
        foreign = next(level for level in levels if level.pk not in own_levels)
        make_editor()
    grant(in_tenant, tenant, "notifications.add_campaign", "notifications.change_campaign")
    admin = log_in(HOST)
    form = admin.get("/admin/campaigns/new/", HTTP_HOST=HOST).content.decode()
    assert "B4" not in form
    refused = admin.post(
        "/admin/campaigns/new/",
        {"title": "Steal", "body": "x", "url": "", "target": f"members.level={foreign.pk}"},
        HTTP_HOST=HOST,
    )
    assert refused.status_code == 200
    with in_tenant(tenant):
        assert Campaign.objects.count() == 0
        # The service refuses it too, and an audience query runs in this brand's schema only.
        with pytest.raises(campaigns.CampaignError):
            campaign_to("members.level", foreign.pk)
        campaign = campaign_to("members.all")
        with run_after_commit():
            campaigns.send_campaign(campaign, acting_user=None)
        assert told(campaign) == [("ling", True), ("mei", True)]
    with in_tenant(other):
        assert Notification.objects.count() == 0
        assert Campaign.objects.count() == 0


def test_a_campaign_whose_run_was_lost_is_resumed_by_the_tick_and_tells_nobody_twice(brand, in_tenant):
    """The broker dropped the run's message: "sending", nobody told for ten minutes."""
    tenant, gold, people = brand
    with in_tenant(tenant):
        campaign = campaign_to("members.all")
        Campaign.objects.filter(pk=campaign.pk).update(
            status=Campaign.Status.SENDING, created_at=timezone.now() - dt.timedelta(hours=1)
        )
        services.notify(
            people["mei"],
            "campaign",
            {"title": campaign.title, "body": campaign.body},
            idempotency_key=f"{campaign.key_prefix}{people['mei'].pk}",
        )
        Notification.objects.filter(kind="campaign").update(
            created_at=timezone.now() - dt.timedelta(minutes=30)
        )
        with run_after_commit():
            campaigns.send_due_campaigns()
        campaign.refresh_from_db()
        assert (campaign.status, campaign.recipients) == ("sent", 3)
        assert told(campaign) == [("ling", True), ("mei", True)]
        # A campaign that is sending and told someone a minute ago is left to its run.
        other = campaign_to("members.all", title="Second")
        Campaign.objects.filter(pk=other.pk).update(
            status=Campaign.Status.SENDING, created_at=timezone.now() - dt.timedelta(hours=1)
        )
        services.notify(
            people["ling"],
            "campaign",
            {"title": other.title, "body": other.body},
            idempotency_key=f"{other.key_prefix}{people['ling'].pk}",
        )
        with run_after_commit():
            campaigns.send_due_campaigns()
        other.refresh_from_db()
        assert other.status == "sending"
