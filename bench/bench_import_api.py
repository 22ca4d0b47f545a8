"""Orders per second through the store API's bulk endpoint, on SQLite and on PostgreSQL.

For each database and size: a fresh database (a temp SQLite file, or a PostgreSQL database
`bench_api_<pid>` created and dropped here), `migrate`, a token, a real gunicorn on a free loopback
port, the catalog first, then the orders POSTed to /api/v1/store/bulk in batches. Orders are
generated deterministically (same seed, same orders). Only loopback traffic.

    .venv/bin/python bench/bench_import_api.py                    # 10,000 and 100,000 orders, both databases
    .venv/bin/python bench/bench_import_api.py --sizes 10000 --databases sqlite
    .venv/bin/python bench/bench_import_api.py --before main      # also the code of `main`, same run

`--before REF` measures the code of a git revision (`git archive REF`, unpacked into a temporary
directory and put first on PYTHONPATH, with this checkout's virtualenv) right before this checkout,
for each database and size, so both figures share the machine's load of the moment.

Beside wall time it prints the CPU time per order of the server side (gunicorn workers, and the
PostgreSQL processes serving them, read from /proc on Linux): a figure that a busy machine changes far
less than orders per second. `--sizes 2000` is a quick run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import BIN, ROOT, gunicorn

READY = "/api/v1/openapi.json"  # answered once the API's routes are loaded
PRODUCTS = 200
SIZES_PER_PRODUCT = ("S", "M", "L", "XL")
COUNTRIES = ("US", "US", "US", "CA", "GB", "DE", "AU")


# --- deterministic data ------------------------------------------------------------------------
def products() -> list[dict[str, Any]]:
    return [
        {
            "type": "product",
            "external_id": f"bench-p{n}",
            "name": f"Bench shirt {n}",
            "category": "bench",
            "variants": [
                {"sku": f"B{n:04d}-{size}", "size": size, "price": f"{20 + n % 60}.00", "stock": 100}
                for size in SIZES_PER_PRODUCT
            ],
        }
        for n in range(PRODUCTS)
    ]


def order(serial: int, rng: random.Random) -> dict[str, Any]:
    lines = []
    for sku in rng.sample(range(PRODUCTS * len(SIZES_PER_PRODUCT)), rng.randint(1, 3)):
        product, size = divmod(sku, len(SIZES_PER_PRODUCT))
        lines.append(
            {
                "sku": f"B{product:04d}-{SIZES_PER_PRODUCT[size]}",
                "quantity": rng.randint(1, 3),
                "unit_price": f"{20 + product % 60}.00",
            }
        )
    subtotal = sum(int(line["unit_price"].split(".")[0]) * line["quantity"] for line in lines)
    total = f"{subtotal}.00"
    country = rng.choice(COUNTRIES)
    return {
        "type": "order",
        "number": f"KW{serial:08d}",
        "email": f"shopper{serial % 20000}@example.com",
        "placed_at": f"2026-0{1 + serial % 9}-{1 + serial % 28:02d}T{serial % 24:02d}:00:00Z",
        "shipping_address": {
            "name": f"Shopper {serial}",
            "line1": f"{serial} Main Street",
            "city": "Springfield",
            "postcode": "12345",
            "country": country,
        },
        "lines": lines,
        "total": total,
        "payments": [
            {
                "external_id": f"pay-{serial}",
                "method": "card",
                "amount": total,
                "amount_authorised": total,
                "amount_captured": total,
                "state": "captured",
            }
        ],
    }


def order_batches(count: int, size: int) -> Iterator[list[dict[str, Any]]]:
    rng = random.Random(20260302)
    batch: list[dict[str, Any]] = []
    for serial in range(1, count + 1):
        batch.append(order(serial, rng))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- the server ----------------------------------------------------------------------------------
def shopdesk(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "shopdesk"), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"shopdesk {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextmanager
def database(kind: str, workdir: Path, admin_url: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    import psycopg

    name = f"bench_api_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def code_of(ref: str | None) -> Iterator[Path]:
    """This checkout, or the tree of `ref` unpacked from `git archive`."""
    if ref is None:
        yield ROOT
        return
    with tempfile.TemporaryDirectory(prefix="shopdesk-before-") as tmp:
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        yield Path(tmp)


def post_bulk(base: str, token: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"{base}/api/v1/store/bulk",
        data=json.dumps({"items": items}).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
        body: dict[str, Any] = json.load(response)
    if body["summary"]["error"]:
        first = next(r for r in body["results"] if r["status"] == "error")
        sys.exit(f"bulk item failed: {first}")
    return body


# --- CPU time: less sensitive to other work on the machine than wall time ------------------------------
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux /proc), or None when it can't be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def workers_of(master: int) -> list[int]:
    try:
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def backends_of(admin_url: str, url: str) -> list[int]:
    """The PostgreSQL server processes serving the bench database (persistent connections)."""
    if not url.startswith("postgres"):
        return []
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (url.rsplit("/", 1)[1],)
        ).fetchall()
    return [int(row[0]) for row in rows]


def cpu_snapshot(pids: list[int]) -> dict[int, float]:
    return {pid: cpu for pid in pids if (cpu := process_cpu(pid)) is not None}


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    # A process that started during the run (a new connection) counts from zero.
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


# --- one run -------------------------------------------------------------------------------------
def run(
    kind: str,
    count: int,
    batch_size: int,
    workers: int,
    clients: int,
    admin_url: str,
    max_seconds: float | None = None,
    code: Path = ROOT,
    label: str = "this checkout",
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="shopdesk-bench-") as tmp:
        workdir = Path(tmp)
        with database(kind, workdir, admin_url) as url:
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "SHOPDESK_DATA_DIR": str(workdir),
                "SECRET_KEY": "bench-" + "x" * 50,
                "LOG_LEVEL": "WARNING",
            }
            if code != ROOT:
                env["PYTHONPATH"] = str(code)
            env.pop("SHOPDESK_TESTING", None)
            shopdesk(env, "migrate", "--no-input")
            token = shopdesk(env, "token", "create", "--name", "bench").strip()
            with gunicorn(
                env, workers=workers, cwd=code, log=workdir / "gunicorn.log", timeout=300, ready_path=READY
            ) as server:
                base, master = server.base, server.pid
                catalog = products()
                for start in range(0, len(catalog), 100):
                    post_bulk(base, token, catalog[start : start + 100])
                batches = list(order_batches(count, batch_size))  # generated before the clock starts
                app_before = cpu_snapshot(workers_of(master))
                db_before = cpu_snapshot(backends_of(admin_url, url))
                started = time.perf_counter()
                deadline = started + max_seconds if max_seconds else float("inf")

                def send(batch: list[dict[str, Any]]) -> dict[str, Any] | None:
                    # A time-boxed run stops sending at the deadline and reports what it did.
                    return post_bulk(base, token, batch) if time.perf_counter() < deadline else None

                with ThreadPoolExecutor(max_workers=clients) as pool:
                    results = [result for result in pool.map(send, batches) if result is not None]
                seconds = time.perf_counter() - started
                app_cpu = cpu_spent(app_before, cpu_snapshot(workers_of(master)))
                db_cpu = cpu_spent(db_before, cpu_snapshot(backends_of(admin_url, url)))
            created = sum(result["summary"]["created"] for result in results)
            sent = sum(len(result["results"]) for result in results)
            if created != sent:
                sys.exit(f"{kind}: {created} orders created, {sent} sent")
    load = os.getloadavg()[0]  # other work on the machine shows up here, so it is printed beside the figures
    return {
        "code": label,
        "database": kind,
        "orders": created,
        "partial": created < count,
        "batch": batch_size,
        "seconds": seconds,
        "rate": created / seconds,
        "load": load,
        "app_ms": 1000 * app_cpu / max(created, 1),
        "db_ms": 1000 * db_cpu / max(created, 1),
    }


def hardware() -> str:
    model = "unknown CPU"
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor() or model
    return f"{os.cpu_count()} CPUs (nproc), {model}, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated order counts")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=2, help="concurrent HTTP clients posting batches")
    parser.add_argument(
        "--max-seconds", type=float, help="stop sending after this long; the row is marked partial"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="an admin connection used to create and drop the bench database",
    )
    parser.add_argument("--before", metavar="REF", help="also measure the code of this git revision")
    args = parser.parse_args()
    rows = []
    with code_of(args.before) as before:
        for kind in args.databases.split(","):
            for count in (int(size) for size in args.sizes.split(",")):
                for code, label in ([(before, f"before ({args.before[:12]})")] if args.before else []) + [
                    (ROOT, "this checkout")
                ]:
                    print(f"running {label} on {kind} with {count} orders…", file=sys.stderr, flush=True)
                    rows.append(
                        run(
                            kind,
                            count,
                            args.batch_size,
                            args.workers,
                            args.clients,
                            args.postgres,
                            args.max_seconds,
                            code=code,
                            label=label,
                        )
                    )
    print(f"\nbulk API import: {args.workers} gunicorn workers, {args.clients} clients; {hardware()}\n")
    print(
        f"{'code':<22} {'database':<10} {'orders':>8} {'batch':>6} {'seconds':>9} {'orders/s':>9} {'load 1m':>8}"
        f" {'app cpu ms/order':>17} {'db cpu ms/order':>16}"
    )
    for row in rows:
        orders = f"{row['orders']}{'*' if row['partial'] else ''}"
        print(
            f"{row['code']:<22} {row['database']:<10} {orders:>8} {row['batch']:>6} {row['seconds']:>9.1f}"
            f" {row['rate']:>9.0f} {row['load']:>8.1f} {row['app_ms']:>17.2f} {row['db_ms']:>16.2f}"
        )
    print(
        "app cpu: CPU time of the gunicorn workers per order; db cpu: of the PostgreSQL server processes "
        "serving them (SQLite runs inside the workers). Other work on the machine inflates wall time far "
        "more than these."
    )
    if any(row["partial"] for row in rows):
        print("* time-boxed by --max-seconds: fewer orders than asked were sent")


if __name__ == "__main__":
    main()
