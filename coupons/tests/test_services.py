"""Issuing, claiming and redeeming: exact discounts, and every refusal changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import OutboxEvent
from coupons import selectors, services
from coupons.models import CODE_ALPHABET, Coupon, CouponTemplate
from coupons.services import CouponError
from coupons.tests.factories import CouponTemplateFactory
from members.tests.factories import MemberFactory, MemberLevelFactory, MemberRowFactory


def when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def tenant(make_tenant, in_tenant):
    tenant = make_tenant("lumen").tenant
    with in_tenant(tenant):
        yield tenant


@pytest.fixture
def levels(tenant):
    """Silver (everyone starts here), Gold and Black, like a typical programme."""
    return (
        MemberLevelFactory(name="Silver", threshold_points=0),
        MemberLevelFactory(name="Gold", threshold_points=2000),
        MemberLevelFactory(name="Black", threshold_points=8000),
    )


def redeem(code, member, total=10_000, order="A-1001"):
    return services.redeem_coupon(
        code, member=member, order_total_cents=total, order_reference=order, acting_user=None
    )


def assert_unused(coupon):
    coupon.refresh_from_db()
    assert (coupon.status, coupon.redeemed_at, coupon.redeemed_order_reference, coupon.discount_cents) == (
        "issued",
        None,
        "",
        None,
    )


# --- Happy paths ----------------------------------------------------------------------------


def test_issue_then_redeem_a_fixed_amount(levels, django_capture_on_commit_callbacks):
    member = MemberFactory(user__username="mei")
    template = CouponTemplateFactory(name="¥5 off", amount_cents=500, minimum_spend_cents=2000)
    with django_capture_on_commit_callbacks(execute=True):
        coupon = services.issue_coupon(template, member, acting_user=None)

    assert len(coupon.code) == 10
    assert set(coupon.code) <= set(CODE_ALPHABET)
    assert (coupon.status, coupon.expires_at, coupon.member, coupon.template) == (
        "issued",
        template.valid_until,
        member,
        template,
    )
    template.refresh_from_db()
    assert template.issued_count == 1
    event = OutboxEvent.objects.get(subject_type="member", subject_id=member.pk)
    assert event.kind == "coupon.issued"
    assert event.data == {
        "coupon": coupon.pk,
        "code": coupon.code,
        "template": template.pk,
        "name": "¥5 off",
        "value": "¥5.00 off",
        "expires_at": template.valid_until.isoformat(),
    }

    redemption = redeem(coupon.code, member, total=2000, order="A-1001")
    assert (redemption.discount_cents, redemption.free_item) == (500, "")
    coupon.refresh_from_db()
    assert (coupon.status, coupon.redeemed_order_reference, coupon.discount_cents) == (
        "redeemed",
        "A-1001",
        500,
    )
    assert coupon.redeemed_at is not None


def test_a_fixed_amount_never_takes_off_more_than_the_order(levels):
    member = MemberFactory()
    template = CouponTemplateFactory(amount_cents=5000, per_member_limit=1)
    coupon = services.issue_coupon(template, member, acting_user=None)
    assert redeem(coupon.code, member, total=3000).discount_cents == 3000


@pytest.mark.parametrize(("total", "discount"), [(1999, 299), (10_000, 1500), (6, 0), (0, 0)])
def test_a_percentage_is_rounded_down(levels, total, discount):
    member = MemberFactory()
    template = CouponTemplateFactory(name="15% off", kind="percent", percent=15)
    coupon = services.issue_coupon(template, member, acting_user=None)
    assert redeem(coupon.code, member, total=total).discount_cents == discount


def test_a_free_item_takes_nothing_off_and_names_the_item(levels):
    member = MemberFactory()
    template = CouponTemplateFactory(name="Free latte", kind="free_item", free_item="Latte")
    coupon = services.issue_coupon(template, member, acting_user=None)
    redemption = redeem(coupon.code, member, total=4500)
    assert (redemption.discount_cents, redemption.free_item) == (0, "Latte")


def test_a_code_can_be_typed_in_lower_case_with_spaces_and_dashes(levels):
    member = MemberFactory()
    coupon = services.issue_coupon(CouponTemplateFactory(), member, acting_user=None)
    typed = f" {coupon.code[:5].lower()}-{coupon.code[5:].lower()} "
    assert redeem(typed, member).coupon.pk == coupon.pk


def test_retrying_the_same_order_returns_the_first_redemption(levels):
    member = MemberFactory()
    coupon = services.issue_coupon(CouponTemplateFactory(amount_cents=800), member, acting_user=None)
    first = redeem(coupon.code, member, total=5000, order="A-7")
    coupon.refresh_from_db()
    used_at = coupon.redeemed_at
    again = redeem(coupon.code, member, total=5000, order="A-7")
    assert (again.coupon.pk, again.discount_cents) == (first.coupon.pk, 800)
    coupon.refresh_from_db()
    assert (coupon.redeemed_at, coupon.redeemed_order_reference) == (used_at, "A-7")


def test_claiming_a_claimable_template_records_the_member_as_issuer(levels):
    member = MemberFactory()
    template = CouponTemplateFactory(claimable=True)
    coupon = services.claim_coupon(template, member)
    assert (coupon.member, coupon.issued_by_id) == (member, member.user_id)


def test_issuing_again_with_the_same_key_returns_the_first_coupon(levels):
    member = MemberFactory()
    template = CouponTemplateFactory(per_member_limit=3)
    first = services.issue_coupon(template, member, acting_user=None, idempotency_key="birthday-2025")
    again = services.issue_coupon(template, member, acting_user=None, idempotency_key="birthday-2025")
    assert again.pk == first.pk
    template.refresh_from_db()
    assert (template.issued_count, Coupon.objects.count()) == (1, 1)


def test_issue_to_a_level_reports_who_got_one_and_why_not(levels):
    silver, gold, _black = levels
    gold_members = [MemberRowFactory(user__username=f"gold{i}", level=gold) for i in range(3)]
    MemberRowFactory(user__username="silver1", level=silver)
    template = CouponTemplateFactory(name="Gold gift")
    services.issue_coupon(template, gold_members[0], acting_user=None)  # already has their one

    report = services.issue_coupon_to_level(template, gold, acting_user=None, idempotency_key="may")
    assert (report.issued, report.already_issued, dict(report.skipped)) == (
        2,
        0,
        {"Each member can get “Gold gift” 1 time(s) at most.": 1},
    )
    # The same batch again (a double click): nobody gets a second one.
    again = services.issue_coupon_to_level(template, gold, acting_user=None, idempotency_key="may")
    assert (again.issued, again.already_issued, again.skipped_count) == (0, 2, 1)
    template.refresh_from_db()
    assert template.issued_count == 3
    assert sorted(Coupon.objects.values_list("member__user__username", flat=True)) == [
        "gold0",
        "gold1",
        "gold2",
    ]


def test_issue_to_a_segment_stops_at_the_total_quantity(levels):
    members = [MemberFactory(user__username=f"fan{i}") for i in range(3)]
    template = CouponTemplateFactory(name="Launch gift", total_quantity=2)
    segment = type(members[0]).objects.filter(user__username__startswith="fan")
    report = services.issue_coupon_to_members(template, segment, acting_user=None)
    assert (report.issued, dict(report.skipped)) == (2, {"All 2 of “Launch gift” have been given out.": 1})
    template.refresh_from_db()
    assert template.issued_count == 2


# --- Redemption refusals: a clear message each, and nothing changes --------------------------


def test_an_unknown_code_is_refused(levels):
    member = MemberFactory()
    coupon = services.issue_coupon(CouponTemplateFactory(), member, acting_user=None)
    with pytest.raises(CouponError) as refusal:
        redeem("NOSUCH2345", member)
    assert str(refusal.value) == "No coupon with the code NOSUCH2345."
    assert_unused(coupon)


def test_another_members_coupon_is_refused(levels):
    owner, other = MemberFactory(user__username="owner"), MemberFactory(user__username="other")
    coupon = services.issue_coupon(CouponTemplateFactory(), owner, acting_user=None)
    with pytest.raises(CouponError) as refusal:
        redeem(coupon.code, other)
    assert str(refusal.value) == f"The coupon {coupon.code} belongs to another member."
    assert_unused(coupon)


def test_a_used_coupon_is_refused_for_another_order(levels):
    member = MemberFactory()
    coupon = services.issue_coupon(CouponTemplateFactory(amount_cents=500), member, acting_user=None)
    redeem(coupon.code, member, order="A-1")
    coupon.refresh_from_db()
    used_at = coupon.redeemed_at
    with pytest.raises(CouponError) as refusal:
        redeem(coupon.code, member, order="A-2")
    assert str(refusal.value) == f"The coupon {coupon.code} was already used on {when(used_at)} (order A-1)."
    coupon.refresh_from_db()
    assert (coupon.redeemed_at, coupon.redeemed_order_reference, coupon.discount_cents) == (
        used_at,
        "A-1",
        500,
    )


def test_an_expired_coupon_is_refused_and_shown_as_expired(levels):
    member = MemberFactory()
    coupon = services.issue_coupon(CouponTemplateFactory(), member, acting_user=None)
    yesterday = timezone.now() - timedelta(days=1)
    Coupon.objects.filter(pk=coupon.pk).update(expires_at=yesterday)  # time passes
    with pytest.raises(CouponError) as refusal:
        redeem(coupon.code, member)
    assert str(refusal.value) == f"The coupon {coupon.code} expired on {when(yesterday)}."
    assert_unused(coupon)
    assert [c.pk for c in selectors.coupons_for(member).expired] == [coupon.pk]


def test_a_coupon_before_its_start_is_refused(levels):
    member = MemberFactory()
    starts = timezone.now() + timedelta(days=2)
    template = CouponTemplateFactory(valid_from=starts, valid_until=starts + timedelta(days=7))
    coupon = services.issue_coupon(template, member, acting_user=None)  # handed out ahead of the campaign
    with pytest.raises(CouponError) as refusal:
        redeem(coupon.code, member)
    assert str(refusal.value) == f"The coupon {coupon.code} can be used from {when(starts)}."
    assert_unused(coupon)


def test_an_order_below_the_minimum_spend_is_refused(levels):
    member = MemberFactory()
    coupon = services.issue_coupon(CouponTemplateFactory(minimum_spend_cents=5000), member, acting_user=None)
    with pytest.raises(CouponError) as refusal:
        redeem(coupon.code, member, total=4999)
    assert (
        str(refusal.value)
        == f"The coupon {coupon.code} needs an order of at least ¥50.00; this order is ¥49.99."
    )
    assert_unused(coupon)


@pytest.mark.parametrize(
    ("total", "order", "message"),
    [
        (-100, "A-1", "The order total cannot be negative."),
        (100_000_001, "A-1", "The order total can be at most ¥1,000,000.00."),
        (12.5, "A-1", "The order total must be a whole number of cents."),
        ("1000", "A-1", "The order total must be a whole number of cents."),
        (True, "A-1", "The order total must be a whole number of cents."),
        (1000, "  ", "Give the order reference the coupon is used on."),
        (1000, "x" * 101, "The order reference can be at most 100 characters."),
    ],
)
def test_bad_order_input_is_refused(levels, total, order, message):
    member = MemberFactory()
    coupon = services.issue_coupon(CouponTemplateFactory(), member, acting_user=None)
    with pytest.raises(CouponError) as refusal:
        redeem(coupon.code, member, total=total, order=order)
    assert str(refusal.value) == message
    assert_unused(coupon)


# --- Issue refusals -------------------------------------------------------------------------


def assert_nothing_issued(template, issued_before=0, coupons_before=0):
    template.refresh_from_db()
    assert (template.issued_count, Coupon.objects.count()) == (issued_before, coupons_before)
    assert not OutboxEvent.objects.filter(kind="coupon.issued").exists()


def test_the_per_member_limit_is_kept(levels):
    member = MemberFactory()
    template = CouponTemplateFactory(name="Two-timer", per_member_limit=2)
    services.issue_coupon(template, member, acting_user=None)
    services.issue_coupon(template, member, acting_user=None)
    with pytest.raises(CouponError) as refusal:
        services.issue_coupon(template, member, acting_user=None)
    assert str(refusal.value) == "Each member can get “Two-timer” 2 time(s) at most."
    template.refresh_from_db()
    assert (template.issued_count, Coupon.objects.count()) == (2, 2)


def test_a_used_coupon_still_counts_towards_the_limit(levels):
    member = MemberFactory()
    template = CouponTemplateFactory(name="Once")
    coupon = services.issue_coupon(template, member, acting_user=None)
    redeem(coupon.code, member)
    with pytest.raises(CouponError, match="Each member can get “Once” 1 time"):
        services.issue_coupon(template, member, acting_user=None)


def test_a_level_restriction_is_kept(levels):
    silver, gold, black = levels
    template = CouponTemplateFactory(name="Gold gift", levels=[gold, black])
    member = MemberRowFactory(level=silver)
    with pytest.raises(CouponError) as refusal:
        services.issue_coupon(template, member, acting_user=None)
    assert str(refusal.value) == "“Gold gift” is only for Gold, Black members."
    assert_nothing_issued(template)
    assert services.issue_coupon(template, MemberRowFactory(level=gold), acting_user=None).pk


def test_an_inactive_template_is_not_issued(levels):
    template = CouponTemplateFactory(name="Old offer", is_active=False)
    with pytest.raises(CouponError) as refusal:
        services.issue_coupon(template, MemberFactory(), acting_user=None)
    assert str(refusal.value) == "“Old offer” is not being given out at the moment."
    assert_nothing_issued(template)


def test_an_ended_template_is_not_issued(levels):
    ended = timezone.now() - timedelta(hours=1)
    template = CouponTemplateFactory(name="Spring", valid_from=ended - timedelta(days=30), valid_until=ended)
    with pytest.raises(CouponError) as refusal:
        services.issue_coupon(template, MemberFactory(), acting_user=None)
    assert str(refusal.value) == f"“Spring” ended on {when(ended)}."
    assert_nothing_issued(template)


def test_a_sold_out_template_is_not_issued(levels):
    template = CouponTemplateFactory(name="Last one", total_quantity=1)
    services.issue_coupon(template, MemberFactory(), acting_user=None)
    with pytest.raises(CouponError) as refusal:
        services.issue_coupon(template, MemberFactory(), acting_user=None)
    assert str(refusal.value) == "All 1 of “Last one” have been given out."
    template.refresh_from_db()
    assert (template.issued_count, Coupon.objects.count()) == (1, 1)


def test_the_callers_stale_copy_of_a_template_does_not_matter(levels):
    template = CouponTemplateFactory(name="Flash")
    CouponTemplate.objects.filter(pk=template.pk).update(is_active=False)  # switched off in the admin
    with pytest.raises(CouponError, match="is not being given out"):
        services.issue_coupon(template, MemberFactory(), acting_user=None)  # `template` still says active
    assert_nothing_issued(template)


def test_members_cannot_claim_a_template_the_brand_gives_out(levels):
    template = CouponTemplateFactory(name="Staff only", claimable=False)
    with pytest.raises(CouponError) as refusal:
        services.claim_coupon(template, MemberFactory())
    assert str(refusal.value) == "“Staff only” cannot be claimed; the brand gives it out."
    assert_nothing_issued(template)


# --- Templates: bad input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"amount_cents": -500}, {"amount_cents": ["The amount must be more than 0."]}),
        ({"amount_cents": 0}, {"amount_cents": ["The amount must be more than 0."]}),
        ({"amount_cents": 1_000_001}, {"amount_cents": ["The amount can be at most ¥10,000.00."]}),
        ({"amount_cents": None}, {"amount_cents": ["Give the amount off."]}),
        ({"kind": "percent", "percent": 0}, {"percent": ["The percentage must be between 1 and 100."]}),
        ({"kind": "percent", "percent": 101}, {"percent": ["The percentage must be between 1 and 100."]}),
        ({"kind": "percent", "percent": None}, {"percent": ["Give the percentage off, from 1 to 100."]}),
        ({"kind": "free_item", "free_item": "  "}, {"free_item": ["Say what the free item is."]}),
        ({"minimum_spend_cents": -1}, {"minimum_spend_cents": ["The minimum spend cannot be negative."]}),
        (
            {"minimum_spend_cents": 100_000_001},
            {"minimum_spend_cents": ["The minimum spend can be at most ¥1,000,000.00."]},
        ),
        ({"per_member_limit": 0}, {"per_member_limit": ["Each member must be able to hold at least 1."]}),
        (
            {"total_quantity": 0},
            {"total_quantity": ["The total quantity must be at least 1 (leave it empty for no limit)."]},
        ),
        ({"valid_until": "the start"}, {"valid_until": ["The end must be after the start."]}),
    ],
)
def test_bad_templates_are_refused_with_the_field_to_fix(tenant, fields, errors):
    now = timezone.now()
    values = {"name": "Bad", "kind": "fixed", "amount_cents": 500, "valid_from": now}
    values.update(fields)
    values["valid_until"] = now if fields.get("valid_until") == "the start" else now + timedelta(days=7)
    with pytest.raises(ValidationError) as refusal:
        services.save_coupon_template(CouponTemplate(**values), acting_user=None)
    assert refusal.value.message_dict == errors
    assert CouponTemplate.objects.count() == 0


def test_a_template_keeps_only_its_kinds_value(tenant):
    template = services.save_coupon_template(
        CouponTemplateFactory.build(kind="percent", percent=20, amount_cents=500, free_item="Mug"),
        acting_user=None,
    )
    template.refresh_from_db()
    assert (template.amount_cents, template.percent, template.free_item) == (None, 20, "")


def test_saving_a_stale_template_keeps_the_real_issued_count(levels):
    template = CouponTemplateFactory(name="Offer", total_quantity=10)
    stale = CouponTemplate.objects.get(pk=template.pk)  # an admin opens the edit form
    services.issue_coupon(template, MemberFactory(), acting_user=None)
    services.issue_coupon(template, MemberFactory(), acting_user=None)
    stale.name = "Offer (renamed)"
    services.save_coupon_template(stale, acting_user=None)
    template.refresh_from_db()
    assert (template.name, template.issued_count) == ("Offer (renamed)", 2)

    stale.total_quantity = 1
    with pytest.raises(ValidationError) as refusal:
        services.save_coupon_template(stale, acting_user=None)
    assert refusal.value.message_dict == {
        "total_quantity": ["2 have already been issued; the total cannot be lower than that."]
    }
    template.refresh_from_db()
    assert template.total_quantity == 10


def test_the_database_refuses_overselling_and_a_redeemed_coupon_without_a_date(levels):
    template = CouponTemplateFactory(total_quantity=1)
    coupon = services.issue_coupon(template, MemberFactory(), acting_user=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        CouponTemplate.objects.filter(pk=template.pk).update(issued_count=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Coupon.objects.filter(pk=coupon.pk).update(status="redeemed")
    with pytest.raises(IntegrityError), transaction.atomic():
        CouponTemplate.objects.filter(pk=template.pk).update(amount_cents=-1)


def test_expiring_coupons_lists_unused_ones_ending_soon(levels):
    member = MemberFactory()
    now = timezone.now()
    soon = CouponTemplateFactory(name="Soon", valid_until=now + timedelta(days=3), per_member_limit=2)
    later = CouponTemplateFactory(name="Later", valid_until=now + timedelta(days=20))
    ending = services.issue_coupon(soon, member, acting_user=None)
    used = services.issue_coupon(soon, member, acting_user=None)
    redeem(used.code, member)
    services.issue_coupon(later, member, acting_user=None)
    assert [c.pk for c in selectors.expiring_coupons(7)] == [ending.pk]
    with pytest.raises(ValueError, match="whole number of days"):
        selectors.expiring_coupons(-1)


def test_a_coupon_is_released_only_by_the_order_that_used_it_and_only_once(tenant):
    member = MemberFactory()
    coupon = services.issue_coupon(CouponTemplateFactory(), member, acting_user=None)
    services.redeem_coupon(
        coupon.code, member=member, order_total_cents=10_000, order_reference="A-1", acting_user=None
    )
    assert services.release_coupon(coupon, order_reference="B-2", acting_user=None) is False
    assert services.release_coupon(coupon, order_reference="A-1", acting_user=None) is True
    assert services.release_coupon(coupon, order_reference="A-1", acting_user=None) is False
    coupon.refresh_from_db()
    assert (coupon.status, coupon.redeemed_at, coupon.redeemed_order_reference, coupon.discount_cents) == (
        "issued",
        None,
        "",
        None,
    )
