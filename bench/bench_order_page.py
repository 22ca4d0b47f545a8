"""Requests per second of the customer order page (web, session cookie) and order API (bearer token),
against a constant view (`/healthz`) served by the same gunicorn in the same run, plus queries per page.

A temp SQLite database gets `migrate` and `shopdesk demo --orders N` (100,000 by default; `--db PATH`
reuses a database built before). gunicorn runs 2 sync workers on a free loopback port; the load
generator is threads with http.client keep-alive connections, bounded in requests and in seconds.
Only loopback traffic.

    .venv/bin/python bench/bench_order_page.py                       # 100,000 demo orders
    .venv/bin/python bench/bench_order_page.py --orders 5000 --seconds 5
    .venv/bin/python bench/bench_order_page.py --db /tmp/orders.sqlite3   # reuse (created if missing)

Each run measures the project's settings as they are (a new SQLite connection per request), then two
variants through bench-only settings modules written to the temp dir: persistent connections
(CONN_MAX_AGE=600), and that plus `cached_db` sessions, to show what those settings would buy.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
TARGET_RATIO = 0.35


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hardware() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f"{memory_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, AttributeError):
        memory = "? RAM"
    return f"{model}, {os.cpu_count()} CPUs, {memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def prepare_database(env: dict[str, str], orders: int, db_path: Path) -> None:
    if db_path.exists():
        print(f"Reusing {db_path}")
        return
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "shopdesk"), "migrate", "-v0"], env=env, check=True, cwd=env["SHOPDESK_DATA_DIR"]
    )
    subprocess.run(
        [str(BIN / "shopdesk"), "demo", "--orders", str(orders)],
        env=env,
        check=True,
        cwd=env["SHOPDESK_DATA_DIR"],
        stdout=subprocess.DEVNULL,
    )
    print(f"Built {orders:,} demo orders in {time.perf_counter() - started:.0f} s")


def pick_order_and_count_queries(env: dict[str, str]) -> tuple[str, str, int, int, int, int]:
    """In a child process on the same database: an order with several packages, and query counts."""
    script = r"""
import django, os, sys
django.setup()
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from shopdesk.orders.models import Order
from shopdesk.orderview.builder import order_page
order = (Order.objects.annotate(n=Count("shipments", distinct=True), l=Count("lines", distinct=True))
         .filter(n__gte=2).order_by("-l", "id").first() or Order.objects.order_by("id").first())
order = Order.objects.select_related("shipping_address", "billing_address").get(pk=order.pk)
with CaptureQueriesContext(connection) as selector_only:
    order_page(order=order, with_actions=False)
order = Order.objects.select_related("shipping_address", "billing_address").get(pk=order.pk)
with CaptureQueriesContext(connection) as with_actions:
    order_page(order=order)
client = Client(SERVER_NAME="127.0.0.1")
client.post("/orders/", {"order_number": order.number, "email": order.email})
with CaptureQueriesContext(connection) as cold:
    assert client.get(f"/orders/{order.number}/").status_code == 200
with CaptureQueriesContext(connection) as warm:
    assert client.get(f"/orders/{order.number}/").status_code == 200
print(order.number, order.email, len(selector_only), len(with_actions), len(cold), len(warm))
"""
    done = subprocess.run(
        [str(BIN / "python"), "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "shopdesk.settings"},
        capture_output=True,
        text=True,
        cwd=env["SHOPDESK_DATA_DIR"],
    )
    if done.returncode:
        sys.exit(f"measuring queries failed:\n{done.stderr[-3000:]}")
    out = done.stdout.split()
    return out[-6], out[-5], int(out[-4]), int(out[-3]), int(out[-2]), int(out[-1])


class Connection:
    """A keep-alive connection that reconnects when the server closes it (gunicorn's sync workers do)."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(
        self, method: str, path: str, headers: dict[str, str], body: str | None = None
    ) -> http.client.HTTPResponse:
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                return response
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        raise RuntimeError("unreachable")


def web_session(port: int, number: str, email: str) -> str:
    """Sign in through the lookup form, as a browser would: returns the Cookie header."""
    conn = Connection(port)
    first = conn.request("GET", "/orders/", {})
    csrf = re.search(r"csrftoken=([^;]+)", first.getheader("Set-Cookie", "")).group(1)  # type: ignore[union-attr]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "order_number": number, "email": email})
    signed_in = conn.request(
        "POST",
        "/orders/",
        {"Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"},
        body,
    )
    assert signed_in.status == 302, signed_in.status
    session = re.search(r"sessionid=([^;]+)", signed_in.getheader("Set-Cookie", "")).group(1)  # type: ignore[union-attr]
    return f"csrftoken={csrf}; sessionid={session}"


def api_token(port: int, number: str, email: str) -> str:
    import json

    response = Connection(port).conn
    response.request(
        "POST",
        "/api/v1/customer/session",
        body=json.dumps({"order_number": number, "email": email}),
        headers={"Content-Type": "application/json"},
    )
    reply = response.getresponse()
    assert reply.status == 200, reply.read()
    return json.loads(reply.read())["token"]


