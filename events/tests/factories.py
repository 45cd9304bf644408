"""Test data for events: events with sessions, campaigns with goals and prizes, saved the way the
admin saves them. Write to the current schema (inside `in_tenant(...)`). Sign-ups, check-ins and
draws go through events.services in the test itself."""

import datetime as dt

import factory
from django.utils import timezone

from events.models import Campaign, CampaignGoal, Event, EventSession, Prize


class EventFactory(factory.django.DjangoModelFactory):
    """A published free event at a venue with one session tomorrow (20 seats) unless
    `sessions=[{...}, ...]` gives EventSession fields (`sessions=[]` for none)."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    venue = "Jing'an store"

    @factory.post_generation
    def sessions(event, create, extracted, **kwargs):
        if not create:
            return
        start = timezone.now() + dt.timedelta(days=1)
        for index, row in enumerate([{}] if extracted is None else extracted):
            fields = {"starts_at": start, "ends_at": start + dt.timedelta(hours=2), "capacity": 20, **row}
            EventSession.objects.create(event=event, sort_order=index, **fields)


class CampaignFactory(factory.django.DjangoModelFactory):
    """A running campaign (started an hour ago, 30 days to go) with the goals and prizes given as
    `goals=[{friends, points, draws}]` and `prizes=[{name, quantity, chance}]`."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))

    @factory.post_generation
    def goals(campaign, create, extracted, **kwargs):
        for index, row in enumerate(extracted or []):
            CampaignGoal.objects.create(campaign=campaign, sort_order=index, **row)

    @factory.post_generation
    def prizes(campaign, create, extracted, **kwargs):
        for index, row in enumerate(extracted or []):
            Prize.objects.create(campaign=campaign, sort_order=index, **row)
