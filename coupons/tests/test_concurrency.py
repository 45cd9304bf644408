"""Real concurrency: 50 threads, each on its own connection, in a committed tenant."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from conftest import committed_tenant, run_in_threads
from core.models import OutboxEvent
from coupons import services
from coupons.models import Coupon, CouponTemplate
from coupons.tests.factories import CouponTemplateFactory
from members.models import Member
from members.tests.factories import MemberFactory

THREADS = 50


@pytest.fixture(scope="module")
def race_tenant(django_db_setup, django_db_blocker):
    """A committed tenant with 50 members, one coupon to fight over, and a template with 5 left."""
    with django_db_blocker.unblock(), committed_tenant("coupons") as provisioned:
        schema = provisioned.tenant.schema_name
        with schema_context(schema):
            members = [MemberFactory(user__username=f"racer{i}") for i in range(THREADS)]
            contested = services.issue_coupon(
                CouponTemplateFactory(name="Contested"), members[0], acting_user=None
            )
            scarce = CouponTemplateFactory(name="Last five", total_quantity=5, claimable=True)
        yield schema, [m.pk for m in members], contested.code, scarce.pk
        connection.set_schema_to_public()


def test_fifty_threads_redeeming_one_coupon_redeem_it_once(race_tenant, django_db_blocker):
    schema, member_pks, code, _scarce = race_tenant

    def use(index):
        with schema_context(schema):
            owner = Member.objects.get(pk=member_pks[0])
            return services.redeem_coupon(
                code, member=owner, order_total_cents=10_000, order_reference=f"R-{index}", acting_user=None
            )

    with django_db_blocker.unblock():
        results = run_in_threads(THREADS, use)
        with schema_context(schema):
            successes = [r for r in results if isinstance(r, services.Redemption)]
            refusals = [r for r in results if isinstance(r, services.CouponError)]
            assert (len(successes), len(refusals)) == (1, THREADS - 1)
            assert all("was already used on" in str(r) for r in refusals)
            coupon = Coupon.objects.get(code=code)
            assert (coupon.status, coupon.redeemed_order_reference, coupon.discount_cents) == (
                "redeemed",
                successes[0].coupon.redeemed_order_reference,
                500,
            )


def test_fifty_threads_claiming_the_last_five_get_exactly_five(race_tenant, django_db_blocker):
    schema, member_pks, _code, scarce_pk = race_tenant

    def claim(index):
        with schema_context(schema):
            member = Member.objects.get(pk=member_pks[index])
            return services.claim_coupon(CouponTemplate.objects.get(pk=scarce_pk), member)

    with django_db_blocker.unblock():
        results = run_in_threads(THREADS, claim)
        with schema_context(schema):
            claimed = [r for r in results if isinstance(r, Coupon)]
            refused = [r for r in results if isinstance(r, services.CouponError)]
            assert (len(claimed), len(refused)) == (5, THREADS - 5)
            assert {str(r) for r in refused} == {"All 5 of “Last five” have been given out."}
            assert CouponTemplate.objects.get(pk=scarce_pk).issued_count == 5
            assert Coupon.objects.filter(template_id=scarce_pk).count() == 5
            assert len({c.member_id for c in claimed}) == 5
            # Events are recorded in the issuing transaction: one per coupon actually issued.
            assert OutboxEvent.objects.filter(kind="coupon.issued", data__template=scarce_pk).count() == 5


def test_one_member_clicking_claim_many_times_at_once_gets_their_limit(race_tenant, django_db_blocker):
    schema, member_pks, _code, _scarce = race_tenant
    with django_db_blocker.unblock(), schema_context(schema):
        now = timezone.now()
        template = CouponTemplateFactory(
            name="Two each", per_member_limit=2, claimable=True, valid_until=now + timedelta(days=3)
        )

    def claim(index):
        with schema_context(schema):
            member = Member.objects.get(pk=member_pks[1])
            return services.claim_coupon(CouponTemplate.objects.get(pk=template.pk), member)

    with django_db_blocker.unblock():
        results = run_in_threads(20, claim)
        with schema_context(schema):
            assert sum(isinstance(r, Coupon) for r in results) == 2
            assert Coupon.objects.filter(template=template, member_id=member_pks[1]).count() == 2
            assert CouponTemplate.objects.get(pk=template.pk).issued_count == 2