def load(
    port: int, path: str, headers: dict[str, str], *, threads: int, seconds: float, max_requests: int
) -> dict:
    deadline_holder: list[float] = []
    latencies: list[float] = []
    errors = 0
    count = 0
    lock = threading.Lock()
    start_barrier = threading.Barrier(threads + 1)

    def worker() -> None:
        nonlocal errors, count
        conn = Connection(port)
        conn.request("GET", path, headers)  # warm the connection and the worker
        start_barrier.wait()
        mine: list[float] = []
        while time.perf_counter() < deadline_holder[0]:
            with lock:
                if count >= max_requests:
                    break
                count += 1
            began = time.perf_counter()
            response = conn.request("GET", path, headers)
            mine.append(time.perf_counter() - began)
            if response.status != 200:
                with lock:
                    errors += 1
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    started = time.perf_counter()
    deadline_holder.append(started + seconds)
    start_barrier.wait()
    started = time.perf_counter()
    for thread in pool:
        thread.join()
    return {"elapsed": time.perf_counter() - started, "latencies": latencies, "errors": errors}


def summarise(rounds: list[dict]) -> dict[str, float]:
    latencies = sorted(latency for run in rounds for latency in run["latencies"])
    elapsed = sum(run["elapsed"] for run in rounds)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95_ms": latencies[max(int(len(latencies) * 0.95) - 1, 0)] * 1000 if latencies else 0.0,
        "errors": sum(run["errors"] for run in rounds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="SQLite file to reuse (built when missing)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--max-requests", type=int, default=50_000, help="per measurement")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per measurement")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--only-project-settings", action="store_true", help="skip the runs with tuned settings"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="shopdesk-bench-page-") as tmp:
        db_path = args.db.resolve() if args.db else Path(tmp) / "bench.sqlite3"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{db_path}",
            "SHOPDESK_DATA_DIR": tmp,
            "SECRET_KEY": "bench-only-" + "x" * 40,
            "LOG_LEVEL": "WARNING",
        }
        env.pop("SHOPDESK_TESTING", None)
        prepare_database(env, args.orders, db_path)
        number, email, selector_queries, page_queries, cold_queries, warm_queries = (
            pick_order_and_count_queries(env)
        )
        configurations = [("project settings", env)]
        if not args.only_project_settings:
            Path(tmp, "bench_persistent_settings.py").write_text(
                "from shopdesk.settings import *  # noqa: F403\n"
                "DATABASES['default']['CONN_MAX_AGE'] = 600  # noqa: F405\n"
            )
            Path(tmp, "bench_tuned_settings.py").write_text(
                "from bench_persistent_settings import *  # noqa: F403\n"
                "SESSION_ENGINE = 'django.contrib.sessions.backends.cached_db'\n"
            )
            python_path = os.pathsep.join(filter(None, [tmp, env.get("PYTHONPATH", "")]))
            configurations += [
                (
                    "+ persistent DB connections",
                    {**env, "DJANGO_SETTINGS_MODULE": "bench_persistent_settings", "PYTHONPATH": python_path},
                ),
                (
                    "+ persistent connections and cached_db sessions",
                    {**env, "DJANGO_SETTINGS_MODULE": "bench_tuned_settings", "PYTHONPATH": python_path},
                ),
            ]
        tables = [
            (label, serve_and_measure(server_env, args, number, email))
            for label, server_env in configurations
        ]

    for label, results in tables:
        print_table(label, results, args, number)
    print(
        f"queries: order_page selector {selector_queries} (target ≤ 6), with action eligibility {page_queries}; "
        f"whole web request {cold_queries} when the order changed, {warm_queries} when cached"
    )
    print(f"hardware: {hardware()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    sys.stdout.flush()


def serve_and_measure(
    env: dict[str, str], args: argparse.Namespace, number: str, email: str
) -> list[tuple[str, dict[str, float]]]:
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "shopdesk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=env["SHOPDESK_DATA_DIR"],
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        cookie = web_session(port, number, email)
        token = api_token(port, number, email)
        targets = [
            ("constant view (/healthz)", "/healthz", {}),
            ("order page (web, cookie)", f"/orders/{number}/", {"Cookie": cookie}),
            ("order API (bearer)", f"/api/v1/customer/orders/{number}", {"Authorization": f"Bearer {token}"}),
        ]
        # Short interleaved rounds: a neighbour's load on the machine hits every target alike.
        rounds: dict[str, list[dict]] = {name: [] for name, _, _ in targets}
        for _ in range(args.rounds):
            for name, path, headers in targets:
                rounds[name].append(
                    load(
                        port,
                        path,
                        headers,
                        threads=args.threads,
                        seconds=args.seconds / args.rounds,
                        max_requests=args.max_requests // args.rounds,
                    )
                )
        return [(name, summarise(rounds[name])) for name, _, _ in targets]
    finally:
        server.terminate()
        server.wait(timeout=10)


def print_table(
    label: str, results: list[tuple[str, dict[str, float]]], args: argparse.Namespace, number: str
) -> None:
    base = results[0][1]["rps"]
    print()
    print(
        f"Order page, {label}: {args.orders:,} demo orders (SQLite), gunicorn {args.workers} sync workers, "
        f"{args.threads} client threads, {args.seconds:.0f} s each in {args.rounds} interleaved rounds; order {number}"
    )
    print(
        f"{'target':<28} {'requests':>9} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}"
    )
    for name, row in results:
        ratio = row["rps"] / base if base else 0.0
        flag = "" if name.startswith("constant") else ("  ok" if ratio >= TARGET_RATIO else "  below target")
        print(
            f"{name:<28} {row['requests']:>9,.0f} {row['rps']:>8.0f} {ratio:>6.2f} {row['p50_ms']:>7.1f} "
            f"{row['p95_ms']:>7.1f} {row['errors']:>6.0f}{flag}"
        )


if __name__ == "__main__":
    main()
