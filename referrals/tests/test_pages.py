"""The referral programme's customer pages, through the real HTTP client on a provisioned brand's
host: the link (/r/<code>/) and attribution through the real sign-up form, the dashboard in My
account (becoming a promoter, withdrawals, a referrer's code), the poster, My account's section, and
isolation between brands."""

import datetime as dt
import re
import urllib.parse
import zoneinfo

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.db.models import F
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.invitations import COOKIE as INVITATION_COOKIE
from accounts.tests.factories import PASSWORD, UserFactory
from core.models import OutboxEvent
from core.outbox import deliver_due_events
from mall import services as shop
from mall.tests.factories import ProductFactory, line, place
from members.models import Member
from members.qr import text_qr_svg as qr_svg
from members.tests.factories import MemberFactory
from referrals import services
from referrals.models import CommissionEntry, Promoter, Referral, ReferralSettings, Withdrawal
from referrals.tests import factories

HOST = {"HTTP_HOST": "refer.localhost"}
DASHBOARD = "/account/referral/"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def tenant(make_tenant, in_tenant):
    provisioned = make_tenant(
        "refer", name="Lumen Tea", default_language="en", time_zone="Asia/Shanghai"
    ).tenant
    with in_tenant(provisioned):
        yield provisioned


def in_public():
    return schema_context(get_public_schema_name())  # tenants are made from the public schema


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:  # the session row lives in the tenant's schema (the test is in it)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def get(client, path, host=HOST, **extra):
    client.cookies.pop("messages", None)  # messages_of(response) reads this request's messages only
    return client.get(path, **host, **extra)


def post(client, path, data=None, host=HOST, **extra):
    client.cookies.pop("messages", None)
    return client.post(path, data or {}, **host, **extra)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def deliver():
    with TestCase.captureOnCommitCallbacks(execute=True):
        deliver_due_events()


def sign_up(client, email, host=HOST):
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}, **host
    )
    assert response.status_code == 302
    return response


def set_programme(**fields) -> ReferralSettings:
    settings = ReferralSettings.load()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def named_promoter(first_name="Wang") -> Promoter:
    return factories.promoter(MemberFactory(user=UserFactory(first_name=first_name, last_name="Mei")))


def text_of(response) -> str:
    """The page's text, tags and repeated spaces removed, entities decoded."""
    import html

    content = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def texts(response, css_class: str) -> list[str]:
    """The text of every element carrying `css_class` (no nested element of the same tag)."""
    import html

    found = re.findall(
        rf'<(\w+)[^>]*class="(?:[^"]*\s)?{css_class}(?:\s[^"]*)?"[^>]*>(.*?)</\1>',
        response.content.decode(),
        flags=re.S,
    )
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", inner)).split()) for _tag, inner in found]


# --- The link and attribution ----------------------------------------------------------------------


def test_a_friend_who_opens_the_link_and_signs_up_is_the_promoters_referral(tenant):
    promoter = named_promoter()
    friend = Client()
    opened = get(friend, f"/r/{promoter.code}/")
    assert (opened.status_code, opened["Location"]) == (302, "/")
    cookie = opened.cookies[INVITATION_COOKIE]
    assert cookie["max-age"] == 30 * 86400
    assert "no-cache" in opened["Cache-Control"]
    assert "X-Portal-Cache" not in opened

    sign_up(friend, "lin@example.com")
    deliver()
    referral = Referral.objects.get()
    assert (referral.promoter, referral.customer.user.email, referral.via) == (
        promoter,
        "lin@example.com",
        Referral.Via.LINK,
    )
    assert referral.visited_at is not None


def test_the_qr_poster_link_refers_through_qr_and_a_lower_case_code_works(tenant):
    promoter = named_promoter()
    friend = Client()
    opened = get(friend, f"/r/{promoter.code.lower()}/?via=qr")
    assert (opened.status_code, opened["Location"]) == (302, "/")
    sign_up(friend, "lin@example.com")
    deliver()
    assert list(Referral.objects.values_list("promoter", "via")) == [(promoter.pk, Referral.Via.QR)]


