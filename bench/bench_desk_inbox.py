"""Desk inbox and search latency with many tickets, served by gunicorn and measured with `wrk`, as a ratio
to a constant Django view (`/healthz`) served by the same gunicorn in the same run.

The database (a temp SQLite file, or `--database-url postgres://…/NAME` for PostgreSQL, where search is
full-text under a GIN index) is migrated and filled with `--tickets` tickets by bulk insert (reused when
it already holds them): a fifth of them with service-level due moments in the past, a seventh assigned
to the measuring agent. gunicorn runs 2 sync workers on a free loopback port; the agent signs in through
the login form (a session cookie) and gets an API token. Targets are measured in short interleaved
rounds with `wrk --latency` (Debian's package; `make bench-deps` installs it), so a neighbour's load on
the machine hits every target alike. Only loopback traffic.

    .venv/bin/python bench/bench_desk_inbox.py                          # 100,000 tickets, SQLite
    .venv/bin/python bench/bench_desk_inbox.py --database-url postgres://postgres@127.0.0.1:5432/desk_bench

Prints one table: requests per second, p50 and p99 per target and each as a ratio to the constant view
(the constant's p50 and p99 are the denominators), then the load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _server import gunicorn  # noqa: E402
from bench_order_page import _ms, _request, hardware  # noqa: E402

PASSWORD = secrets.token_urlsafe(16)  # the bench agent signs in with it, in this run only

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


def fill(tickets: int) -> tuple[float, str]:
    """Migrate and bulk-insert the tickets (in this process); returns (seconds, the agent's username)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from shopdesk.desk.enums import TicketPriority, TicketStatus, TicketTopic
    from shopdesk.desk.models import Ticket
    from shopdesk.desk.services.agents import agent_add

    call_command("migrate", verbosity=0)
    agent = agent_add(email="bench@desk.example", role="agent").user
    agent.set_password(PASSWORD)
    agent.save()
    have = Ticket.objects.count()
    if have >= tickets:
        return 0.0, agent.get_username()
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
    for index in range(have, tickets):
        words = " ".join(rng.choice(WORDS) for _ in range(40))
        subject = " ".join(rng.choice(WORDS) for _ in range(5))
        email = f"customer{index % 20_000}@example.com"
        moment = now - dt.timedelta(minutes=index)
        late = index % 5 == 0  # a fifth of them past their due moments
        due = moment + dt.timedelta(hours=-1 if late else 48)
        batch.append(
            Ticket(
                reference=f"T-B{index:07d}"[:16],
                subject=subject,
                customer_email=email,
                customer_name=f"Customer {index % 20_000}",
                channel="email",
                topic=rng.choice(topics),
                priority=TicketPriority.NORMAL,
                status=rng.choice(statuses),
                assignee=agent if index % 7 == 0 else None,
                reply_token="x" * 24,
                search_text=f"{subject} {email} {words}",
                created_at=moment,
                updated_at=moment,
                first_response_due_at=due,
                resolution_due_at=due + dt.timedelta(hours=32),
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
    # Planner statistics and the visibility map (index-only counts), as PostgreSQL's autovacuum keeps
    # them after a bulk load; on SQLite `ANALYZE` (see docs/desk.md).
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE desk_ticket" if connection.vendor == "postgresql" else "ANALYZE desk_ticket"
        )
    connection.close()
    return time.perf_counter() - started, agent.get_username()


def api_token(username: str) -> str:
    from django.contrib.auth import get_user_model

    from shopdesk.desk.services.agents import agent_token_create

    token = agent_token_create(user=get_user_model().objects.get(username=username))
    from django.db import connection

    connection.close()
    return token


def desk_session(port: int, username: str) -> str:
    """Sign in through the desk's login form, as a browser would: returns the Cookie header."""
    first = _request(port, "GET", "/desk/login/", {})
    csrf = re.search(r"csrftoken=([^;]+)", first.getheader("Set-Cookie", "")).group(1)  # type: ignore[union-attr]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "username": username, "password": PASSWORD})
    signed_in = _request(
        port,
        "POST",
        "/desk/login/",
        {"Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"},
        body,
    )
    assert signed_in.status == 302, signed_in.status
    session = re.search(r"sessionid=([^;]+)", signed_in.getheader("Set-Cookie", "")).group(1)  # type: ignore[union-attr]
    return f"csrftoken={csrf}; sessionid={session}"


def wrk_latency(
    port: int, path: str, headers: dict[str, str], *, seconds: float, threads: int, connections: int
) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(seconds, 1):.0f}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    elapsed = re.search(r"requests in ([\d.]+)(m?s|m)\b", out)
    assert elapsed is not None, out
    value, unit = float(elapsed.group(1)), elapsed.group(2)
    seconds_taken = value / 1000 if unit == "ms" else value * 60 if unit == "m" else value
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"Socket errors: connect (\d+), read \d+, write \d+, timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (
        int(timeouts.group(1)) + int(timeouts.group(2)) if timeouts else 0
    )
    return {
        "requests": requests,
        "elapsed": seconds_taken,
        "errors": errors,
        "p50": _ms(re.search(r"50%\s+([\d.]+)(us|ms|s)", out)),
        "p99": _ms(re.search(r"99%\s+([\d.]+)(us|ms|s)", out)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="default: a temp SQLite file")
    parser.add_argument("--seconds", type=float, default=6.0, help="per target, over all rounds")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds per target")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (-c)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench-deps` installs it (Debian: apt-get install wrk).")

    if args.database_url:
        database_url = args.database_url
    else:
        path = Path(tempfile.gettempdir()) / f"shopdesk-bench-desk-{args.tickets}.sqlite3"
        database_url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopdesk.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("SHOPDESK_TESTING", None)
    fill_seconds, username = fill(args.tickets)
    token = api_token(username)

    with tempfile.TemporaryDirectory(prefix="shopdesk-bench-desk-") as data_dir:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SHOPDESK_DATA_DIR": data_dir,
            "SECRET_KEY": "bench-only-" + "x" * 40,
            "LOG_LEVEL": "WARNING",
        }
        with gunicorn(env, workers=args.workers, log_level="warning") as server:
            port = server.port
            cookie = {"Cookie": desk_session(port, username)}
            bearer = {"Authorization": f"Bearer {token}"}
            targets = [
                ("constant view (/healthz)", "/healthz", {}),
                ("inbox all open, page 1", "/desk/?view=open", cookie),
                ("inbox all open, page 40", "/desk/?view=open&page=40", cookie),
                ("inbox mine", "/desk/?view=mine", cookie),
                ("inbox by topic", "/desk/?view=topic&topic=refunds", cookie),
                ("inbox breaching SLA", "/desk/?view=breaching", cookie),
                ("API tickets, page 1", "/api/v1/desk/tickets?view=open", bearer),
                ("search 'damaged scarf' (page)", "/desk/?view=all&q=damaged+scarf", cookie),
                ("search 'umbrella' (API)", "/api/v1/desk/tickets?q=umbrella", bearer),
                ("search an email (API)", "/api/v1/desk/tickets?q=customer123%40example.com", bearer),
            ]
            for _name, path, headers in targets:  # warm every worker
                for _ in range(args.workers * 2):
                    status = _request(port, "GET", path, headers).status
                    assert status == 200, (path, status)
            rounds: dict[str, list[dict]] = {name: [] for name, _, _ in targets}
            for _ in range(args.rounds):
                for name, path, headers in targets:
                    rounds[name].append(
                        wrk_latency(
                            port,
                            path,
                            headers,
                            seconds=args.seconds / args.rounds,
                            threads=args.threads,
                            connections=args.connections,
                        )
                    )

    vendor = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(
        f"# desk inbox bench: {args.tickets:,} tickets on {vendor} (fill {fill_seconds:.1f} s), gunicorn "
        f"{args.workers} sync workers, wrk -t{args.threads} -c{args.connections}, {args.seconds:.0f} s per "
        f"target in {args.rounds} interleaved rounds"
    )
    rows = []
    for name, _, _ in targets:
        runs = rounds[name]
        requests = sum(run["requests"] for run in runs)
        elapsed = sum(run["elapsed"] for run in runs)
        rows.append(
            (
                name,
                requests,
                requests / elapsed if elapsed else 0.0,
                sorted(run["p50"] for run in runs)[len(runs) // 2],
                max(run["p99"] for run in runs),  # the worse round's p99
                sum(run["errors"] for run in runs),
            )
        )
    base_p50, base_p99 = rows[0][3] or 1e-9, rows[0][4] or 1e-9
    print(
        f"{'target':<32} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'p50 ×':>7} {'p99 ×':>7} {'errors':>6}"
    )
    for name, requests, rps, p50, p99, errors in rows:
        print(
            f"{name:<32} {requests:>8,} {rps:>7.0f} {p50:>8.1f} {p99:>8.1f} {p50 / base_p50:>7.1f} "
            f"{p99 / base_p99:>7.1f} {errors:>6}"
        )
    print(f"hardware: {hardware()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
