"""The doors to coupons: the claim block, the claim URL and the brand admin, per tenant."""

import datetime as dt
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from core.models import OutboxEvent
from coupons import services
from coupons.admin import local_date
from coupons.blocks import CouponClaimBlock
from coupons.models import Coupon, CouponTemplate
from coupons.tests.factories import CouponTemplateFactory
from members.tests.factories import MemberFactory, MemberLevelFactory, MemberRowFactory

HOST = "lumen.localhost"


@pytest.fixture
def lumen(make_tenant, in_tenant):
    tenant = make_tenant("lumen", default_language="en").tenant
    with in_tenant(tenant):
        levels = (
            MemberLevelFactory(name="Silver", threshold_points=0),
            MemberLevelFactory(name="Gold", threshold_points=2000),
            MemberLevelFactory(name="Black", threshold_points=8000),
        )
    return tenant, levels


def logged_in_client(in_tenant, tenant, user):
    client = Client()
    with in_tenant(tenant):  # the session row lives in the tenant's schema
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def admin_client(in_tenant, tenant, host):
    with in_tenant(tenant):
        get_user_model().objects.create_superuser("boss", "boss@example.com", "boss-pass-1")
    client = Client()
    response = client.post("/admin/login/", {"username": "boss", "password": "boss-pass-1"}, HTTP_HOST=host)
    assert response.status_code == 302
    return client


def messages_of(response):
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


# --- The claim block ------------------------------------------------------------------------


def render_block(template, user, request=None):
    """As a page renders its body: with the page's context (no context processors)."""
    from django.contrib.auth.models import AnonymousUser

    request = request or RequestFactory().get("/offers/", HTTP_HOST=HOST)
    request.user = user or AnonymousUser()
    block = CouponClaimBlock()
    value = block.to_python({"coupon": str(template.pk), "heading": "", "text": "Welcome!"})
    return block.render(value, context={"request": request, "page": None, "self": None})


def test_the_block_is_personal_and_lists_only_claimable_templates(lumen, in_tenant):
    tenant, _levels = lumen
    assert CouponClaimBlock._meta_class.personal is True
    with in_tenant(tenant):
        claimable = CouponTemplateFactory(name="Welcome gift", claimable=True)
        off = CouponTemplateFactory(name="Old gift", claimable=True, is_active=False)
        CouponTemplateFactory(name="Staff only", claimable=False)
        choices = [
            (value, str(label)) for value, label in CouponClaimBlock().child_blocks["coupon"].field.choices
        ]
    assert choices == [
        ("", "- Select an option -"),
        (str(off.pk), "Old gift (off)"),
        (str(claimable.pk), "Welcome gift"),
    ]


def test_anonymous_visitors_are_invited_to_sign_up(lumen, in_tenant):
    tenant, _levels = lumen
    with in_tenant(tenant):
        template = CouponTemplateFactory(
            name="Welcome gift", claimable=True, amount_cents=1000, minimum_spend_cents=5000
        )
        html = render_block(template, None)
    assert "<h2>Welcome gift</h2>" in html
    assert "¥10.00 off · on orders of ¥50.00 or more" in html
    assert 'href="/accounts/signup/"' in html
    assert "<form" not in html
    assert "csrf" not in html  # nothing personal: the anonymous page stays cacheable


def test_members_see_a_claim_button_or_why_they_cannot_claim(lumen, in_tenant, django_assert_num_queries):
    tenant, (silver, gold, _black) = lumen
    with in_tenant(tenant):
        template = CouponTemplateFactory(name="Welcome gift", claimable=True)
        gold_only = CouponTemplateFactory(name="Gold gift", claimable=True, levels=[gold])
        member = MemberRowFactory(user__username="mei", level=silver)
        user = get_user_model().objects.get(pk=member.user_id)
        # The visitor's member row, the template, its levels, what they hold: 4, whatever the data.
        with django_assert_num_queries(4):
            can_claim = render_block(template, user)
        wrong_level = render_block(gold_only, member.user)
        services.issue_coupon(template, member, acting_user=None)
        holding = render_block(template, member.user)
        staff = UserFactory(username="clerk")
        not_a_member = render_block(template, staff)
    assert f'<form method="post" action="/account/coupons/claim/{template.pk}/">' in can_claim
    assert 'name="next" value="/offers/"' in can_claim
    assert 'name="csrfmiddlewaretoken" value="' in can_claim
    assert "“Gold gift” is only for Gold members." in wrong_level
    assert "<form" not in wrong_level
    assert "You have claimed this coupon." in holding
    assert "Only members of the programme can claim this coupon." in not_a_member