def test_the_link_goes_on_to_a_local_next_path_only(tenant):
    promoter = named_promoter()
    expected = {
        "/shop/?sort=new": "/shop/?sort=new",
        "https://evil.example/": "/",
        "//evil.example/shop/": "/",
        "shop/": "/",
    }
    for target, location in expected.items():
        query = urllib.parse.urlencode({"next": target})
        assert get(Client(), f"/r/{promoter.code}/?{query}")["Location"] == location


def test_an_unknown_or_inactive_code_goes_home_and_remembers_nothing(tenant):
    suspended = named_promoter()
    services.suspend_promoter(suspended, reason="Spam", acting_user=None)
    set_programme(requires_approval=True)
    waiting = factories.promoter()
    assert waiting.status == Promoter.Status.APPLIED
    friend = Client()
    for code in ("NOSUCHCODE", suspended.code, waiting.code, "%20"):
        opened = get(friend, f"/r/{code}/")
        assert (opened.status_code, opened["Location"]) == (302, "/")
        assert INVITATION_COOKIE not in opened.cookies
    sign_up(friend, "lin@example.com")
    deliver()
    assert Referral.objects.count() == 0
    assert Member.objects.filter(user__email="lin@example.com").count() == 1  # enrolled all the same


def test_a_friend_who_signs_up_after_the_window_is_nobodys_referral(tenant):
    set_programme(link_days=1)
    promoter = named_promoter()
    friend = Client()
    opened = get(friend, f"/r/{promoter.code}/")
    assert opened.cookies[INVITATION_COOKIE]["max-age"] == 86400
    sign_up(friend, "lin@example.com")
    # The friend signed up two days after opening the link (the browser kept the cookie anyway).
    OutboxEvent.objects.filter(kind="customer.signed_up").update(
        created_at=F("created_at") + dt.timedelta(days=2)
    )
    deliver()
    assert Referral.objects.count() == 0
    assert Member.objects.filter(user__email="lin@example.com").count() == 1


def test_a_logged_in_visitor_is_not_remembered(tenant):
    promoter = named_promoter()
    customer = client_for(MemberFactory().user)
    opened = get(customer, f"/r/{promoter.code}/")
    assert (opened.status_code, opened["Location"]) == (302, "/")
    assert INVITATION_COOKIE not in opened.cookies
    assert Referral.objects.count() == 0


def test_the_first_link_a_visitor_opened_counts(tenant):
    first, second = named_promoter("Wang"), named_promoter("Zhao")
    friend = Client()
    assert INVITATION_COOKIE in get(friend, f"/r/{first.code}/").cookies
    assert INVITATION_COOKIE not in get(friend, f"/r/{second.code}/").cookies
    sign_up(friend, "lin@example.com")
    deliver()
    assert Referral.objects.get().promoter == first


