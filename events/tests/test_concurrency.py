"""Real concurrency in a committed tenant, each thread on its own connection: 100 sign-ups for 20
seats, cancellations promoting the waitlist in order, double submits, daily check-ins, lottery
draws for a prize of three, and one ticket checked in at the desk 20 times at once.

PostgreSQL allows about 100 connections and other test runs share it: never more than 50 threads
at once (100 sign-ups run on 50 threads, two rounds, each round released together)."""

import threading

import pytest
from django.db import connection
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from conftest import committed_tenant, run_in_threads
from core.models import OutboxEvent
from events import selectors, services
from events.models import Campaign, DailyCheckIn, Draw, EventSession, Prize, Registration
from events.tests.factories import CampaignFactory, EventFactory
from members.models import LedgerSource, Member, PointsEntry
from members.tests.factories import MemberFactory

THREADS = 50
MEMBERS = 100


def run_in_pool(count: int, work, threads: int = THREADS) -> list:
    """work(index) for `count` indexes on `threads` threads, each on its own connection; every
    round of `threads` items is released together by a barrier. Returns what each returned or
    raised, by index."""
    assert count % threads == 0, "every round must fill the barrier"
    results, barrier = [None] * count, threading.Barrier(threads)

    def runner(first):
        from django.db import connection as thread_connection

        try:
            for index in range(first, count, threads):
                barrier.wait()
                try:
                    results[index] = work(index)
                except Exception as error:  # noqa: BLE001 - the test inspects what each item got
                    results[index] = error
        finally:
            thread_connection.close()

    pool = [threading.Thread(target=runner, args=(first,)) for first in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results


@pytest.fixture(scope="module")
def race(django_db_setup, django_db_blocker):
    """A committed tenant with 100 members."""
    with django_db_blocker.unblock(), committed_tenant("evrace") as provisioned:
        schema = provisioned.tenant.schema_name
        with schema_context(schema):
            members = [MemberFactory(user__username=f"evracer{i}") for i in range(MEMBERS)]
        yield schema, [member.pk for member in members]
        connection.set_schema_to_public()


def in_schema(schema, work):
    """work(index) in the tenant's schema, in English (a thread starts with no language active)."""

    def run(index):
        with schema_context(schema), translation.override("en"):
            return work(index)

    return run


def test_a_hundred_sign_ups_for_twenty_seats_and_cancellations_promote_the_first_in_line(
    race, django_db_blocker
):
    schema, member_pks = race
    with django_db_blocker.unblock(), schema_context(schema):
        session = EventFactory(title="Latte art", sessions=[{"capacity": 20}]).sessions.get()

    def sign_up(index):
        member = Member.objects.get(pk=member_pks[index])
        return services.sign_up(member, EventSession.objects.get(pk=session.pk))

    with django_db_blocker.unblock():
        results = run_in_pool(MEMBERS, in_schema(schema, sign_up))
        with schema_context(schema):
            assert [type(result) for result in results] == [Registration] * MEMBERS
            places = Registration.objects.filter(session=session)
            statuses = sorted(places.values_list("status", flat=True))
            assert (statuses.count("registered"), statuses.count("waitlisted"), len(statuses)) == (
                20,
                80,
                100,
            )
            assert sorted(places.values_list("member_id", flat=True)) == sorted(member_pks)  # no one twice
            assert EventSession.objects.get(pk=session.pk).registered == 20
            assert OutboxEvent.objects.filter(kind="event.registered", data__event="Latte art").count() == 20
            assert OutboxEvent.objects.filter(kind="event.waitlisted", data__event="Latte art").count() == 80
            in_line = list(
                places.filter(status="waitlisted").order_by("created_at", "pk").values_list("pk", flat=True)
            )
            leaving = list(places.filter(status="registered").order_by("pk").values_list("pk", flat=True)[:5])

    def cancel(index):
        return services.cancel_registration(Registration.objects.get(pk=leaving[index]), acting_user=None)

    with django_db_blocker.unblock():
        results = run_in_threads(5, in_schema(schema, cancel))
        with schema_context(schema):
            assert [result.status for result in results] == ["cancelled"] * 5
            places = Registration.objects.filter(session=session)
            promoted = set(places.filter(promoted_at__isnull=False).values_list("pk", flat=True))
            assert promoted == set(in_line[:5])
            assert set(places.filter(status="registered").values_list("pk", flat=True)) >= promoted
            assert (
                places.filter(status="registered").count(),
                places.filter(status="waitlisted").count(),
                places.filter(status="cancelled").count(),
            ) == (20, 75, 5)
            assert (
                list(
                    places.filter(status="waitlisted")
                    .order_by("created_at", "pk")
                    .values_list("pk", flat=True)
                )
                == in_line[5:]
            )
            assert EventSession.objects.get(pk=session.pk).registered == 20
            assert (
                OutboxEvent.objects.filter(kind="event.waitlist_promoted", data__event="Latte art").count()
                == 5
            )


def test_one_member_signing_up_twenty_times_at_once_gets_one_place(race, django_db_blocker):
    schema, member_pks = race
    with django_db_blocker.unblock(), schema_context(schema):
        session = EventFactory(title="Cupping", sessions=[{"capacity": 20}]).sessions.get()

    def sign_up(index):
        return services.sign_up(Member.objects.get(pk=member_pks[0]), EventSession.objects.get(pk=session.pk))

    with django_db_blocker.unblock():
        results = run_in_threads(20, in_schema(schema, sign_up))
        with schema_context(schema):
            place = Registration.objects.get(session=session)
            assert [result.pk for result in results] == [place.pk] * 20
            assert (place.member_id, place.status) == (member_pks[0], "registered")
            assert EventSession.objects.get(pk=session.pk).registered == 1
            assert OutboxEvent.objects.filter(kind="event.registered", data__event="Cupping").count() == 1


def test_one_member_checking_in_twenty_times_at_once_checks_in_once(race, django_db_blocker):
    schema, member_pks = race
    with django_db_blocker.unblock(), schema_context(schema):
        today = selectors.brand_today()
        before = Member.objects.get(pk=member_pks[1]).points

    def check_in(index):
        return services.check_in_today(Member.objects.get(pk=member_pks[1]), today=today)

    with django_db_blocker.unblock():
        results = run_in_threads(20, in_schema(schema, check_in))
        with schema_context(schema):
            done = [result for result in results if isinstance(result, DailyCheckIn)]
            refused = [result for result in results if isinstance(result, services.EventError)]
            assert (len(done), len(refused)) == (1, 19)
            assert {str(result) for result in refused} == {
                "You have already checked in today. Come back tomorrow!"
            }
            assert DailyCheckIn.objects.filter(member_id=member_pks[1]).count() == 1
            assert (done[0].day, done[0].streak, done[0].points) == (today, 1, 5)
            assert Member.objects.get(pk=member_pks[1]).points == before + 5
            assert (
                PointsEntry.objects.filter(member_id=member_pks[1], source=LedgerSource.CHECK_IN).count() == 1
            )


def test_thirty_draws_at_once_never_give_a_prize_more_times_than_its_quantity(race, django_db_blocker):
    """One prize of three and no "no prize" weight: the first three draws win it, the other 27
    find none left. Every draw replays to its recorded outcome."""
    schema, member_pks = race
    drawers = member_pks[10:40]
    with django_db_blocker.unblock(), schema_context(schema):
        from accounts.tests.factories import UserFactory

        campaign = CampaignFactory(
            title="Bring a friend",
            no_prize_chance=0,
            goals=[{"friends": 1, "points": 0, "draws": 1}],
            prizes=[{"name": "Bike", "quantity": 3, "chance": 1}],
        )
        for number, pk in enumerate(drawers):
            friend = UserFactory(username=f"evfriend{number}")
            services.record_invitation(campaign, Member.objects.get(pk=pk), friend)
        assert [services.draws_left(campaign, Member.objects.get(pk=pk)) for pk in drawers] == [1] * 30

    def draw(index):
        return services.draw(Campaign.objects.get(pk=campaign.pk), Member.objects.get(pk=drawers[index]))

    with django_db_blocker.unblock():
        results = run_in_threads(30, in_schema(schema, draw))
        with schema_context(schema):
            assert [type(result) for result in results] == [Draw] * 30
            bike = Prize.objects.get(campaign=campaign)
            assert bike.given == 3
            draws = list(Draw.objects.filter(campaign=campaign))
            assert (len(draws), sum(found.prize_id == bike.pk for found in draws)) == (30, 3)
            assert sum(found.prize_id is None for found in draws) == 27
            assert all(services.replay(found) == found.prize_id for found in draws)
            assert sorted(found.member_id for found in draws) == sorted(drawers)
            assert [services.draws_left(campaign, Member.objects.get(pk=pk)) for pk in drawers] == [0] * 30


def test_one_ticket_checked_in_twenty_times_at_once_checks_in_once(race, django_db_blocker):
    schema, member_pks = race
    with django_db_blocker.unblock(), schema_context(schema):
        event = EventFactory(title="Roasting", checkin_points=30)
        member = Member.objects.get(pk=member_pks[2])
        before = member.points
        ticket = services.sign_up(member, event.sessions.get()).ticket_code

    def check_in(index):
        return services.check_in(ticket, event=event, acting_user=None)

    with django_db_blocker.unblock():
        results = run_in_threads(20, in_schema(schema, check_in))
        with schema_context(schema):
            place = Registration.objects.get(ticket_code=ticket)
            done = [result for result in results if isinstance(result, Registration)]
            refused = [result for result in results if isinstance(result, services.EventError)]
            assert (len(done), len(refused)) == (1, 19)
            when = timezone.localtime(place.checked_in_at, selectors.brand_zone()).strftime("%Y-%m-%d %H:%M")
            assert {str(result) for result in refused} == {f"Already checked in at {when}."}
            assert Member.objects.get(pk=member_pks[2]).points == before + 30
            assert PointsEntry.objects.filter(idempotency_key=f"event-attended:{place.pk}").count() == 1
            assert (
                OutboxEvent.objects.filter(kind="event.checked_in", data__registration=place.pk).count() == 1
            )


def test_the_pool_runs_at_most_fifty_at_once_each_on_its_own_connection(db):
    """The helper the tests above rely on. It also makes this module ask for `db`: pytest-django
    sets the test database up only when a collected test asks for it, and the tests above use the
    committed tenant instead (conftest.committed_tenant refuses any other database)."""
    running, most, lock = 0, 0, threading.Lock()

    def work(index):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        with connection.cursor() as cursor:  # the thread's own connection
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        with lock:
            running -= 1
        return backend

    backends = run_in_pool(MEMBERS, work)
    assert most <= THREADS
    assert all(isinstance(backend, int) for backend in backends)
    assert len(set(backends)) == THREADS  # one connection per thread, kept for its second item
