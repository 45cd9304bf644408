"""Brand staff's side of notifications in the admin: message templates (checked and previewed with
each kind's sample), deliveries with "send again", staff alerts and each staff user's own inbox.
Every screen opens only with its permission; a refused action changes nothing."""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone

from accounts.tests.factories import customer
from core import registry
from core.models import OutboxEvent
from core.outbox import deliver_due_events
from members import services as members_services
from members.models import Member, MemberLevel
from notifications import services
from notifications.models import Delivery, Notification, NotificationTemplate
from tests.staff import REFUSED, grant, make_editor, outcome
from tests.staff import log_in as log_in_on

HOST = "perm.localhost"
POINTS = {"earned": True, "points": 5, "balance": 5, "reason": "Visit"}


@pytest.fixture
def brand(make_tenant, in_tenant):
    """A tenant with a customer who has one sent and one failed delivery, a template, an editor."""
    tenant = make_tenant("perm", default_language="en").tenant
    with in_tenant(tenant):
        MemberLevel.objects.create(name="Silver", threshold_points=0)
    mei = customer(tenant, "mei@example.com")
    with in_tenant(tenant):
        notification = services.notify(mei, "points.changed", POINTS, idempotency_key="p-1")
        failed = notification.deliveries.get(channel="email")
        Delivery.objects.filter(pk=failed.pk).update(  # as the last retry leaves it
            status=Delivery.Status.FAILED, attempts=5, last_error="SMTPException: mailbox unavailable"
        )
        failed.refresh_from_db()
        sent = notification.deliveries.get(channel="inbox")
        template = NotificationTemplate.objects.create(
            kind="points.changed", language="en", title="+{{ points }}", body="{{ balance }} in all."
        )
        make_editor()
    return SimpleNamespace(tenant=tenant, mei=mei, failed=failed, sent=sent, template=template)


def log_in():
    return log_in_on(HOST)


def admin_urls(brand):
    return {
        "templates": "/admin/notifications/templates/",
        "templates results": "/admin/notifications/templates/results/",
        "new template": "/admin/notifications/templates/new/",
        "edit template": f"/admin/notifications/templates/edit/{brand.template.pk}/",
        "delete template": f"/admin/notifications/templates/delete/{brand.template.pk}/",
        "deliveries": "/admin/notifications/deliveries/",
        "deliveries results": "/admin/notifications/deliveries/results/",
        "delivery": f"/admin/notifications/deliveries/inspect/{brand.failed.pk}/",
        "send again": f"/admin/notifications/deliveries/retry/{brand.failed.pk}/",
    }


TEMPLATE_LIST = {"templates", "templates results"}
OPENS = {
    None: set(),
    "notifications.view_notificationtemplate": TEMPLATE_LIST,
    "notifications.add_notificationtemplate": {*TEMPLATE_LIST, "new template"},
    "notifications.change_notificationtemplate": {*TEMPLATE_LIST, "edit template"},
    "notifications.delete_notificationtemplate": {*TEMPLATE_LIST, "delete template"},
    "notifications.view_delivery": {"deliveries", "deliveries results", "delivery"},
    "notifications.change_delivery": {"send again", "delivery"},
}


@pytest.mark.parametrize("permission", list(OPENS), ids=str)
def test_each_screen_opens_only_with_its_permission(brand, in_tenant, permission):
    if permission:
        grant(in_tenant, brand.tenant, permission)
    client = log_in()
    urls = admin_urls(brand)
    answers = {name: outcome(client.get(url, HTTP_HOST=HOST)) for name, url in urls.items()}
    assert answers == {name: 200 if name in OPENS[permission] else REFUSED for name in urls}


def test_a_refused_send_again_or_template_change_changes_nothing(brand, in_tenant):
    grant(in_tenant, brand.tenant, "notifications.view_delivery", "notifications.view_notificationtemplate")
    client = log_in()
    urls = admin_urls(brand)
    assert outcome(client.post(urls["send again"], HTTP_HOST=HOST)) == REFUSED
    assert (
        outcome(
            client.post(
                urls["edit template"],
                {"kind": "points.changed", "language": "en", "title": "Hacked", "body": "x"},
                HTTP_HOST=HOST,
            )
        )
        == REFUSED
    )
    with in_tenant(brand.tenant):
        assert Delivery.objects.values_list("status", "attempts").get(pk=brand.failed.pk) == ("failed", 5)
        assert NotificationTemplate.objects.values_list("title", "body").get() == (
            "+{{ points }}",
            "{{ balance }} in all.",
        )