def test_every_visitor_gets_their_own_cookie_the_page_cache_never_answers(tenant, settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 300
    promoter = named_promoter()
    for _visitor in range(2):
        opened = get(Client(), f"/r/{promoter.code}/")
        assert INVITATION_COOKIE in opened.cookies
        assert "X-Portal-Cache" not in opened


# --- Becoming a promoter ---------------------------------------------------------------------------


def test_a_member_gets_a_referral_link_at_once(tenant):
    member = MemberFactory(user=UserFactory(first_name="Wang"))
    client = client_for(member.user)
    page = get(client, DASHBOARD)
    assert page.status_code == 200
    content = text_of(page)
    assert (
        "Commission is yours once the return window has passed: 7 days after the order is completed."
        in content
    )
    assert "Withdraw it to your account from ¥50.00." in content
    assert texts(page, "referral-join") == ["Get my referral link"]
    assert "referral-link" not in page.content.decode()

    joined = post(client, "/account/referral/join/")
    assert (joined.status_code, joined["Location"]) == (302, DASHBOARD)
    assert messages_of(joined) == ["Your referral link is ready. Share it with friends!"]
    promoter = Promoter.objects.get()
    assert (promoter.member, promoter.status) == (member, Promoter.Status.ACTIVE)

    page = get(client, DASHBOARD)
    content = page.content.decode()
    link = f"http://refer.localhost/r/{promoter.code}/"
    assert f'id="referral-link" type="url" value="{link}"' in content
    assert texts(page, "referral-code") == [promoter.code]
    assert str(qr_svg(f"{link}?via=qr")) in content
    assert texts(page, "referral-share-text") == [
        f"I shop at Lumen Tea and I think you'll like it too. Join through my link: {link}"
    ]
    assert texts(page, "stat-referred") == ["0"]
    assert texts(page, "stat-available") == ["¥0.00"]

    again = post(client, "/account/referral/join/")
    assert (again.status_code, messages_of(again)) == (302, [])
    assert Promoter.objects.count() == 1
    assert OutboxEvent.objects.filter(kind="referral.promoter_joined").count() == 1


def test_the_brands_share_text_replaces_the_built_in_one(tenant):
    set_programme(share_text="Our oolong is the best in town!")
    promoter = named_promoter()
    page = get(client_for(promoter.member.user), DASHBOARD)
    assert texts(page, "referral-share-text") == [
        f"Our oolong is the best in town! http://refer.localhost/r/{promoter.code}/"
    ]


def test_with_approval_a_member_applies_waits_and_may_apply_again(tenant):
    set_programme(requires_approval=True)
    member = MemberFactory()
    client = client_for(member.user)
    assert texts(get(client, DASHBOARD), "referral-join") == [
        "Our team reviews each application. Apply to become a promoter"
    ]
    applied = post(client, "/account/referral/join/")
    assert messages_of(applied) == ["Thank you! We'll let you know when your application is approved."]
    promoter = Promoter.objects.get()
    assert promoter.status == Promoter.Status.APPLIED
    page = get(client, DASHBOARD)
    assert texts(page, "referral-status-applied") == [
        "Your application is waiting for approval. We'll let you know as soon as your link is ready."
    ]
    assert "referral-join" not in page.content.decode()
    assert "referral-link" not in page.content.decode()

    services.reject_promoter(promoter, reason="Not yet", acting_user=None)
    page = get(client, DASHBOARD)
    assert texts(page, "referral-status-rejected") == [
        "Your application was not approved. You are welcome to apply again."
    ]
    assert texts(page, "referral-join") == ["Our team reviews each application. Apply again"]
    post(client, "/account/referral/join/")
    promoter.refresh_from_db()
    assert promoter.status == Promoter.Status.APPLIED

    services.approve_promoter(promoter, acting_user=None)
    assert f"/r/{promoter.code}/" in get(client, DASHBOARD).content.decode()
    services.suspend_promoter(promoter, reason="Spam", acting_user=None)
    page = get(client, DASHBOARD)
    assert texts(page, "referral-status-suspended") == [
        "Your referral link is paused: new friends and orders earn no commission for now. "
        "Commission already settled is still yours to withdraw."
    ]
    assert f"/r/{promoter.code}/" not in page.content.decode()
    assert texts(page, "stat-referred") == ["0"]  # figures and withdrawals stay


def test_a_closed_programme_makes_no_promoters(tenant):
    set_programme(enabled=False)
    member = MemberFactory()
    client = client_for(member.user)
    page = get(client, DASHBOARD)
    assert "The referral programme is closed at the moment." in text_of(page)
    assert "referral-join" not in page.content.decode()
    refused = post(client, "/account/referral/join/")
    assert (refused.status_code, messages_of(refused)) == (302, ["The referral programme is closed."])
    assert Promoter.objects.count() == 0


def test_visitors_are_sent_to_log_in_and_posts_need_a_csrf_token(tenant):
    visitor = get(Client(), DASHBOARD)
    assert (visitor.status_code, visitor["Location"]) == (302, "/accounts/login/?next=/account/referral/")
    for path in ("/account/referral/join/", "/account/referral/withdraw/", "/account/referral/code/"):
        refused = post(Client(), path)
        assert (refused.status_code, refused["Location"]) == (302, "/accounts/login/?next=/account/referral/")
    member = MemberFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post("/account/referral/join/", **HOST).status_code == 403
    assert client.post("/account/referral/code/", {"code": "ABCDEFGH"}, **HOST).status_code == 403
    assert Promoter.objects.count() == 0
    promoter = factories.promoter(member)
    withdrawal = {"amount": "50.00", "pay_to": "Alipay 13800000000", "idempotency_key": "key-1"}
    assert client.post("/account/referral/withdraw/", withdrawal, **HOST).status_code == 403
    assert (Withdrawal.objects.count(), balances(promoter)) == (0, (0, 0, 0))


# --- Commission on the dashboard and withdrawals ---------------------------------------------------


def paid_order(customer, cents: int):
    """`customer` buys one item of `cents`, paid in store; the order.paid event is delivered."""
    product = ProductFactory(skus=[{"price_cents": cents, "stock": 10}])
    order = place(customer, line(product.skus.get()), payment_provider="in_store")
    shop.record_payment_in_store(order, acting_user=None)
    deliver()
    order.refresh_from_db()
    return order


def settled(order):
    """The order is completed and its return window has passed: its commission is settled."""
    shop.ship_order(order, acting_user=None)
    shop.complete_order(order, acting_user=None)
    deliver()
    services.settle_due_commissions(now=timezone.now() + dt.timedelta(days=8))


def promoter_with_available(cents: int) -> Promoter:
    """A promoter whose referral's order earned `cents` of settled commission (10% rule)."""
    factories.rule(second_tier=0)
    promoter = named_promoter()
    settled(paid_order(factories.referred(promoter), cents * 10))
    promoter.refresh_from_db()
    assert (promoter.available_cents, promoter.pending_cents) == (cents, 0)
    return promoter


def withdraw(client, amount, pay_to="Alipay 13800000000", key="key-1"):
    return post(
        client, "/account/referral/withdraw/", {"amount": amount, "pay_to": pay_to, "idempotency_key": key}
    )


def balances(promoter) -> tuple:
    promoter.refresh_from_db()
    return promoter.available_cents, promoter.held_cents, promoter.withdrawn_cents


def test_the_dashboard_lists_referred_customers_orders_and_history(tenant):
    factories.rule(second_tier=0)
    promoter = named_promoter()
    lin = factories.referred(promoter, MemberFactory(user=UserFactory(first_name="Lin")))
    factories.referred(promoter, MemberFactory(user=UserFactory(first_name="Zhou")), via=Referral.Via.CODE)
    first = paid_order(lin, 20_000)
    settled(first)
    second = paid_order(lin, 5_000)
    page = get(client_for(promoter.member.user), DASHBOARD)
    assert page.status_code == 200
    today = timezone.localdate(timezone=SHANGHAI)
    assert texts(page, "referral-customer") == [
        f"Z** ¥0.00 Joined {today:%Y-%m-%d} · Code typed in · 0 orders",
        f"L** ¥25.00 Joined {today:%Y-%m-%d} · Referral link · 2 orders",
    ]
    settled_on = timezone.localdate(timezone.now() + dt.timedelta(days=8), timezone=SHANGHAI)
    assert texts(page, "referral-order") == [
        f"{second.number} ¥5.00 {today:%Y-%m-%d} · ¥50.00 paid Pending: the order is not completed yet",
        f"{first.number} ¥20.00 {today:%Y-%m-%d} · ¥200.00 paid Settled on {settled_on:%Y-%m-%d}",
    ]
    assert texts(page, "entry-kind") == ["Earned (pending)", "Settled", "Earned (pending)"]
    assert [row.split(" ", 1)[0] for row in texts(page, "referral-entry")] == ["Earned", "Settled", "Earned"]
    assert [
        texts(page, f"stat-{name}")[0]
        for name in ("referred", "ordering", "pending", "available", "held", "withdrawn")
    ] == [
        "2",
        "1",
        "¥5.00",
        "¥20.00",
        "¥0.00",
        "¥0.00",
    ]
    # ¥20.00 is available but the smallest withdrawal is ¥50.00: no form yet.
    assert "referral-withdraw-form" not in page.content.decode()
    assert "Available: ¥20.00. You can withdraw from ¥50.00." in text_of(page)


def test_withdrawal_requests_refused_clearly_change_nothing_and_a_good_one_waits_for_staff(tenant):
    promoter = promoter_with_available(10_000)
    client = client_for(promoter.member.user)
    page = get(client, DASHBOARD)
    assert "referral-withdraw-form" in page.content.decode()
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', page.content.decode())

    refusals = {
        ("20.00", "Alipay 13800000000"): "The smallest withdrawal is ¥50.00.",
        ("500", "Alipay 13800000000"): "You can withdraw at most ¥100.00.",
        ("60.00", ""): "Say where the money should go.",
    }
    for (amount, pay_to), reason in refusals.items():
        refused = withdraw(client, amount, pay_to)
        assert refused.status_code == 400
        assert texts(refused, "referral-errors") == [reason]
        assert f'value="{amount}"' in refused.content.decode()  # what was typed stays
    unreadable = {
        "abc": "Enter the amount in yuan, like 50.00.",
        "50.123": "Enter the amount in yuan, like 50.00.",
        "-50": "Enter the amount in yuan, like 50.00.",
        "1e3": "Enter the amount in yuan, like 50.00.",
        "0.00": "Enter an amount above zero.",
        "": "Enter the amount you want to withdraw, like 50.00.",
    }
    for amount, problem in unreadable.items():
        refused = withdraw(client, amount)
        assert refused.status_code == 400
        assert texts(refused, "referral-errors") == [
            "Nothing was asked: check the amount and where to pay it."
        ]
        assert texts(refused, "referral-field-error") == [problem]
    assert (Withdrawal.objects.count(), balances(promoter)) == (0, (10_000, 0, 0))
    assert CommissionEntry.objects.filter(kind="withdrawal_requested").count() == 0

    asked = withdraw(client, "¥ 50.00", key="first")
    assert (asked.status_code, asked["Location"]) == (302, f"{DASHBOARD}#withdrawals")
    assert messages_of(asked) == ["You asked to withdraw ¥50.00. We'll let you know when it is paid."]
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.amount_cents, withdrawal.pay_to, withdrawal.status) == (
        5_000,
        "Alipay 13800000000",
        "requested",
    )
    assert balances(promoter) == (5_000, 5_000, 0)
    double_click = withdraw(client, "¥ 50.00", key="first")
    assert double_click.status_code == 302
    assert (Withdrawal.objects.count(), balances(promoter)) == (1, (5_000, 5_000, 0))

    page = get(client, DASHBOARD)
    assert "referral-withdraw-form" not in page.content.decode()
    today = timezone.localdate(timezone=SHANGHAI)
    assert texts(page, "referral-open-withdrawal") == [
        f"You asked to withdraw ¥50.00 on {today:%Y-%m-%d}, to be paid to Alipay 13800000000. "
        "We'll let you know when it is paid. You can ask again after that."
    ]
    assert texts(page, "referral-withdrawal") == [
        f"{today:%Y-%m-%d} ¥50.00 To Alipay 13800000000 Waiting for staff"
    ]
    assert texts(page, "stat-held") == ["¥50.00"]

    second = withdraw(client, "50.00", key="second")
    assert second.status_code == 400
    assert texts(second, "referral-errors") == ["You already have a withdrawal waiting for staff."]
    assert (Withdrawal.objects.count(), balances(promoter)) == (1, (5_000, 5_000, 0))

    services.pay_withdrawal(withdrawal, reference="AP-2026-0001", acting_user=None)
    page = get(client, DASHBOARD)
    assert texts(page, "referral-withdrawal") == [
        f"{today:%Y-%m-%d} ¥50.00 To Alipay 13800000000 Paid on {today:%Y-%m-%d} (reference AP-2026-0001)"
    ]
    assert "referral-withdraw-form" in page.content.decode()  # ¥50.00 left: the form is back
    assert [texts(page, f"stat-{name}")[0] for name in ("available", "held", "withdrawn")] == [
        "¥50.00",
        "¥0.00",
        "¥50.00",
    ]


