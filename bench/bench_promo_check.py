"""Latency and throughput of POST /api/v1/promotions/check with 10,000 codes in the database, against a
constant view (`/healthz`) served by the same gunicorn in the same run, measured with `wrk`.

A temp SQLite database gets `migrate`, `shopdesk demo --orders N` (200 by default) and enough public
codes to make 10,000. gunicorn runs 2 sync workers on a free loopback port; `wrk` (Debian's package,
installed with apt-get when missing and this user may) is the load generator, because a Python client
caps both sides at a few hundred requests a second. Only loopback traffic.

    .venv/bin/python bench/bench_promo_check.py
    .venv/bin/python bench/bench_promo_check.py --codes 10000 --seconds 10 --connections 16

Three targets, interleaved over short rounds so a neighbour's load hits them alike:
- the constant view;
- a check of three codes that exist (the usual case: one query per table);
- a check with a mistyped code (not found: live public codes one slip away are looked up to suggest one).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import BIN, demo_database, gunicorn

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    sudo: list[str] = []
    if os.geteuid() != 0:
        if (
            shutil.which("sudo")
            and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0
        ):
            sudo = ["sudo"]
        else:
            sys.exit("wrk is missing and this user cannot install it: sudo apt-get install wrk")
    if not shutil.which("apt-get"):
        sys.exit("wrk is missing and there is no apt-get here: install wrk")
    print("Installing Debian's wrk for the benchmark…")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, stdout=subprocess.DEVNULL
    )
    found = shutil.which("wrk")
    if not found:
        sys.exit("apt-get ran but wrk is still missing")
    return found


def hardware() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{model}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"


PREPARE = r"""
import django, random, sys
django.setup()
from django.utils import timezone
from shopdesk.catalog.models import Variant
from shopdesk.promotions.models import Coupon, CouponKind
target = int(sys.argv[1])
rng = random.Random(7)
alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
have = set(Coupon.objects.values_list("code", flat=True))
rows = []
while len(have) < target:
    code = "B" + "".join(rng.choice(alphabet) for _ in range(9))
    if code in have:
        continue
    have.add(code)
    rows.append(Coupon(code=code, description="bench", kind=CouponKind.PERCENT, value=5,
                       starts_at=timezone.now() - timezone.timedelta(days=1)))
Coupon.objects.bulk_create(rows, batch_size=2000)
skus = list(Variant.objects.filter(price_kind="regular", product__gift_card=False, active=True)
            .order_by("id").values_list("sku", flat=True)[:3])
print(Coupon.objects.count(), *skus)
"""


def prepare(env: dict[str, str], orders: int, codes: int) -> tuple[int, list[str]]:
    cwd = env["SHOPDESK_DATA_DIR"]
    started = time.perf_counter()
    demo_database(env, orders, quiet=True)
    done = subprocess.run(
        [str(BIN / "python"), "-c", PREPARE, str(codes)],
        env={**env, "DJANGO_SETTINGS_MODULE": "shopdesk.settings"},
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    if done.returncode:
        sys.exit(f"preparing the database failed:\n{done.stderr[-3000:]}")
    count, *skus = done.stdout.split()
    print(f"Prepared {orders} demo orders and {int(count):,} codes in {time.perf_counter() - started:.0f} s")
    return int(count), skus


def lua_post(path: Path, body: dict[str, object]) -> Path:
    path.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n"
    )
    return path


def run_wrk(
    wrk: str, url: str, script: Path | None, args: argparse.Namespace, seconds: float
) -> dict[str, float]:
    command = [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    percentiles = {}
    for label in ("50", "99"):
        value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()  # type: ignore[union-attr]
        percentiles[label] = float(value) * UNITS[unit]
    return {
        "rps": rps,
        "requests": requests,
        "p50": percentiles["50"],
        "p99": percentiles["99"],
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--codes", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per target, over all rounds")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    wrk = ensure_wrk()

    with tempfile.TemporaryDirectory(prefix="shopdesk-bench-promo-") as tmp:
        env = {
            **os.environ,
            "SHOPDESK_DATA_DIR": tmp,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "SECRET_KEY": "bench-only-" + "x" * 40,
            "LOG_LEVEL": "WARNING",
        }
        env.pop("SHOPDESK_TESTING", None)
        codes, skus = prepare(env, args.orders, args.codes)
        cart = {"lines": [{"sku": sku, "quantity": 1 + index} for index, sku in enumerate(skus)]}
        found = lua_post(
            Path(tmp, "found.lua"), {"codes": ["SAVE15", "FREESHIP", "TAKE20"], "cart": cart, "country": "US"}
        )
        typo = lua_post(Path(tmp, "typo.lua"), {"codes": ["WELCOM10"], "cart": cart, "country": "US"})
        # gunicorn's output goes to a file: the access log would drown the table.
        with gunicorn(
            env, workers=args.workers, log=Path(tmp, "gunicorn.log"), log_level="warning"
        ) as server:
            base = server.base
            targets = [
                ("constant view (/healthz)", f"{base}/healthz", None),
                ("check: 3 codes found", f"{base}/api/v1/promotions/check", found),
                ("check: 1 typo (suggestion)", f"{base}/api/v1/promotions/check", typo),
            ]
            for _, url, script in targets:  # warm every worker and path once
                run_wrk(wrk, url, script, args, 1)
            rounds: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in targets}
            for _ in range(args.rounds):
                for name, url, script in targets:
                    rounds[name].append(run_wrk(wrk, url, script, args, args.seconds / args.rounds))

    print()
    print(
        f"Promo check: {codes:,} codes, {args.orders} demo orders (SQLite), gunicorn {args.workers} sync workers, "
        f"wrk -t{args.threads} -c{args.connections}, {args.seconds:.0f} s per target in {args.rounds} rounds"
    )
    print(f"hardware: {hardware()}; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"{'target':<28} {'requests':>9} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p99 ms':>8} {'p50 ×':>6} {'p99 ×':>6} {'non-2xx':>7}"
    )
    summary = {}
    for name, runs in rounds.items():
        requests = sum(run["requests"] for run in runs)
        summary[name] = {
            "requests": requests,
            "rps": sum(run["rps"] for run in runs) / len(runs),
            # wrk reports percentiles per run; the rounds are equally long, so their mean is a fair summary.
            "p50": sum(run["p50"] for run in runs) / len(runs),
            "p99": sum(run["p99"] for run in runs) / len(runs),
            "errors": sum(run["errors"] for run in runs),
        }
    constant = summary[targets[0][0]]
    for name, row in summary.items():
        print(
            f"{name:<28} {row['requests']:>9,.0f} {row['rps']:>8.0f} {row['rps'] / constant['rps']:>6.2f} "
            f"{row['p50']:>8.2f} {row['p99']:>8.2f} {row['p50'] / constant['p50']:>6.1f} "
            f"{row['p99'] / constant['p99']:>6.1f} {row['errors']:>7.0f}"
        )


if __name__ == "__main__":
    main()