def test_the_deliveries_list_filters_and_offers_send_again_only_for_failed_ones(brand, in_tenant):
    grant(in_tenant, brand.tenant, "notifications.view_delivery", "notifications.change_delivery")
    client = log_in()
    page = client.get("/admin/notifications/deliveries/?status=failed", HTTP_HOST=HOST).content.decode()
    # The title links to the delivery, and so does its "Inspect" button.
    assert page.count(f'href="/admin/notifications/deliveries/inspect/{brand.failed.pk}/"') == 2
    assert f"/admin/notifications/deliveries/inspect/{brand.sent.pk}/" not in page
    assert page.count("/admin/notifications/deliveries/retry/") == 1
    for text in (
        "You earned 5 points",
        "mei",
        "E-mail",
        "mei@example.com",
        "SMTPException: mailbox unavailable",
    ):
        assert text in page
    inbox_only = client.get("/admin/notifications/deliveries/?channel=inbox", HTTP_HOST=HOST).content.decode()
    assert f"/admin/notifications/deliveries/inspect/{brand.sent.pk}/" in inbox_only
    assert f"/admin/notifications/deliveries/inspect/{brand.failed.pk}/" not in inbox_only
    assert "/admin/notifications/deliveries/retry/" not in inbox_only


def test_send_again_puts_a_failed_delivery_back_in_the_queue_once(brand, in_tenant):
    grant(in_tenant, brand.tenant, "notifications.change_delivery")
    client = log_in()
    url = admin_urls(brand)["send again"]
    asked = client.get(url, HTTP_HOST=HOST).content.decode()
    assert "mailbox unavailable" in asked
    assert "Sending gave up after 5 attempt(s)." in asked
    before = timezone.now()
    with TestCase.captureOnCommitCallbacks() as queued:
        done = client.post(url, HTTP_HOST=HOST)
    assert (done.status_code, done["Location"]) == (302, "/admin/notifications/deliveries/")
    assert len(queued) == 1
    with in_tenant(brand.tenant):
        delivery = Delivery.objects.get(pk=brand.failed.pk)
        assert (delivery.status, delivery.attempts) == ("pending", 5)
        assert before <= delivery.next_attempt_at <= timezone.now()
    again = client.post(url, HTTP_HOST=HOST, follow=True).content.decode()
    assert "That delivery has not failed: there is nothing to send again." in again
    with in_tenant(brand.tenant):
        assert Delivery.objects.get(pk=brand.failed.pk).status == "pending"


# --- Message templates ----------------------------------------------------------------------


def template_data(**fields):
    return {"kind": "points.changed", "language": "zh-hans", "title": "T", "body": "B", **fields}


def test_a_new_template_starts_from_the_built_in_wording_of_the_chosen_kind_and_language(brand, in_tenant):
    grant(in_tenant, brand.tenant, "notifications.add_notificationtemplate")
    client = log_in()
    page = client.get(
        "/admin/notifications/templates/new/?kind=level.changed&language=zh-hans", HTTP_HOST=HOST
    ).content.decode()
    assert 'value="恭喜您成为{{ level }}会员"' in page
    assert "您的会员等级已变为{{ level }}。在“我的账户”中查看新等级的权益。</textarea>" in page
    assert '<option value="level.changed" selected>New member level</option>' in page
    assert "<strong data-preview-title>恭喜您成为Gold会员</strong>" in page
    for name in ("{{ member }}", "{{ level }}", "{{ previous }}"):
        assert f"<code>{name}</code>" in page
    default = client.get("/admin/notifications/templates/new/?kind=nope", HTTP_HOST=HOST).content.decode()
    # The first kind by label ("A seat from the waitlist", events), in the brand's language.
    assert 'value="A seat is yours: {{ event }}"' in default


def test_a_template_is_saved_only_when_its_wording_renders(brand, in_tenant):
    grant(in_tenant, brand.tenant, "notifications.add_notificationtemplate")
    client = log_in()
    url = "/admin/notifications/templates/new/"
    broken = client.post(url, template_data(title="{% if %}积分", body="{{ points|shout }}"), HTTP_HOST=HOST)
    page = broken.content.decode()
    assert broken.status_code == 200
    assert "This wording cannot be used: Unexpected end of expression in if tag." in page
    assert "This wording cannot be used: Invalid filter: &#x27;shout&#x27;" in page
    twice = client.post(url, template_data(language="en"), HTTP_HOST=HOST)
    assert twice.status_code == 200
    assert "already exists" in twice.content.decode()
    unknown = client.post(url, template_data(kind="nope"), HTTP_HOST=HOST)
    assert unknown.status_code == 200
    with in_tenant(brand.tenant):
        assert NotificationTemplate.objects.count() == 1

    saved = client.post(
        url, template_data(title="+{{ points }} 积分", body="{{ reason }}：共 {{ balance }}"), HTTP_HOST=HOST
    )
    assert (saved.status_code, saved["Location"]) == (302, "/admin/notifications/templates/")
    with in_tenant(brand.tenant):
        assert list(
            NotificationTemplate.objects.order_by("pk").values_list("kind", "language", "title", "body")
        ) == [
            ("points.changed", "en", "+{{ points }}", "{{ balance }} in all."),
            ("points.changed", "zh-hans", "+{{ points }} 积分", "{{ reason }}：共 {{ balance }}"),
        ]