def test_only_promoters_withdraw(tenant):
    client = client_for(MemberFactory().user)
    refused = withdraw(client, "50.00")
    assert (refused.status_code, messages_of(refused)) == (302, ["Only promoters can withdraw commission."])
    assert Withdrawal.objects.count() == 0


def test_the_dashboard_costs_the_same_queries_for_one_referral_and_five(tenant):
    factories.rule(second_tier=0)
    ReferralSettings.load()  # made once, as any earlier visit would have

    def queries_for(promoter) -> int:
        client = client_for(promoter.member.user)
        get(client, DASHBOARD)  # the session is warm
        with CaptureQueriesContext(connection) as captured:
            page = get(client, DASHBOARD)
        assert page.status_code == 200
        return len(captured)

    counts = []
    for referrals in (1, 5):
        promoter = named_promoter()
        for _index in range(referrals):
            paid_order(factories.referred(promoter), 10_000)
        page = get(client_for(promoter.member.user), DASHBOARD)
        assert len(texts(page, "referral-customer")) == referrals
        assert len(texts(page, "referral-order")) == referrals
        counts.append(queries_for(promoter))
    assert counts[0] == counts[1]
    assert counts[0] <= 19  # session, member, settings, promoter, referrer, figures, four lists


# --- A referrer's code -----------------------------------------------------------------------------


