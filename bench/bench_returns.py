"""Latency of the returns API beside an order read, in one run: the eligibility preview
(`GET …/returns/eligibility`), the return creation (`POST …/returns`, a new Idempotency-Key each time) and
an exchange's creation (the same, for another size: its stock is held under the variant's lock),
as p50/p99 and as a ratio to the order view (`GET /api/v1/customer/orders/{number}`) read in the same
interleaved rounds, so a neighbour's load on the machine hits every target alike. The reference read is
the first after a change of the order (the previous round's return), so the view is built, not served
from the cache; the cached read of the same version is shown beside it.

In-process (Django's test client, no network) on a temp SQLite database with `shopdesk demo --orders N`
(`--db PATH` reuses one). Each creation is cancelled right after (not timed), so the same delivered items
can go back again in the next round and the exchanged size goes back on the shelf. Creation must stay within 3× the order read (p50).

    .venv/bin/python bench/bench_returns.py --orders 2000 --rounds 200
    .venv/bin/python bench/bench_returns.py --orders 100000 --db /tmp/demo-100k.sqlite3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _server import demo_database

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LIMIT = 3.0


def prepare(db_path: Path, orders: int, data_dir: str) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_path}", "SHOPDESK_DATA_DIR": data_dir}
    if db_path.exists():
        print(f"Reusing {db_path}")
        return
    started = time.perf_counter()
    demo_database(env, orders, quiet=True)
    print(f"Built {orders:,} demo orders in {time.perf_counter() - started:.0f} s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(rounds: int, orders_to_use: int) -> dict[str, list[float]]:
    import logging

    import django

    django.setup()
    logging.getLogger("shopdesk.access").setLevel(logging.WARNING)  # one line per request: not here
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.test import Client

    from shopdesk.access.services import session_open_by_lookup
    from shopdesk.core.actors import Actor
    from shopdesk.orders.models import Order
    from shopdesk.returns.eligibility import order_returnability
    from shopdesk.returns.models import ReturnRequest
    from shopdesk.returns.resolutions import exchange_options
    from shopdesk.returns.services import return_cancel

    picked = []
    for order in Order.objects.filter(shipments__delivered_at__isnull=False).distinct().order_by("id")[:400]:
        answers = [a for a in order_returnability(order=order) if a.eligibility.allowed and a.units]
        if answers and not any(a.eligibility.needs_approval for a in answers):
            line = answers[0].line
            # Another size in stock, for the exchange target (held on creation, put back on cancel).
            swap = next((option.sku for option in exchange_options(line) if option.stock > 0), "")
            picked.append((order, line.pk, swap))
        if len(picked) >= orders_to_use:
            break
    if not picked:
        sys.exit("no delivered order with a returnable item in this demo store")
    client = Client(SERVER_NAME="127.0.0.1")
    tokens = {
        order.pk: session_open_by_lookup(
            order_number=order.number, email=order.email, client_ip="127.0.0.1"
        ).token
        for order, _line, _swap in picked
    }
    times: dict[str, list[float]] = {
        "order view read": [],
        "order view (cached)": [],
        "eligibility preview": [],
        "return creation": [],
        "exchange creation": [],
    }
    for index in range(rounds):
        order, line_id, swap = picked[index % len(picked)]
        auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens[order.pk]}"}
        base = f"/api/v1/customer/orders/{order.number}"
        started = time.perf_counter()
        response = client.get(base, **auth)
        times["order view read"].append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
        started = time.perf_counter()
        response = client.get(base, **auth)  # the same version again: served from the cache
        times["order view (cached)"].append(time.perf_counter() - started)
        started = time.perf_counter()
        response = client.get(f"{base}/returns/eligibility", **auth)
        times["eligibility preview"].append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
        body = {"lines": [{"line_id": line_id, "quantity": 1, "reason": "too_small"}], "method": "label"}
        started = time.perf_counter()
        response = client.post(
            f"{base}/returns",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            **auth,
        )
        times["return creation"].append(time.perf_counter() - started)
        assert response.status_code == 201, response.content[:300]
        created = ReturnRequest.objects.get(rma=response.json()["rma"])
        return_cancel(return_request=created, actor=Actor.customer(order.email))  # not timed
        if not swap:
            continue
        line = {"line_id": line_id, "quantity": 1, "reason": "too_small", "resolution": "exchange"}
        body = {"lines": [{**line, "exchange_sku": swap}], "method": "label"}
        started = time.perf_counter()
        response = client.post(
            f"{base}/returns",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            **auth,
        )
        times["exchange creation"].append(time.perf_counter() - started)
        assert response.status_code == 201, response.content[:300]
        created = ReturnRequest.objects.get(rma=response.json()["rma"])
        return_cancel(return_request=created, actor=Actor.customer(order.email))  # the size goes back
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=2000, help="demo orders to build (default 2000)")
    parser.add_argument("--rounds", type=int, default=200, help="interleaved rounds (default 200)")
    parser.add_argument("--db", type=Path, help="a SQLite file to build or reuse")
    parser.add_argument("--spread", type=int, default=20, help="delivered orders the rounds cycle through")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="shopdesk-bench-returns-")
    db_path = args.db or Path(data_dir) / "bench.sqlite3"
    prepare(db_path, args.orders, data_dir)
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SHOPDESK_DATA_DIR": data_dir,
            "DJANGO_SETTINGS_MODULE": "shopdesk.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    times = measure(args.rounds, args.spread)
    load = os.getloadavg()
    reference = statistics.median(times["order view read"])
    print(
        f"\n{args.rounds} rounds · load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} · {os.cpu_count()} CPUs"
    )
    print(f"{'target':<22}{'p50 ms':>9}{'p99 ms':>9}{'p50 / order read':>18}")
    for name, values in times.items():
        if not values:
            print(f"{name:<22}{'—':>9}{'—':>9}{'(no item to exchange)':>18}")
            continue
        p50, p99 = statistics.median(values), percentile(values, 0.99)
        print(f"{name:<22}{p50 * 1000:>9.1f}{p99 * 1000:>9.1f}{p50 / reference:>18.2f}")
    ratio = statistics.median(times["return creation"]) / reference
    verdict = "within" if ratio <= LIMIT else "ABOVE"
    print(f"\nReturn creation is {ratio:.2f}× an order read: {verdict} the {LIMIT:.0f}× limit.")


if __name__ == "__main__":
    main()
