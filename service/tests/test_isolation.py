"""One brand's service desk is invisible to another: request types, requests, their attachments (and
the files, in the brand's own media folder), locations, services, providers and appointments. The
customer has the same id in both schemas here, so only the schema tells the two apart."""

import datetime as dt
import os
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import UserFactory
from service import selectors, services
from service.models import Appointment, Attachment, BookableService, Location, Provider, RequestType, Ticket
from service.tests.factories import (
    BookableServiceFactory,
    LocationFactory,
    ProviderFactory,
    RequestTypeFactory,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
NOW = dt.datetime(2026, 5, 25, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 6, 1)
TEN = dt.datetime(2026, 6, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def user_with_id(pk):
    """A user of the current schema with this id (the same id as a user of the other brand)."""
    return get_user_model().objects.filter(pk=pk).first() or UserFactory(id=pk, username="namesake")


@pytest.fixture
def brands(make_tenant, in_tenant):
    alpha = make_tenant("isoalpha", default_language="en").tenant
    beta = make_tenant("isobeta", default_language="en").tenant
    return alpha, beta


def test_requests_and_their_files_stay_in_their_brand(brands, in_tenant, settings):
    alpha, beta = brands
    with in_tenant(alpha):
        mei = UserFactory(username="mei")
        repair = RequestTypeFactory(name="Alpha repair", slug="alpha-repair")
        ticket = services.submit_request(
            repair,
            subject="Zip broke",
            message="Photo attached.",
            user=mei,
            files=[SimpleUploadedFile("zip.png", PNG)],
        )
        visitor = services.submit_request(repair, subject="Hours?", message="When?", email="lin@example.com")
        attachment = Attachment.objects.get(message__ticket=ticket)
        name = attachment.file.name
        assert attachment.file.path == os.path.join(settings.MEDIA_ROOT, alpha.schema_name, name)
        assert name.startswith("private/service/")
        assert default_storage.exists(name)
    try:
        with in_tenant(beta):
            namesake = user_with_id(mei.pk)
            assert repair.slug not in [kind.slug for kind in selectors.request_types_for(namesake)]
            assert selectors.request_type_by_slug("alpha-repair") is None
            assert list(selectors.tickets_of(namesake)) == []
            assert selectors.customer_ticket(namesake, ticket.pk) is None
            assert selectors.ticket_by_follow_key(visitor.follow_key) is None
            assert selectors.ticket_by_follow_key(ticket.follow_key) is None
            assert selectors.staff_ticket(ticket.pk) is None
            assert not Attachment.objects.filter(pk=attachment.pk).exists()
            assert not default_storage.exists(name)  # beta's folder has no such file
            with pytest.raises(Ticket.DoesNotExist):
                services.reply_as_customer(ticket, "Hello from beta", acting_user=namesake)
            with pytest.raises(Ticket.DoesNotExist):
                services.add_note(ticket, "Note from beta", acting_user=UserFactory(is_staff=True))
            assert (Ticket.objects.count(), RequestType.objects.filter(slug="alpha-repair").count()) == (0, 0)
        with in_tenant(alpha):
            ticket.refresh_from_db()
            assert list(ticket.messages.values_list("body", flat=True)) == ["Photo attached."]
    finally:
        with in_tenant(alpha):
            default_storage.delete(name)


def test_locations_services_providers_and_appointments_stay_in_their_brand(brands, in_tenant):
    alpha, beta = brands
    with in_tenant(alpha):
        store = LocationFactory(name="Alpha Jing'an")
        stylist = ProviderFactory(name="Alpha stylist", location=store)
        fitting = BookableServiceFactory(name="Alpha fitting", slug="alpha-fitting", providers=[stylist])
        mei = UserFactory(username="mei")
        booked = services.book_appointment(fitting, TEN, user=mei, now=NOW)
    with in_tenant(beta):
        namesake = user_with_id(mei.pk)
        own = ProviderFactory(name="Beta stylist", id=stylist.pk + 1)  # alpha's id is not beta's provider
        cut = BookableServiceFactory(name="Beta cut", slug="beta-cut", providers=[own])
        assert own.pk != stylist.pk
        assert [service.slug for service in selectors.bookable_services(namesake)] == ["beta-cut"]
        assert selectors.bookable_service_by_slug("alpha-fitting") is None
        assert not Location.objects.filter(name__startswith="Alpha").exists()
        assert not Provider.objects.filter(pk=stylist.pk).exists()
        assert list(selectors.appointments_of(namesake)) == []
        assert selectors.customer_appointment(namesake, booked.code) is None
        # Alpha's provider id means nothing here: no slots, no booking.
        assert services.available_slots(cut, MONDAY, MONDAY, provider_id=stylist.pk, now=NOW) == []
        with pytest.raises(services.BookingError, match=r"^Nobody gives “Beta cut” at the moment\.$"):
            services.book_appointment(cut, TEN, user=namesake, provider_id=stylist.pk, now=NOW)
        with pytest.raises(Appointment.DoesNotExist):
            services.cancel_appointment(booked, now=NOW, acting_user=UserFactory(is_staff=True))
        assert Appointment.objects.count() == 0
        assert BookableService.objects.filter(slug="alpha-fitting").count() == 0
        # Beta's own booking at the same time is free: alpha's appointment does not take it.
        assert services.book_appointment(cut, TEN, user=namesake, now=NOW).provider == own
    with in_tenant(alpha):
        booked.refresh_from_db()
        assert (booked.status, Appointment.objects.count()) == ("booked", 1)