def enter(client, code):
    return post(client, "/account/referral/code/", {"code": code})


def test_a_new_member_names_whoever_recommended_us_by_their_code(tenant):
    promoter = named_promoter("Wang")
    newcomer = MemberFactory()
    client = client_for(newcomer.user)
    page = get(client, DASHBOARD)
    assert "Who recommended us?" in text_of(page)

    unknown = enter(client, "NOSUCH")
    assert messages_of(unknown) == ["There is no active referral code “NOSUCH”."]
    empty = enter(client, "   ")
    assert messages_of(empty) == ["Enter the referral code of whoever recommended us."]
    assert Referral.objects.count() == 0

    added = enter(client, f" {promoter.code.lower()} ")
    assert (added.status_code, added["Location"]) == (302, DASHBOARD)
    assert messages_of(added) == ["Thank you! W** recommended us to you."]
    referral = Referral.objects.get()
    assert (referral.customer, referral.promoter, referral.via) == (newcomer, promoter, Referral.Via.CODE)
    page = get(client, DASHBOARD)
    assert texts(page, "referral-referred-by") == ["Referred by W**"]
    assert "Who recommended us?" not in text_of(page)

    other = named_promoter("Zhao")
    again = enter(client, other.code)
    assert messages_of(again) == ["You were already referred by someone; a customer has one referrer."]
    assert Referral.objects.get().promoter == promoter


