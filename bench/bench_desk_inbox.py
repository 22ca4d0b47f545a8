"""Desk inbox and search latency with many tickets, as a ratio to a constant view in the same run.

The database (a temp SQLite file, or `--database-url postgres://…/NAME` for PostgreSQL) is migrated and
filled with `--tickets` tickets by bulk insert (reused when it already holds them). Requests go through
Django's full middleware stack in-process (the test client, signed in as an agent), so the figures are
server time without the network. Bounded in rounds; loopback only (nothing leaves the process).

    .venv/bin/python bench/bench_desk_inbox.py                          # 100,000 tickets, SQLite
    .venv/bin/python bench/bench_desk_inbox.py --database-url postgres://postgres@127.0.0.1:5432/desk_bench

Prints one table: p50/p99 per page for /healthz, inbox pages 1 and 40 of "all open", "mine", a topic,
and search through the inbox and the desk API.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "parcel",
    "arrived",
    "damaged",
    "scarf",
    "shirt",
    "refund",
    "return",
    "label",
    "tracking",
    "customs",
    "duties",
    "invoice",
    "size",
    "colour",
    "coupon",
    "points",
    "address",
    "cancel",
    "change",
    "delivery",
    "late",
    "lost",
    "courier",
    "warehouse",
    "exchange",
    "broken",
    "missing",
    "wrong",
    "order",
    "payment",
    "declined",
    "verify",
    "umbrella",
    "jacket",
    "boots",
    "socks",
    "gift",
    "card",
    "wholesale",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=60, help="requests per measured page (default 60)")
    parser.add_argument("--database-url", default="", help="default: a temp SQLite file")
    args = parser.parse_args()

    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        path = Path(tempfile.gettempdir()) / f"shopdesk-bench-desk-{args.tickets}.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopdesk.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from shopdesk.desk.enums import TicketStatus, TicketTopic
    from shopdesk.desk.models import Ticket
    from shopdesk.desk.services.agents import agent_add, agent_token_create

    call_command("migrate", verbosity=0)
    agent = agent_add(email="bench@desk.example", role="agent").user
    have = Ticket.objects.count()
    fill_seconds = 0.0
    if have < args.tickets:
        started = time.perf_counter()
        rng = random.Random(1)
        statuses = [
            TicketStatus.NEW,
            TicketStatus.OPEN,
            TicketStatus.PENDING,
            TicketStatus.SOLVED,
            TicketStatus.CLOSED,
        ]
        topics = TicketTopic.values
        now = timezone.now()
        batch: list[Ticket] = []
        for index in range(have, args.tickets):
            words = " ".join(rng.choice(WORDS) for _ in range(40))
            subject = " ".join(rng.choice(WORDS) for _ in range(5))
            email = f"customer{index % 20_000}@example.com"
            moment = now - dt.timedelta(minutes=index)
            batch.append(
                Ticket(
                    reference=f"T-B{index:07d}"[:16],
                    subject=subject,
                    customer_email=email,
                    customer_name=f"Customer {index % 20_000}",
                    channel="email",
                    topic=rng.choice(topics),
                    status=rng.choice(statuses),
                    assignee=agent if index % 7 == 0 else None,
                    reply_token="x" * 24,
                    search_text=f"{subject} {email} {words}",
                    created_at=moment,
                    updated_at=moment,
                )
            )
            if len(batch) == 5000:
                Ticket.objects.bulk_create(batch)
                batch = []
        if batch:
            Ticket.objects.bulk_create(batch)
        if connection.vendor == "postgresql":  # what the services keep for every ticket they write
            from django.contrib.postgres.search import SearchVector

            Ticket.objects.filter(search_vector__isnull=True).update(
                search_vector=SearchVector("search_text", config="english")
            )
        # Planner statistics, as PostgreSQL's autovacuum keeps them (on SQLite: `ANALYZE`, see docs/desk.md).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE desk_ticket")
        fill_seconds = time.perf_counter() - started

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(agent)
    token = agent_token_create(user=agent)
    api_headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    pages = [
        ("/healthz (constant view)", "/healthz", {}),
        ("inbox all open, page 1", "/desk/?view=open", {}),
        ("inbox all open, page 40", "/desk/?view=open&page=40", {}),
        ("inbox mine", "/desk/?view=mine", {}),
        ("inbox by topic", "/desk/?view=topic&topic=refunds", {}),
        ("search 'damaged scarf' (page)", "/desk/?view=all&q=damaged+scarf", {}),
        ("search 'umbrella' (API)", "/api/v1/desk/tickets?q=umbrella", api_headers),
        ("search order-less email (API)", "/api/v1/desk/tickets?q=customer123%40example.com", api_headers),
    ]
    results = []
    for label, url, headers in pages:
        for _ in range(3):  # warm caches
            assert client.get(url, **headers).status_code == 200, url
        samples = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            response = client.get(url, **headers)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        samples.sort()
        p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
        results.append((label, statistics.median(samples), p99))

    base_p50 = results[0][1]
    print(
        f"# desk inbox bench: {Ticket.objects.count():,} tickets on {connection.vendor}, {args.rounds} requests per row"
    )
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs; fill {fill_seconds:.1f} s"
    )
    print(f"{'page':<34} {'p50 ms':>8} {'p99 ms':>8} {'p50 / constant':>15}")
    for label, p50, p99 in results:
        print(f"{label:<34} {p50:>8.1f} {p99:>8.1f} {p50 / base_p50:>15.1f}")


if __name__ == "__main__":
    main()
