"""Points ledger throughput: operations per second with 1 and 16 concurrent clients, on one member
(every client queues on the same row lock) and on many members (one each).

Writes bench/results/ledger.json; `drift` is the largest |balance - ledger sum| over every member
afterwards and must be 0. The benchmark tenant is removed at the end.
"""

import threading
import time
import uuid

from _django import setup_django, write_results

SECONDS = 5


def main():
    setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django_tenants.utils import schema_context

    from members import services
    from members.models import LedgerSource, Member
    from tenants import schemas
    from tenants import services as tenant_services
    from tenants.models import Agency

    agency, _ = Agency.objects.get_or_create(name="Benchmark Agency")
    label = f"ledger{uuid.uuid4().hex[:6]}"
    tenant = tenant_services.provision_tenant(
        "Ledger bench", f"{label}.bench.localhost", "member-mall", "b@bench.example", agency=agency
    ).tenant
    schema = tenant.schema_name
    try:
        with schema_context(schema):
            members = []
            for i in range(16):
                user = get_user_model().objects.create_user(f"m{i}", f"m{i}@bench.example")
                member = services.enrol_member(user)
                services.add_points(
                    member, 1_000_000, reason="Start", source=LedgerSource.MANUAL, idempotency_key="start"
                )
                members.append(member.pk)
        connection.close()

        def run(clients: int, one_member: bool) -> float:
            counts = [0] * clients
            stop = time.perf_counter() + SECONDS
            barrier = threading.Barrier(clients)

            def client(index):
                from django.db import connection as own

                with schema_context(schema):
                    all_members = list(Member.objects.filter(pk__in=members).order_by("pk"))
                    barrier.wait()
                    n = 0
                    while time.perf_counter() < stop:
                        # One member: every client queues on the same row lock. Many: each operation
                        # goes to another member, so clients rarely wait for each other.
                        member = all_members[0] if one_member else all_members[(index + n) % len(all_members)]
                        key = f"{index}-{n}-{uuid.uuid4().hex[:6]}"
                        if n % 2:
                            services.spend_points(member, 3, reason="Bench spend", idempotency_key=key)
                        else:
                            services.add_points(
                                member, 5, reason="Bench earn", source=LedgerSource.ORDER, idempotency_key=key
                            )
                        n += 1
                    counts[index] = n
                own.close()

            threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return sum(counts) / SECONDS

        figures = {}
        for clients in (1, 16):
            for one_member in (True, False):
                name = f"ops_per_s_{clients}_client{'s' if clients > 1 else ''}_{'one_member' if one_member else 'many_members'}"
                figures[name] = round(run(clients, one_member), 1)
                print(f"  {name}: {figures[name]}")

        with schema_context(schema):
            drift = max(
                abs(value)
                for pk in members
                for value in services.ledger_drift(Member.objects.get(pk=pk)).values()
            )
    finally:
        connection.set_schema_to_public()
        schemas.drop_schema(schema)
        tenant.delete()

    write_results(
        "ledger",
        {
            **figures,
            "drift": drift,
            "operation": "alternating add_points(5) / spend_points(3), each its own transaction with a row lock",
            "seconds_per_run": SECONDS,
        },
    )


if __name__ == "__main__":
    main()