def test_ones_own_code_and_a_circle_are_refused(tenant):
    promoter = named_promoter("Wang")
    own = enter(client_for(promoter.member.user), promoter.code)
    assert messages_of(own) == ["You cannot use your own referral code."]

    friend = factories.referred(promoter, MemberFactory(user=UserFactory(first_name="Lin")))
    friends_link = factories.promoter(friend)
    circle = enter(client_for(promoter.member.user), friends_link.code)
    assert messages_of(circle) == [
        "This code belongs to someone you referred: referrals cannot go in a circle."
    ]
    assert list(Referral.objects.values_list("customer", "promoter")) == [(friend.pk, promoter.pk)]


def test_the_code_form_is_for_the_first_days_only(tenant):
    promoter = named_promoter()
    old_hand = MemberFactory()
    Member.objects.filter(pk=old_hand.pk).update(joined_at=timezone.now() - dt.timedelta(days=31))
    client = client_for(old_hand.user)
    assert "Who recommended us?" not in text_of(get(client, DASHBOARD))
    late = enter(client, promoter.code)
    assert messages_of(late) == ["A referral code can only be added in your first days as a member."]
    assert Referral.objects.count() == 0


# --- The poster and My account ---------------------------------------------------------------------


def test_the_poster_shows_the_brand_a_qr_code_of_the_link_the_code_and_the_text(tenant):
    promoter = named_promoter()
    page = get(client_for(promoter.member.user), "/account/referral/poster/")
    assert page.status_code == 200
    link = f"http://refer.localhost/r/{promoter.code}/"
    assert texts(page, "poster-brand") == ["Lumen Tea"]
    assert texts(page, "poster-code") == [promoter.code]
    assert texts(page, "poster-text") == [
        "I shop at Lumen Tea and I think you'll like it too. Join through my link:"
    ]
    assert str(qr_svg(f"{link}?via=qr")) in page.content.decode()

    member = client_for(MemberFactory().user)
    refused = get(member, "/account/referral/poster/")
    assert (refused.status_code, refused["Location"]) == (302, DASHBOARD)
    assert messages_of(refused) == ["Your poster is ready once you have an active referral link."]


