"""Requests per second of the customer order API (bearer token) and the web order page (session cookie),
against a constant Django view (`/healthz`) served by the same gunicorn (2 sync workers) in the same run.

The load generator is Debian's `wrk` (`-t2 -c16`; `make bench` installs it): a Python client caps both
sides near 600 req/s and makes every ratio look better than it is. Targets are measured in short
interleaved rounds, so a neighbour's load on the machine hits every target alike. Only loopback traffic.

A temp SQLite database gets `migrate` and `shopdesk demo --orders N` (`--db PATH` reuses one).
`--before DIR` also serves the tree in DIR (e.g. `git archive main | tar -x -C DIR`) on the same
database, so one run gives the ratios before and after a change.

    .venv/bin/python bench/bench_order_page.py --orders 2000
    .venv/bin/python bench/bench_order_page.py --orders 2000 --before /tmp/shopdesk-main
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import BIN, demo_database, gunicorn

WRK = "wrk"
TARGET_RATIO = {"order API (bearer)": 0.6}


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
    demo_database(env, orders)
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


def _request(port: int, method: str, path: str, headers: dict[str, str], body: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def web_session(port: int, number: str, email: str) -> str:
    """Sign in through the lookup form, as a browser would: returns the Cookie header."""
    first = _request(port, "GET", "/orders/", {})
    csrf = re.search(r"csrftoken=([^;]+)", first.getheader("Set-Cookie", "")).group(1)  # type: ignore[union-attr]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "order_number": number, "email": email})
    signed_in = _request(
        port,
        "POST",
        "/orders/",
        {"Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"},
        body,
    )
    assert signed_in.status == 302, signed_in.status
    session = re.search(r"sessionid=([^;]+)", signed_in.getheader("Set-Cookie", "")).group(1)  # type: ignore[union-attr]
    return f"csrftoken={csrf}; sessionid={session}"


def api_token(port: int, number: str, email: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/api/v1/customer/session",
        body=json.dumps({"order_number": number, "email": email}),
        headers={"Content-Type": "application/json"},
    )
    reply = conn.getresponse()
    assert reply.status == 200, reply.read()
    return str(json.loads(reply.read())["token"])


def wrk(
    port: int, path: str, headers: dict[str, str], *, seconds: float, threads: int, connections: int
) -> dict:
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{max(seconds, 1):.0f}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    )
    out = done.stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    elapsed_text = re.search(r"requests in ([\d.]+)(m?s|m)\b", out)
    assert elapsed_text is not None, out
    value, unit = float(elapsed_text.group(1)), elapsed_text.group(2)
    elapsed = value / 1000 if unit == "ms" else value * 60 if unit == "m" else value
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(group) for group in socket_errors.groups()[0:1]) + int(socket_errors.group(4))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    return {"requests": requests, "elapsed": elapsed, "errors": errors, "p50": _ms(p50)}


def _ms(match: re.Match[str] | None) -> float:
    if match is None:
        return 0.0
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def summarise(rounds: list[dict]) -> dict[str, float]:
    requests = sum(run["requests"] for run in rounds)
    elapsed = sum(run["elapsed"] for run in rounds)
    return {
        "requests": requests,
        "rps": requests / elapsed if elapsed else 0.0,
        "p50_ms": statistics.median(run["p50"] for run in rounds),
        "errors": sum(run["errors"] for run in rounds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--db", type=Path, help="SQLite file to reuse (built when missing)")
    parser.add_argument("--seconds", type=float, default=15.0, help="per target, over all rounds")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per target")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (-c)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--before", type=Path, help="another source tree to serve on the same database")
    args = parser.parse_args()
    if shutil.which(WRK) is None:
        sys.exit("wrk is missing: `make bench` installs it (Debian: apt-get install wrk).")

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
        sources = [("this tree", env)]
        if args.before:
            python_path = os.pathsep.join(
                filter(None, [str(args.before.resolve()), env.get("PYTHONPATH", "")])
            )
            sources.insert(0, (f"before ({args.before})", {**env, "PYTHONPATH": python_path}))
        tables = [
            (label, serve_and_measure(source_env, args, number, email)) for label, source_env in sources
        ]

    for label, results in tables:
        print_table(label, results, args, number)
    print(
        f"queries: order_page selector {selector_queries}, with action eligibility {page_queries}; "
        f"whole web request {cold_queries} when the order changed, {warm_queries} when cached"
    )
    print(f"hardware: {hardware()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    sys.stdout.flush()


def serve_and_measure(
    env: dict[str, str], args: argparse.Namespace, number: str, email: str
) -> list[tuple[str, dict[str, float]]]:
    # gunicorn's output is discarded: the access log still runs, as in production, only not on screen.
    with gunicorn(env, workers=args.workers, log_level="warning") as server:
        port = server.port
        cookie = web_session(port, number, email)
        token = api_token(port, number, email)
        targets = [
            ("constant view (/healthz)", "/healthz", {}),
            ("order API (bearer)", f"/api/v1/customer/orders/{number}", {"Authorization": f"Bearer {token}"}),
            ("order page (web, cookie)", f"/orders/{number}/", {"Cookie": cookie}),
        ]
        for _name, path, headers in targets:  # warm every worker and cache
            for _ in range(args.workers * 4):
                assert _request(port, "GET", path, headers).status == 200, path
        rounds: dict[str, list[dict]] = {name: [] for name, _, _ in targets}
        for _ in range(args.rounds):
            for name, path, headers in targets:
                rounds[name].append(
                    wrk(
                        port,
                        path,
                        headers,
                        seconds=args.seconds / args.rounds,
                        threads=args.threads,
                        connections=args.connections,
                    )
                )
        return [(name, summarise(rounds[name])) for name, _, _ in targets]


def print_table(
    label: str, results: list[tuple[str, dict[str, float]]], args: argparse.Namespace, number: str
) -> None:
    base = results[0][1]["rps"]
    print()
    print(
        f"{label}: {args.orders:,} demo orders (SQLite), gunicorn {args.workers} sync workers, "
        f"wrk -t{args.threads} -c{args.connections}, {args.seconds:.0f} s per target in {args.rounds} "
        f"interleaved rounds; order {number}"
    )
    print(f"{'target':<28} {'requests':>9} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'errors':>6}")
    for name, row in results:
        ratio = row["rps"] / base if base else 0.0
        target = TARGET_RATIO.get(name)
        flag = "" if target is None else ("  ok" if ratio >= target else f"  below {target}")
        print(
            f"{name:<28} {row['requests']:>9,.0f} {row['rps']:>8.0f} {ratio:>6.2f} {row['p50_ms']:>7.1f} "
            f"{row['errors']:>6.0f}{flag}"
        )


if __name__ == "__main__":
    main()
