"""How long `shopdesk demo --orders N` takes on SQLite and PostgreSQL; prints a table.

    .venv/bin/python bench/bench_import_demo.py                      # 10,000 and 100,000 orders, both databases
    .venv/bin/python bench/bench_import_demo.py --sizes 10000 --databases sqlite

Each run gets a fresh database: a temporary SQLite file (DATABASE_URL + SHOPDESK_DATA_DIR), or a
temporary PostgreSQL database `bench_demo_<pid>` created and dropped on 127.0.0.1:5432 as `postgres`.
Migrations run before the clock starts; the time is the wall time of the `shopdesk demo` process, and
"cpu s" its CPU time (user + system), which other work on the machine does not inflate; "load avg" is
the one-minute load average when the run started.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

SHOPDESK = str(Path(sys.executable).with_name("shopdesk"))
ANCHOR = "2026-11-26T10:00:00+00:00"  # pinned, so every run builds the same store


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


@contextmanager
def sqlite_database() -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as folder:
        yield {"DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "SHOPDESK_DATA_DIR": folder}


@contextmanager
def postgres_database(server: str) -> Iterator[dict[str, str]]:
    name = f"bench_demo_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with tempfile.TemporaryDirectory(prefix="bench-demo-") as folder:
            yield {"DATABASE_URL": f"{server}/{name}", "SHOPDESK_DATA_DIR": folder}
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def child_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_load(database: dict[str, str], orders: int) -> tuple[float, float]:
    """Wall seconds and CPU seconds of the loader process (CPU time does not depend on other load)."""
    env = {**os.environ, **database}
    subprocess.run([SHOPDESK, "migrate", "--no-input", "-v", "0"], env=env, check=True)
    cpu, started = child_cpu_seconds(), time.perf_counter()
    subprocess.run(
        [SHOPDESK, "demo", "--orders", str(orders), "--now", ANCHOR, "--quiet"], env=env, check=True
    )
    return time.perf_counter() - started, child_cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="Comma-separated order counts.")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both.")
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432", help="Server URL, no db name."
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size]
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]

    print(f"hardware: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu_model()}")
    print(f"python {platform.python_version()}, {platform.system()} {platform.release()}")
    print()
    print(f"{'database':<10} {'orders':>8} {'seconds':>9} {'orders/s':>9} {'cpu s':>7} {'load avg':>9}")
    for database in databases:
        for orders in sizes:
            context = sqlite_database() if database == "sqlite" else postgres_database(args.postgres)
            with context as settings:
                load = os.getloadavg()[0]
                seconds, cpu = timed_load(settings, orders)
            print(
                f"{database:<10} {orders:>8,} {seconds:>9.1f} {orders / seconds:>9,.0f} {cpu:>7.1f} {load:>9.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