def test_my_account_sums_up_the_referral_programme(tenant):
    promoter = named_promoter()
    factories.referred(promoter)
    section = texts(get(client_for(promoter.member.user), "/account/"), "account-referral")
    assert section == [
        f"Recommend us Your code {promoter.code}: 1 friend referred. ¥0.00 available, ¥0.00 pending. My referrals"
    ]
    newcomer = client_for(MemberFactory().user)
    account = get(newcomer, "/account/")
    assert texts(account, "account-referral") == [
        "Recommend us Share your link with friends and earn commission on what they buy. Get my referral link"
    ]
    assert 'href="/account/referral/"' in account.content.decode()
    set_programme(requires_approval=True)
    assert texts(get(newcomer, "/account/"), "account-referral") == [
        "Recommend us Share your link with friends and earn commission on what they buy. Apply to become a promoter"
    ]
    set_programme(enabled=False)
    assert "account-referral" not in get(newcomer, "/account/").content.decode()


# --- Isolation between brands ----------------------------------------------------------------------


def test_another_brands_codes_links_and_dashboards_mean_nothing_here(tenant, make_tenant, in_tenant):
    here = {"HTTP_HOST": "refer.localhost"}
    there = {"HTTP_HOST": "other.localhost"}
    with in_public():
        other = make_tenant("other", default_language="en").tenant
    with in_tenant(other):
        foreign = named_promoter("Zhao")
        foreign_member = foreign.member
        factories.referred(foreign)
        foreign_client = client_for(foreign_member.user)
        assert texts(get(foreign_client, DASHBOARD, host=there), "stat-referred") == ["1"]
        # A visitor on the other brand's portal opens its promoter's link.
        visitor = Client()
        assert INVITATION_COOKIE in get(visitor, f"/r/{foreign.code}/", host=there).cookies
    with in_tenant(tenant):
        # Here, a promoter with the very same code: only the cookie's signature, bound to the
        # brand, keeps the other brand's visit from counting for them.
        local = named_promoter("Wang")
        Promoter.objects.filter(pk=local.pk).update(code=foreign.code)
        sign_up(visitor, "lin@example.com", host=here)
        deliver()
        assert Referral.objects.count() == 0

        # The other brand's code means nothing here when nobody has it.
        Promoter.objects.filter(pk=local.pk).update(code="LOCALCODE")
        opened = get(Client(), f"/r/{foreign.code}/", host=here)
        assert (opened.status_code, INVITATION_COOKIE in opened.cookies) == (302, False)
        newcomer = client_for(MemberFactory().user)
        refused = post(newcomer, "/account/referral/code/", {"code": foreign.code}, host=here)
        assert messages_of(refused) == [f"There is no active referral code “{foreign.code}”."]
        assert Referral.objects.count() == 0

        # The other brand's customer's session means nothing here: no dashboard, no withdrawal.
        page = get(foreign_client, DASHBOARD, host=here)
        assert (page.status_code, page["Location"]) == (302, "/accounts/login/?next=/account/referral/")
        refused = post(foreign_client, "/account/referral/withdraw/", {"amount": "50"}, host=here)
        assert refused["Location"] == "/accounts/login/?next=/account/referral/"
        # A customer here sees only this brand's figures.
        mine = get(client_for(local.member.user), DASHBOARD, host=here)
        assert texts(mine, "stat-referred") == ["0"]
        assert foreign.code not in mine.content.decode()
    with in_tenant(other):
        assert Referral.objects.count() == 1
        assert Withdrawal.objects.count() == 0