def test_the_block_shows_the_result_of_a_claim(lumen, in_tenant):
    from django.contrib import messages
    from django.contrib.messages.storage.cookie import CookieStorage

    tenant, _levels = lumen
    with in_tenant(tenant):
        template = CouponTemplateFactory(name="Welcome gift", claimable=True)
        member = MemberFactory(user__username="mei")
        request = RequestFactory().get("/offers/", HTTP_HOST=HOST)
        request._messages = CookieStorage(request)
        messages.success(request, "“Welcome gift” is yours.", extra_tags="coupon")
        messages.info(request, "Profile saved.")
        html = render_block(template, member.user, request)
    assert '<p class="message success" role="status">“Welcome gift” is yours.</p>' in html
    assert "Profile saved." not in html


def test_the_block_preview_in_the_admin_works_without_a_chosen_coupon(lumen, in_tenant):
    tenant, _levels = lumen
    client = admin_client(in_tenant, tenant, HOST)
    from wagtail.blocks import Block

    CouponClaimBlock()  # registers its definition for the preview
    block_id = next(
        key for key, block in Block.definition_registry.items() if type(block) is CouponClaimBlock
    )
    response = client.get("/admin/block-preview/", {"id": block_id}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert "Welcome coupon" in response.content.decode()


# --- Claiming -------------------------------------------------------------------------------


def test_a_member_claims_from_the_block_and_goes_back_to_the_page(
    lumen, in_tenant, django_capture_on_commit_callbacks
):
    tenant, _levels = lumen
    with in_tenant(tenant):
        template = CouponTemplateFactory(name="Welcome gift", claimable=True, per_member_limit=3)
        member = MemberFactory(user__username="mei")
    client = logged_in_client(in_tenant, tenant, member.user)
    url = f"/account/coupons/claim/{template.pk}/"
    data = {"next": "/offers/", "claim_key": "k1"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, HTTP_HOST=HOST)
    assert (response.status_code, response["Location"]) == (302, "/offers/")
    with in_tenant(tenant):
        coupon = Coupon.objects.get()
        assert (coupon.member, coupon.template) == (member, template)
        assert OutboxEvent.objects.filter(subject_id=member.pk, kind="coupon.issued").count() == 1
    until = coupon.expires_at.date().isoformat()
    assert messages_of(response) == [f"“Welcome gift” is yours: code {coupon.code}, use it by {until}."]

    client.post(url, data, HTTP_HOST=HOST)  # the same form sent twice (double click)
    with in_tenant(tenant):
        assert Coupon.objects.count() == 1
        assert CouponTemplate.objects.get().issued_count == 1


@pytest.mark.parametrize(
    ("sent", "location"),
    [
        ({"next": "/offers/", "anchor": "welcome-gift"}, "/offers/#welcome-gift"),
        ({"next": "/offers/?page=2#top", "anchor": "coupon-7"}, "/offers/?page=2#coupon-7"),
        ({"next": "/offers/"}, "/offers/"),
        ({"next": "/offers/", "anchor": 'x"><script>'}, "/offers/"),  # not an id a block can have
        ({"next": "/offers/", "anchor": "Welcome"}, "/offers/"),
        ({"next": "https://evil.example/", "anchor": "welcome-gift"}, "/#welcome-gift"),
    ],
)
def test_a_claim_goes_back_to_the_block_so_its_message_is_on_screen(lumen, in_tenant, sent, location):
    tenant, _levels = lumen
    with in_tenant(tenant):
        template = CouponTemplateFactory(name="Welcome gift", claimable=True)
        member = MemberFactory(user__username="mei")
    client = logged_in_client(in_tenant, tenant, member.user)
    response = client.post(
        f"/account/coupons/claim/{template.pk}/", {**sent, "claim_key": "k1"}, HTTP_HOST=HOST
    )
    assert (response.status_code, response["Location"]) == (302, location)
    with in_tenant(tenant):
        assert Coupon.objects.count() == 1
    # A refusal comes back to the block too: that is where it is said.
    again = client.post(f"/account/coupons/claim/{template.pk}/", {**sent, "claim_key": "k2"}, HTTP_HOST=HOST)
    assert (again.status_code, again["Location"]) == (302, location)
    assert messages_of(again)[-1] == "Each member can get “Welcome gift” 1 time(s) at most."


def test_the_block_sends_its_anchor_with_the_claim(lumen, in_tenant):
    tenant, _levels = lumen
    block = CouponClaimBlock()
    with in_tenant(tenant):
        template = CouponTemplateFactory(name="Welcome gift", claimable=True)
        member = MemberFactory(user__username="mei")
        request = RequestFactory().get("/offers/", HTTP_HOST=HOST)
        request.user = member.user
        context = {"request": request, "page": None, "self": None}
        named = block.to_python({"coupon": str(template.pk), "appearance": {"anchor": "gift"}})
        unnamed = block.to_python({"coupon": str(template.pk)})
        with_anchor = block.render(named, context=context)
        without_anchor = block.render(unnamed, context=context)
    assert '<section class="block block-coupon-claim variant-light" id="gift">' in with_anchor
    assert '<input type="hidden" name="anchor" value="gift">' in with_anchor
    # A block without an anchor of its own gets one from its coupon, so the claim lands on it.
    assert (
        f'<section class="block block-coupon-claim variant-light" id="coupon-{template.pk}">'
        in without_anchor
    )
    assert f'<input type="hidden" name="anchor" value="coupon-{template.pk}">' in without_anchor


def test_a_refused_claim_says_why_and_changes_nothing(lumen, in_tenant):
    tenant, _levels = lumen
    with in_tenant(tenant):
        template = CouponTemplateFactory(name="Staff only", claimable=False)
        member = MemberFactory(user__username="mei")
    client = logged_in_client(in_tenant, tenant, member.user)
    response = client.post(f"/account/coupons/claim/{template.pk}/", {"next": "/offers/"}, HTTP_HOST=HOST)
    assert (response.status_code, response["Location"]) == (302, "/offers/")
    assert messages_of(response) == ["“Staff only” cannot be claimed; the brand gives it out."]
    missing = client.post("/account/coupons/claim/999999/", HTTP_HOST=HOST)
    assert messages_of(missing)[-1] == "This coupon no longer exists."
    with in_tenant(tenant):
        assert (Coupon.objects.count(), CouponTemplate.objects.get().issued_count) == (0, 0)


def test_claiming_needs_a_logged_in_member_a_post_and_a_csrf_token(lumen, in_tenant):
    tenant, _levels = lumen
    with in_tenant(tenant):
        template = CouponTemplateFactory(claimable=True)
        member = MemberFactory(user__username="mei")
    url = f"/account/coupons/claim/{template.pk}/"

    anonymous = Client().post(url, HTTP_HOST=HOST)
    assert (anonymous.status_code, anonymous["Location"]) == (302, f"/accounts/login/?next={url}")
    client = logged_in_client(in_tenant, tenant, member.user)
    assert client.get(url, HTTP_HOST=HOST).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post(url, HTTP_HOST=HOST).status_code == 403
    # Never sent on to another site.
    away = client.post(url, {"next": "https://evil.example/"}, HTTP_HOST=HOST)
    assert away["Location"] == "/"
    with in_tenant(tenant):
        assert Coupon.objects.count() == 1  # only the last, valid claim


def test_a_member_of_tenant_b_cannot_claim_tenant_a_templates(lumen, make_tenant, in_tenant):
    tenant_a, _levels = lumen
    tenant_b = make_tenant("bravo", default_language="en").tenant
    with in_tenant(tenant_a):
        template = CouponTemplateFactory(name="Lumen only", claimable=True)
    with in_tenant(tenant_b):
        member_b = MemberFactory(user__username="bo")
    client = logged_in_client(in_tenant, tenant_b, member_b.user)
    response = client.post(f"/account/coupons/claim/{template.pk}/", HTTP_HOST="bravo.localhost")
    assert messages_of(response) == ["This coupon no longer exists."]
    with in_tenant(tenant_a):
        assert (Coupon.objects.count(), CouponTemplate.objects.get().issued_count) == (0, 0)
    with in_tenant(tenant_b):
        assert Coupon.objects.count() == 0


# --- The brand admin ------------------------------------------------------------------------


def test_the_admin_lists_and_searches_templates(lumen, in_tenant):
    tenant, _levels = lumen
    with in_tenant(tenant):
        CouponTemplateFactory(name="Spring coffee", total_quantity=100)
        CouponTemplateFactory(name="Autumn cake")
    client = admin_client(in_tenant, tenant, HOST)
    listing = client.get("/admin/coupons/templates/", HTTP_HOST=HOST)
    html = listing.content.decode()
    assert listing.status_code == 200
    assert "Spring coffee" in html
    assert "Autumn cake" in html
    assert "0 / 100" in html
    found = client.get("/admin/coupons/templates/", {"q": "spring"}, HTTP_HOST=HOST).content.decode()
    assert "Spring coffee" in found
    assert "Autumn cake" not in found


def test_the_admin_lists_show_future_dates_as_dates(lumen, in_tenant):
    """Not "Just now" (Wagtail's time-since for a date still to come): the date, in the staff's
    language's format."""
    tenant, _levels = lumen
    ends = dt.datetime(2027, 3, 31, 12, 0, tzinfo=dt.UTC)
    with in_tenant(tenant):
        template = CouponTemplateFactory(name="Spring coffee", valid_until=ends)
        coupon = services.issue_coupon(template, MemberFactory(user__username="mei"), acting_user=None)
    assert coupon.expires_at == ends
    client = admin_client(in_tenant, tenant, HOST)
    templates = client.get("/admin/coupons/templates/", HTTP_HOST=HOST).content.decode()
    issued = client.get("/admin/coupons/issued/", HTTP_HOST=HOST).content.decode()
    for html in (templates, issued):
        assert len(re.findall(r"<td >\s*March 31, 2027\s*</td>", html)) == 1
    assert "Just now" not in templates
    assert issued.count("Just now") == 1  # when it was issued: that one is in the past
    assert local_date(ends) == "March 31, 2027"
    with translation.override("zh-hans"):
        assert local_date(ends) == "2027年3月31日"


def template_form(**overrides):
    data = {
        "name": "Summer ¥20 off",
        "kind": "fixed",
        "amount_cents": "20",  # typed in yuan, kept in cents
        "percent": "",
        "free_item": "",
        "minimum_spend_cents": "100.00",
        "valid_from": "2030-06-01 00:00",
        "valid_until": "2030-08-31 23:59",
        "per_member_limit": "1",
        "total_quantity": "500",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_the_admin_creates_and_edits_templates(lumen, in_tenant):
    tenant, (_silver, gold, _black) = lumen
    client = admin_client(in_tenant, tenant, HOST)
    response = client.post(
        "/admin/coupons/templates/new/", template_form(levels=[str(gold.pk)]), HTTP_HOST=HOST
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with in_tenant(tenant):
        template = CouponTemplate.objects.get()
        assert (template.name, template.amount_cents, template.total_quantity, template.issued_count) == (
            "Summer ¥20 off",
            2000,
            500,
            0,
        )
        assert list(template.levels.all()) == [gold]
        CouponTemplate.objects.filter(pk=template.pk).update(issued_count=7)  # issued meanwhile

    edit_url = f"/admin/coupons/templates/edit/{template.pk}/"
    edit_form = client.get(edit_url, HTTP_HOST=HOST)
    assert edit_form.status_code == 200
    # Shown in yuan as they were typed, not in cents.
    assert edit_form.context["form"]["amount_cents"].value() == "20.00"
    assert edit_form.context["form"]["minimum_spend_cents"].value() == "100.00"
    response = client.post(
        edit_url,
        template_form(name="Summer ¥25.50 off", amount_cents="25.5", minimum_spend_cents=""),
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    with in_tenant(tenant):
        template.refresh_from_db()
        assert (
            template.name,
            template.amount_cents,
            template.minimum_spend_cents,
            template.issued_count,
        ) == (
            "Summer ¥25.50 off",
            2550,
            0,  # left empty: no minimum
            7,
        )
        assert list(template.levels.all()) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount_cents": "-5"}, "The amount must be more than 0."),
        ({"amount_cents": "0"}, "The amount must be more than 0."),
        ({"amount_cents": "abc"}, "Enter an amount such as 200 or 200.00."),
        ({"amount_cents": "20.005"}, "Use at most 2 decimal places."),
        ({"amount_cents": "10000.01"}, "The amount can be at most ¥10,000.00."),
        ({"amount_cents": ""}, "Give the amount off."),
        ({"minimum_spend_cents": "-1"}, "The amount cannot be negative."),
        ({"minimum_spend_cents": "1000000.01"}, "The amount can be at most ¥1,000,000.00."),
        (
            {"kind": "percent", "amount_cents": "", "percent": "150"},
            "The percentage must be between 1 and 100.",
        ),
        ({"valid_until": "2030-05-01 00:00"}, "The end must be after the start."),
        ({"per_member_limit": "0"}, "Each member must be able to hold at least 1."),
    ],
)
def test_the_admin_shows_bad_input_on_the_form_and_saves_nothing(lumen, in_tenant, overrides, message):
    tenant, _levels = lumen
    client = admin_client(in_tenant, tenant, HOST)
    response = client.post("/admin/coupons/templates/new/", template_form(**overrides), HTTP_HOST=HOST)
    assert response.status_code == 200
    assert [str(error) for errors in response.context["form"].errors.values() for error in errors] == [
        message
    ]
    assert message in response.content.decode()
    with in_tenant(tenant):
        assert CouponTemplate.objects.count() == 0


def test_the_admin_issues_a_template_to_a_level(lumen, in_tenant):
    tenant, (silver, gold, _black) = lumen
    with in_tenant(tenant):
        template = CouponTemplateFactory(name="Gold gift")
        for i in range(3):
            MemberRowFactory(user__username=f"gold{i}", level=gold)
        MemberRowFactory(user__username="silver0", level=silver)
    client = admin_client(in_tenant, tenant, HOST)
    url = f"/admin/coupons/templates/issue/{template.pk}/"
    form = client.get(url, HTTP_HOST=HOST)
    assert form.status_code == 200
    assert "Gold gift" in form.content.decode()
    batch = form.context["form"]["batch"].initial
    response = client.post(url, {"level": gold.pk, "batch": batch}, HTTP_HOST=HOST)
    assert (response.status_code, response["Location"]) == (302, "/admin/coupons/templates/")
    assert messages_of(response) == ["3 member(s) of Gold got “Gold gift”."]
    client.post(url, {"level": gold.pk, "batch": batch}, HTTP_HOST=HOST)  # sent twice
    with in_tenant(tenant):
        assert sorted(Coupon.objects.values_list("member__user__username", flat=True)) == [
            "gold0",
            "gold1",
            "gold2",
        ]
        assert CouponTemplate.objects.get().issued_count == 3


def test_the_admin_lists_issued_coupons_by_status(lumen, in_tenant):
    tenant, _levels = lumen
    with in_tenant(tenant):
        template = CouponTemplateFactory(name="Coffee", per_member_limit=3)
        member = MemberFactory(user__username="mei")
        usable = services.issue_coupon(template, member, acting_user=None)
        expired = services.issue_coupon(template, member, acting_user=None)
        Coupon.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client = admin_client(in_tenant, tenant, HOST)
    everything = client.get("/admin/coupons/issued/", HTTP_HOST=HOST).content.decode()
    assert usable.code in everything
    assert expired.code in everything
    only_expired = client.get("/admin/coupons/issued/", {"state": "expired"}, HTTP_HOST=HOST)
    assert only_expired.status_code == 200
    html = only_expired.content.decode()
    assert expired.code in html
    assert usable.code not in html
    assert client.get("/admin/coupons/issued/new/", HTTP_HOST=HOST).status_code == 404  # no writes here


def test_tenant_b_admin_does_not_see_tenant_a_coupons(lumen, make_tenant, in_tenant):
    tenant_a, _levels = lumen
    tenant_b = make_tenant("bravo", default_language="en").tenant
    with in_tenant(tenant_a):
        template = CouponTemplateFactory(name="Lumen secret offer")
        coupon = services.issue_coupon(template, MemberFactory(user__username="mei"), acting_user=None)
    client = admin_client(in_tenant, tenant_b, "bravo.localhost")
    templates = client.get("/admin/coupons/templates/", HTTP_HOST="bravo.localhost")
    assert templates.status_code == 200
    assert "Lumen secret offer" not in templates.content.decode()
    issued = client.get("/admin/coupons/issued/", HTTP_HOST="bravo.localhost").content.decode()
    assert coupon.code not in issued
    # Tenant A's template id means nothing (or another brand's own template) in tenant B.
    assert (
        client.get(f"/admin/coupons/templates/edit/{template.pk}/", HTTP_HOST="bravo.localhost").status_code
        == 404
    )
    assert (
        client.get(f"/admin/coupons/templates/issue/{template.pk}/", HTTP_HOST="bravo.localhost").status_code
        == 404
    )


@pytest.fixture
def page_with_claim_block(lumen, in_tenant):
    """The tenant's home page with a claim block in its body, through the page body's real block
    list (what a brand admin picks from), served on the tenant's own host by the real tenant URLs."""
    from builder.models import HomePage

    tenant, _levels = lumen
    block = HomePage._meta.get_field("body").stream_block.child_blocks["coupon_claim"]
    assert type(block) is CouponClaimBlock
    with in_tenant(tenant):
        template = CouponTemplateFactory(name="Welcome gift", claimable=True)
        home = HomePage.objects.get(slug="home")
        home.body = [
            ("coupon_claim", block.to_python({"coupon": str(template.pk), "heading": "", "text": ""}))
        ]
        home.save_revision().publish()
    return tenant, template


def test_a_member_claims_from_a_real_page_with_csrf_checks_on(page_with_claim_block, in_tenant):
    tenant, template = page_with_claim_block
    with in_tenant(tenant):
        member = MemberFactory(user__username="mei")
    client = Client(enforce_csrf_checks=True)
    with in_tenant(tenant):
        client.force_login(member.user, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/", HTTP_HOST=HOST).content.decode()
    assert f'action="/account/coupons/claim/{template.pk}/"' in page
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    claim_key = page.split('name="claim_key" value="')[1].split('"')[0]
    anchor = page.split('name="anchor" value="')[1].split('"')[0]
    assert anchor == f"coupon-{template.pk}"
    assert f'id="{anchor}"' in page
    response = client.post(
        f"/account/coupons/claim/{template.pk}/",
        {"csrfmiddlewaretoken": token, "next": "/", "claim_key": claim_key, "anchor": anchor},
        HTTP_HOST=HOST,
    )
    assert (response.status_code, response["Location"]) == (302, f"/#coupon-{template.pk}")
    after = client.get("/", HTTP_HOST=HOST).content.decode()
    with in_tenant(tenant):
        coupon = Coupon.objects.get()
    assert f"“Welcome gift” is yours: code {coupon.code}" in after
    assert "You have claimed this coupon." in after


def test_anonymous_visitors_get_the_cached_page_with_a_sign_up_link(page_with_claim_block):
    client = Client()
    first = client.get("/", HTTP_HOST=HOST)
    second = client.get("/", HTTP_HOST=HOST)
    assert 'href="/accounts/signup/"' in first.content.decode()
    assert second["X-Portal-Cache"] == "hit"


def test_a_rule_broken_at_save_time_shows_on_the_form_and_saves_nothing(lumen, in_tenant, monkeypatch):
    """Coupons issued between the form's check and the save: the service refuses, the form says so."""
    from django.core.exceptions import ValidationError

    from coupons import services

    def refuse(*args, **kwargs):
        raise ValidationError(
            {"total_quantity": "7 have already been issued; the total cannot be lower than that."}
        )

    tenant, _levels = lumen
    client = admin_client(in_tenant, tenant, HOST)
    monkeypatch.setattr(services, "save_coupon_template", refuse)
    response = client.post("/admin/coupons/templates/new/", template_form(), HTTP_HOST=HOST)
    assert response.status_code == 200
    assert response.context["form"].errors["total_quantity"] == [
        "7 have already been issued; the total cannot be lower than that."
    ]
    with in_tenant(tenant):
        assert CouponTemplate.objects.count() == 0