def test_the_edit_form_previews_the_wording_with_the_kinds_sample(brand, in_tenant):
    grant(in_tenant, brand.tenant, "notifications.change_notificationtemplate")
    client = log_in()
    url = admin_urls(brand)["edit template"]
    page = client.get(url, HTTP_HOST=HOST).content.decode()
    assert "<strong data-preview-title>+120</strong>" in page
    assert "<p data-preview-body>1320 in all.</p>" in page
    edited = client.post(
        url,
        {
            "kind": "points.changed",
            "language": "en",
            "title": "Thanks: +{{ points }}",
            "body": "{{ reason }}",
        },
        HTTP_HOST=HOST,
    )
    assert edited.status_code == 302
    page = client.get(url, HTTP_HOST=HOST).content.decode()
    assert "<strong data-preview-title>Thanks: +120</strong>" in page
    assert "<p data-preview-body>Order 1001</p>" in page


def test_every_kinds_sample_renders_its_built_in_wording_in_every_language():
    kinds = registry.notification_kinds()
    assert {"points.changed", "coupon.issued", "staff.member_data_exported"} <= set(kinds)
    for kind in kinds.values():
        if kind.recipients is not None:  # sent by an event: the admin previews it with its sample
            assert kind.sample, kind.key
        for language in kind.title:
            assert services.check_wording(kind.title[language], kind.body[language], kind.sample) is None
            assert "{{" not in services.render(kind.title[language], kind.sample)


def test_each_sample_has_exactly_the_keys_its_recipients_give(make_tenant, in_tenant):
    tenant = make_tenant("keys", default_language="en").tenant
    with in_tenant(tenant):
        MemberLevel.objects.create(name="Silver", threshold_points=0)
    mei = customer(tenant, "mei@example.com")
    with in_tenant(tenant):
        member = Member.objects.get(user=mei)
        get_user_model().objects.create_user("boss", "boss@keys.example", "x", is_staff=True)
        data = {
            "points.changed": {"delta": 5, "balance": 5, "reason": "Visit"},
            "balance.changed": {"delta": -500, "balance": 1000, "reason": "Order 1"},
            "level.changed": {"level": "Gold", "previous": "Silver"},
            "member.birthday": {},
            "coupon.issued": {
                "name": "¥5 off",
                "code": "ABCDEFGHJK",
                "expires_at": "2030-12-31T00:00:00+00:00",
            },
            "coupon.expiring": {
                "name": "¥5 off",
                "code": "ABCDEFGHJK",
                "expires_at": "2030-12-31T00:00:00+00:00",
            },
            "member.data_exported": {"by": None},
        }
        for kind in registry.notification_kinds().values():
            if kind.event not in data:
                continue
            event = SimpleNamespace(subject_id=member.pk, data=data[kind.event], kind=kind.event)
            told = kind.recipients(event)
            assert told, kind.key
            for _user, context in told:
                assert set(context) == set(kind.sample), kind.key


# --- Staff alerts and the inbox -------------------------------------------------------------


def test_staff_are_told_when_a_members_data_is_downloaded(brand, in_tenant):
    with in_tenant(brand.tenant):
        users = get_user_model().objects
        owner = users.get(username="admin@perm.example")  # the brand admin provisioning invited
        clerk = users.create_user("clerk", "clerk@perm.example", "x", is_staff=True)
        users.create_user("gone", "gone@perm.example", "x", is_staff=True, is_active=False)
        member = Member.objects.get(user=brand.mei)
        members_services.record_data_export(member, acting_user=clerk)
        with TestCase.captureOnCommitCallbacks(execute=True):
            deliver_due_events()
        assert OutboxEvent.objects.get(kind="member.data_exported").status == "delivered"
        told = Notification.objects.filter(kind="staff.member_data_exported").order_by("recipient_id")
        assert list(told.values_list("recipient__username", "title", "body", "url")) == [
            (
                user.username,
                f"Member data downloaded: {member.code}",
                f"clerk downloaded the data of member {member.code} at the customer's request.",
                f"/admin/members_member/?q={member.code}",
            )
            for user in (owner, clerk)
        ]
        assert set(Delivery.objects.filter(notification__in=told).values_list("channel", "status")) == {
            ("inbox", "sent")
        }


