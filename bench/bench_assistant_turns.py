"""A chat turn end to end over HTTP: p50/p99 latency and turns per second, gunicorn (2 sync workers) and
8 conversations at once.

A temp SQLite database (or `--database-url`) gets `migrate` and `shopdesk demo --orders N`. Each of the
8 client threads runs conversations one after another, the way the widget does: POST a conversation,
then the turns of a script (a greeting, "where is my order?", the number and email, a follow-up, a
general question, a return question) and a GET of the transcript. Every conversation comes from its own
client address (`X-Forwarded-For`, the server trusts loopback as its proxy), so the per-address limits
apply as in production without one test client tripping them. The encoder and the model load during a
warm-up that is not counted. Only loopback traffic.

    .venv/bin/python bench/bench_assistant_turns.py                       # 60 s, 8 conversations at once
    .venv/bin/python bench/bench_assistant_turns.py --seconds 30 --concurrency 8 --workers 2
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
BASE = "/api/v1/assistant/conversations"
TARGET_P99_MS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_orders(env: dict[str, str]) -> list[tuple[str, str]]:
    script = (
        "import django; django.setup()\n"
        "from shopdesk.orders.models import Order\n"
        "for o in Order.objects.filter(shipments__isnull=False).distinct().order_by('id')[:200]:\n"
        "    print(o.number, o.email)\n"
    )
    done = subprocess.run(
        [str(BIN / "python"), "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "shopdesk.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=env["SHOPDESK_DATA_DIR"],
    )
    return [tuple(line.split()) for line in done.stdout.splitlines() if line.strip()]  # type: ignore[misc]


@contextmanager
def server(env: dict[str, str], workers: int, log: Path) -> Iterator[int]:
    port = free_port()
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "shopdesk.wsgi",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
            ],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            cwd=env["SHOPDESK_DATA_DIR"],
        )
        try:
            for _ in range(600):
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    connection.request("GET", "/healthz")
                    connection.getresponse().read()
                    break
                except OSError:
                    if process.poll() is not None:
                        sys.exit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
                    time.sleep(0.1)
            yield port
        finally:
            process.terminate()  # only the server this script started
            process.wait(timeout=30)


class Client:
    """One keep-alive connection, as one browser tab would hold."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def call(
        self, method: str, path: str, address: str, body: dict[str, Any] | None = None
    ) -> tuple[int, Any, float]:
        headers = {"X-Forwarded-For": address, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        return response.status, json.loads(payload or b"{}"), elapsed


def script(number: str, email: str) -> list[tuple[str, str]]:
    """(kind, text) of one conversation: what a shopper typically writes."""
    return [
        ("greeting", "hi there"),
        ("order question", "where is my order?"),
        ("verify + order view", f"it's {number}, {email}"),
        ("follow-up", "and the other package?"),
        ("general answer", "what is your return policy?"),
        ("returns", "can I return an item?"),
    ]


def conversation(
    client: Client, address: str, number: str, email: str, record: list[tuple[str, float]]
) -> None:
    status, body, elapsed = client.call("POST", BASE, address)
    if status != 200:
        raise RuntimeError(f"start: {status} {body}")
    record.append(("start", elapsed))
    conversation_id = body["id"]
    for kind, text in script(number, email):
        status, body, elapsed = client.call(
            "POST", f"{BASE}/{conversation_id}/messages", address, {"text": text}
        )
        if status != 200:
            raise RuntimeError(f"{kind}: {status} {body}")
        record.append((kind, elapsed))
    status, body, elapsed = client.call("GET", f"{BASE}/{conversation_id}", address)
    if status != 200:
        raise RuntimeError(f"transcript: {status}")
    record.append(("transcript GET", elapsed))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--database-url", default="", help="default: a temp SQLite database")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-assistant-") as temp:
        workdir = Path(temp)
        env = {
            **os.environ,
            "SHOPDESK_DATA_DIR": str(workdir),
            "SHOPDESK_TRUSTED_PROXIES": "127.0.0.1/32",
            "SHOPDESK_DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
        }
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        else:
            env.pop("DATABASE_URL", None)
        subprocess.run([str(BIN / "shopdesk"), "migrate", "-v0"], env=env, check=True, cwd=workdir)
        subprocess.run(
            [str(BIN / "shopdesk"), "demo", "--orders", str(args.orders)],
            env=env,
            check=True,
            cwd=workdir,
            stdout=subprocess.DEVNULL,
        )
        # The model is trained once into the cache (SHOPDESK_CACHE_DIR, else ~/.cache/shopdesk), untimed.
        subprocess.run(
            [
                str(BIN / "python"),
                "-c",
                "import django; django.setup(); from shopdesk.assistant.nlu import get_model; get_model()",
            ],
            env={**env, "DJANGO_SETTINGS_MODULE": "shopdesk.settings"},
            check=True,
            cwd=workdir,
        )
        orders = demo_orders(env)
        if not orders:
            sys.exit("the demo built no shipped orders")
        with server(env, args.workers, workdir / "gunicorn.log") as port:
            # Warm-up: every worker loads the encoder and the model (several conversations, not counted).
            warm: list[tuple[str, float]] = []
            for index in range(args.workers * 3):
                number, email = orders[index % len(orders)]
                conversation(Client(port), f"10.255.0.{index + 1}", number, email, warm)

            records: list[list[tuple[str, float]]] = [[] for _ in range(args.concurrency)]
            errors: list[str] = []
            deadline = time.perf_counter() + args.seconds
            counter = iter(range(1, 10_000_000))
            lock = threading.Lock()

            def worker(slot: int) -> None:
                client = Client(port)
                while time.perf_counter() < deadline:
                    with lock:
                        serial = next(counter)
                    number, email = orders[serial % len(orders)]
                    address = f"10.{serial // 65536 % 256}.{serial // 256 % 256}.{serial % 256}"
                    try:
                        conversation(client, address, number, email, records[slot])
                    except (RuntimeError, OSError) as error:
                        errors.append(str(error))
                        client = Client(port)

            started = time.perf_counter()
            threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(args.concurrency)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started

    every = [item for record in records for item in record]
    turns = [ms for kind, ms in every if kind not in ("start", "transcript GET")]
    load = os.getloadavg()
    print(
        f"assistant turns over HTTP: gunicorn {args.workers} sync workers, {args.concurrency} conversations at "
        f"once, {wall:.0f} s, {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    if errors:
        print(f"  {len(errors)} errors, first: {errors[0]}")
    if not turns:
        sys.exit("no turn measured")
    print(
        f"  turns: {len(turns)}  p50 {statistics.median(turns):.1f} ms  p99 {percentile(turns, 0.99):.1f} ms  "
        f"{len(turns) / wall:.1f} turns/s (target p99 <= {TARGET_P99_MS:.0f} ms)"
    )
    kinds = sorted({kind for kind, _ in every})
    for kind in kinds:
        values = [ms for k, ms in every if k == kind]
        print(
            f"  {kind:22s} n={len(values):5d}  p50 {statistics.median(values):6.1f} ms  "
            f"p99 {percentile(values, 0.99):6.1f} ms"
        )


if __name__ == "__main__":
    main()
