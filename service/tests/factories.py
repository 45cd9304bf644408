"""Test data for the service desk, saved the way the admin saves it. Write to the current schema
(inside `in_tenant(...)`). Requests, replies and bookings go through service.services in the test
itself."""

import datetime as dt

import factory

from service.models import (
    BookableService,
    Location,
    OpeningHours,
    Provider,
    RequestField,
    RequestType,
    SlaTarget,
)


class RequestTypeFactory(factory.django.DjangoModelFactory):
    """An active request type for everyone. `fields=[{label, kind, required, choices}]` adds form
    fields; `sla={"normal": (first response hours, resolution hours)}` adds targets."""

    class Meta:
        model = RequestType
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Request type {n}")
    slug = factory.Sequence(lambda n: f"request-type-{n}")

    @factory.post_generation
    def fields(request_type, create, extracted, **kwargs):
        for index, row in enumerate(extracted or []):
            RequestField.objects.create(request_type=request_type, sort_order=index, **row)

    @factory.post_generation
    def sla(request_type, create, extracted, **kwargs):
        for index, (priority, (first, resolution)) in enumerate((extracted or {}).items()):
            SlaTarget.objects.create(
                request_type=request_type,
                sort_order=index,
                priority=priority,
                first_response_hours=first,
                resolution_hours=resolution,
            )


class LocationFactory(factory.django.DjangoModelFactory):
    """A location open 9:00–17:00 every day (`hours=[(weekday, "09:00", "17:00"), ...]` instead)."""

    class Meta:
        model = Location
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Store {n}")
    time_zone = "Asia/Shanghai"

    @factory.post_generation
    def hours(location, create, extracted, **kwargs):
        rows = extracted if extracted is not None else [(day, "09:00", "17:00") for day in range(7)]
        for index, (weekday, opens, closes) in enumerate(rows):
            OpeningHours.objects.create(
                location=location,
                sort_order=index,
                weekday=weekday,
                opens=dt.time.fromisoformat(opens),
                closes=dt.time.fromisoformat(closes),
            )


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Stylist {n}")
    location = factory.SubFactory(LocationFactory)


class BookableServiceFactory(factory.django.DjangoModelFactory):
    """A free 60-minute service with slots every 60 minutes, bookable from now (no lead time) up to
    30 days ahead, given by `providers=[...]` (one new provider at a new location by default)."""

    class Meta:
        model = BookableService
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    duration_minutes = 60
    slot_step_minutes = 60
    lead_time_hours = 0
    evaluation_aspects = "Skill, Friendliness"

    @factory.post_generation
    def providers(service, create, extracted, **kwargs):
        if not create:
            return
        service.providers.set(extracted if extracted is not None else [ProviderFactory()])
        service.save()
