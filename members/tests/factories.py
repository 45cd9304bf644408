"""Test data for members: levels, and member cards made the way the programme makes them.

The factories write to the current schema: call them inside `in_tenant(tenant)` /
`schema_context(...)`. They make starting rows only; points and stored value move through
members.services (add_points, top_up_balance, ...) in the test itself, so every balance has its
ledger entries.
"""

import factory

from accounts.tests.factories import UserFactory
from members import services
from members.models import Member, MemberLevel


class MemberLevelFactory(factory.django.DjangoModelFactory):
    """A level of the programme. Give `threshold_points` when the test is about thresholds; the
    default is unique and far above any a test names, so an extra level never becomes the entry level."""

    class Meta:
        model = MemberLevel

    name = factory.Sequence(lambda n: f"Level {n}")
    threshold_points = factory.Sequence(lambda n: 1_000_000 + n)


class MemberFactory(factory.django.DjangoModelFactory):
    """A member card made by members.services.enrol_member, as sign-up makes it: the entry level
    and a fresh random code. For a member placed at another level, use MemberRowFactory."""

    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, user, **fields):
        if args or fields:
            raise TypeError(
                f"enrol_member chooses the level and code; use MemberRowFactory for {sorted(fields)}"
            )
        return services.enrol_member(user)


class MemberRowFactory(factory.django.DjangoModelFactory):
    """A member row with exact fields, for fixtures that need them: a level without earning its
    points (`level=gold`), a known `code`. Balances start at 0, as on every new card."""

    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    code = factory.Sequence(lambda n: f"{n:016X}")  # 16 hex digits, like members.models.new_member_code
    level = factory.LazyFunction(lambda: MemberLevel.objects.first())  # the entry level, as enrol_member
