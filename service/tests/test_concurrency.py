"""Real concurrency in a committed tenant, each thread on its own connection: 50 customers asking for
one slot, "any staff" with two providers, one customer's form sent many times at once, and many
satisfaction ratings of one request at once.

PostgreSQL allows about 100 connections and other test runs share it: never more than 50 threads."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import translation
from django_tenants.utils import schema_context

from accounts.tests.factories import UserFactory
from conftest import committed_tenant, run_in_threads
from core.models import OutboxEvent
from service import services
from service.models import Appointment, BookableService, Ticket, TicketEvent
from service.tests.factories import (
    BookableServiceFactory,
    LocationFactory,
    ProviderFactory,
    RequestTypeFactory,
)

CUSTOMERS = 50
NOW = dt.datetime(2026, 5, 25, tzinfo=dt.UTC)
SLOT = dt.datetime(2026, 6, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
TAKEN = "That time was just taken. Please choose another."


@pytest.fixture(scope="module")
def race(django_db_setup, django_db_blocker):
    """A committed tenant with CUSTOMERS customers and a staff user: (schema, customer pks, staff pk)."""
    with django_db_blocker.unblock(), committed_tenant("svcrace", default_language="en") as provisioned:
        schema = provisioned.tenant.schema_name
        with schema_context(schema):
            customers = [UserFactory(username=f"svcracer{i}") for i in range(CUSTOMERS)]
            desk = UserFactory(username="svcdesk", is_staff=True)
        yield schema, [customer.pk for customer in customers], desk.pk
        connection.set_schema_to_public()


@pytest.fixture
def race_schema(race, django_db_blocker):
    """The race tenant with database access open and its schema active."""
    with django_db_blocker.unblock(), schema_context(race[0]):
        yield race


def in_schema(schema, work):
    """work(index) in the tenant's schema, in English (a thread starts with no language active)."""

    def run(index):
        with schema_context(schema), translation.override("en"):
            return work(index)

    return run


def book_from_threads(schema, service_pk, customer_pks, *, key=lambda index: ""):
    def book(index):
        customer = get_user_model().objects.get(pk=customer_pks[index])
        service = BookableService.objects.get(pk=service_pk)
        return services.book_appointment(service, SLOT, user=customer, idempotency_key=key(index), now=NOW)

    return run_in_threads(len(customer_pks), in_schema(schema, book))


def outcomes(results) -> list:
    """Each thread's result as a comparable value: an appointment's pk, or the refusal's message."""
    return [
        result.pk if isinstance(result, Appointment) else f"{type(result).__name__}: {result}"
        for result in results
    ]


def test_fifty_customers_asking_for_one_slot_at_once_get_one_appointment(race_schema):
    schema, customer_pks, _ = race_schema
    fitting = BookableServiceFactory(name="Fitting")

    results = outcomes(book_from_threads(schema, fitting.pk, customer_pks))

    [appointment] = Appointment.objects.filter(service=fitting)
    assert (appointment.starts_at, appointment.status) == (SLOT, "booked")
    assert sorted(results, key=str) == sorted([appointment.pk] + [f"BookingError: {TAKEN}"] * 49, key=str)
    assert results[customer_pks.index(appointment.user_id)] == appointment.pk
    assert OutboxEvent.objects.filter(kind="appointment.booked", data__service="Fitting").count() == 1


def test_any_staff_with_two_providers_gives_exactly_two_appointments(race_schema):
    schema, customer_pks, _ = race_schema
    store = LocationFactory()
    anna, bo = ProviderFactory(location=store), ProviderFactory(location=store)
    colouring = BookableServiceFactory(name="Colouring", providers=[anna, bo])

    results = outcomes(book_from_threads(schema, colouring.pk, customer_pks))

    booked = list(Appointment.objects.filter(service=colouring).order_by("provider_id"))
    assert [(a.provider_id, a.starts_at) for a in booked] == [(anna.pk, SLOT), (bo.pk, SLOT)]
    assert len({a.user_id for a in booked}) == 2
    assert sorted(results, key=str) == sorted(
        [a.pk for a in booked] + [f"BookingError: {TAKEN}"] * 48, key=str
    )


def test_one_customer_sending_the_booking_form_twenty_times_at_once_books_once(race_schema):
    schema, customer_pks, _ = race_schema
    manicure = BookableServiceFactory(name="Manicure")  # one provider: every request waits on its lock

    results = outcomes(
        book_from_threads(schema, manicure.pk, [customer_pks[0]] * 20, key=lambda index: "form-1")
    )

    [appointment] = Appointment.objects.filter(service=manicure)
    assert results == [appointment.pk] * 20  # every response shows the booking, none "just taken"
    assert OutboxEvent.objects.filter(kind="appointment.booked", data__service="Manicure").count() == 1


def test_twenty_ratings_of_one_request_at_once_store_one(race_schema):
    schema, customer_pks, desk_pk = race_schema
    customer = get_user_model().objects.get(pk=customer_pks[0])
    ticket = services.submit_request(RequestTypeFactory(), subject="Zip", message="Broke.", user=customer)
    services.reply_to_ticket(
        ticket, "Fixed.", status="resolved", acting_user=get_user_model().objects.get(pk=desk_pk)
    )

    def rate(index):
        return services.rate_ticket(
            Ticket.objects.get(pk=ticket.pk), index % 5 + 1, f"Try {index}", acting_user=customer
        )

    results = run_in_threads(20, in_schema(schema, rate))

    rated = [result for result in results if isinstance(result, Ticket)]
    refused = [str(result) for result in results if not isinstance(result, Ticket)]
    assert (len(rated), refused) == (1, ["You have already rated this request. Thank you!"] * 19)
    winner = results.index(rated[0])
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (winner % 5 + 1, f"Try {winner}")
    assert TicketEvent.objects.filter(ticket=ticket, action="rated").count() == 1
    assert OutboxEvent.objects.filter(kind="ticket.rated", subject_id=ticket.pk).count() == 1


def test_each_thread_has_its_own_connection(db):
    """What the tests above rest on. It also makes this module ask for `db`: pytest-django sets the
    test database up only when a collected test asks for it, and the tests above use the committed
    tenant instead (conftest.committed_tenant refuses any other database)."""

    def backend(index):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    backends = run_in_threads(5, backend)
    assert all(isinstance(pid, int) for pid in backends)
    assert len(set(backends)) == 5
