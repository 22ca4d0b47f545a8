"""How long building one order's page takes in one process (`orderview.builder.order_page`): the reads,
the statuses, the diagnoses and every action's eligibility, with no cache and no HTTP.

Each round builds the pages of the demo orders that have a package, each from an order read afresh (as
a verification or a page view reads it), after a warm-up round. `--before DIR` builds the same pages
with the tree in DIR (e.g. `git worktree add DIR <commit>`) in rounds taken turn about with this one, on
the same database, so a busy machine weighs on both alike. The report gives each round's mean per build
and the median over the rounds.

    .venv/bin/python bench/bench_order_page_build.py
    .venv/bin/python bench/bench_order_page_build.py --before /tmp/shopdesk-before --rounds 5
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import demo_database

ROOT = Path(__file__).resolve().parent.parent

# Run in a child process whose PYTHONPATH names the tree measured; prints the mean ms per build.
ROUND = """
import os, sys, time
import django
django.setup()
from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.orderview.builder import order_page
ids = list(Order.objects.filter(shipments__isnull=False).distinct().order_by("id").values_list("id", flat=True))
ids = ids[: int(sys.argv[1])]
print(sys.modules["shopdesk"].__file__)  # the tree measured, checked by the caller
for pk in ids[:10]:  # warm-up: the policy, the templates of the sentences, the statements
    order = Order.objects.get(pk=pk)
    order_page(order=order, actor=Actor.assistant(order.email))
orders = [Order.objects.get(pk=pk) for pk in ids]
started = time.perf_counter()
for order in orders:
    order_page(order=order, actor=Actor.assistant(order.email))
print((time.perf_counter() - started) * 1000 / len(orders))
"""


def one_round(tree: Path, data_dir: Path, orders: int) -> float:
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "SHOPDESK_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "shopdesk.settings",
        "SHOPDESK_DEBUG": "0",
    }
    out = subprocess.run(
        [sys.executable, "-c", ROUND, str(orders)],
        env=env,
        cwd=data_dir,  # not a checkout: `python -c` puts the working directory first on the path
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    package, mean = out.strip().splitlines()[-2:]
    if not Path(package).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"measured {package}, not the tree {tree}")
    return float(mean)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=300, help="demo orders in the temp database")
    parser.add_argument("--builds", type=int, default=100, help="pages built per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another tree, measured turn about with this one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-page-build-") as temp:
        data_dir = Path(temp)
        env = {**os.environ, "SHOPDESK_DATA_DIR": str(data_dir)}
        demo_database(env, args.orders, quiet=True)
        trees = [("this tree", ROOT)] + ([("before", args.before.resolve())] if args.before else [])
        results: dict[str, list[float]] = {name: [] for name, _ in trees}
        for number in range(1, args.rounds + 1):
            for name, tree in trees if number % 2 else list(reversed(trees)):
                results[name].append(one_round(tree, data_dir, args.builds))
                print(f"  round {number}, {name}: {results[name][-1]:.2f} ms per build", flush=True)
    load = os.getloadavg()
    print(
        f"order page builds, {args.builds} orders with a package per round, {os.cpu_count()} CPUs, "
        f"{platform.python_version()}, load average {load[0]:.2f}"
    )
    for name, times in results.items():
        print(
            f"  {name:10s} median {statistics.median(times):.2f} ms per build  (rounds: "
            + ", ".join(f"{t:.2f}" for t in times)
            + ")"
        )
    if args.before:
        ratio = statistics.median(results["this tree"]) / statistics.median(results["before"])
        print(f"  this tree / before: {ratio:.2f}")


if __name__ == "__main__":
    main()