def test_notify_staff_tells_staff_or_the_holders_of_a_permission_once(brand, in_tenant):
    context = {"member": "ABC", "by": ""}
    with in_tenant(brand.tenant):
        users = get_user_model().objects
        clerk = users.create_user("clerk", "clerk@perm.example", "x", is_staff=True)
        editor = users.get(username="editor")  # admin access through a group, not is_staff
    grant(in_tenant, brand.tenant, "notifications.view_delivery")
    with in_tenant(brand.tenant):
        everyone = services.notify_staff("staff.member_data_exported", context, idempotency_key="a")
        assert [n.recipient.username for n in everyone] == ["admin@perm.example", clerk.username]
        holders = services.notify_staff(
            "staff.member_data_exported",
            context,
            idempotency_key="b",
            permission="notifications.view_delivery",
        )
        assert [n.recipient.username for n in holders] == ["admin@perm.example", editor.username]
        services.notify_staff("staff.member_data_exported", context, idempotency_key="a")
        assert Notification.objects.filter(kind="staff.member_data_exported").count() == 4
        assert sorted(
            Notification.objects.values_list("idempotency_key", flat=True).filter(kind__startswith="staff")
        )[:2] == [f"a:{users.get(username='admin@perm.example').pk}", f"a:{clerk.pk}"]


def test_the_inbox_shows_only_the_users_own_messages_with_an_unread_count(brand, in_tenant):
    with in_tenant(brand.tenant):
        editor = get_user_model().objects.get(username="editor")
        mine = [
            services.notify(
                editor,
                "staff.member_data_exported",
                {"member": code, "by": "boss"},
                idempotency_key=f"mine-{code}",
            )
            for code in ("AAA111", "BBB222")
        ]
    client = log_in()
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert '"Inbox (2)"' in dashboard
    page = client.get("/admin/inbox/", HTTP_HOST=HOST).content.decode()
    assert page.count('class="staff-inbox__message unread"') == 2
    assert "boss downloaded the data of member AAA111 at the customer&#x27;s request." in page
    assert "You earned 5 points" not in page  # Mei's message
    assert '<a href="/admin/members_member/?q=AAA111">Open</a>' in page

    others = Notification.objects  # a customer's message: never marked from here
    with in_tenant(brand.tenant):
        meis = others.get(recipient=brand.mei).pk
    assert client.post("/admin/inbox/", {"read": meis}, HTTP_HOST=HOST).status_code == 302
    read = client.post("/admin/inbox/", {"read": mine[0].pk}, HTTP_HOST=HOST)
    assert (read.status_code, read["Location"]) == (302, "/admin/inbox/")
    with in_tenant(brand.tenant):
        assert Notification.objects.get(pk=meis).read_at is None
        unread = [n.read_at is None for n in Notification.objects.filter(recipient=editor).order_by("pk")]
        assert unread == [False, True]
    assert '"Inbox (1)"' in client.get("/admin/", HTTP_HOST=HOST).content.decode()

    client.post("/admin/inbox/", {"all": "1"}, HTTP_HOST=HOST)
    with in_tenant(brand.tenant):
        assert Notification.objects.filter(recipient=editor, read_at__isnull=True).count() == 0
        assert Notification.objects.get(pk=meis).read_at is None
    dashboard = client.get("/admin/", HTTP_HOST=HOST).content.decode()
    assert '"Inbox"' in dashboard
    assert "Inbox (" not in dashboard
    assert client.get("/admin/inbox/", HTTP_HOST=HOST).content.decode().count("unread") == 0


def test_the_inbox_is_each_tenants_own(brand, make_tenant, in_tenant):
    other = make_tenant("other", default_language="en").tenant
    with in_tenant(other):
        make_editor()
        editor = get_user_model().objects.get(username="editor")
        services.notify(
            editor, "staff.member_data_exported", {"member": "ZZZ999", "by": ""}, idempotency_key="z"
        )
    page = log_in().get("/admin/inbox/", HTTP_HOST=HOST).content.decode()
    assert "ZZZ999" not in page
    assert "No messages." in page
