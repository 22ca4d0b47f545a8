"""A chat turn end to end over HTTP: p50/p99 latency and turns per second, gunicorn (2 sync workers) and
8 conversations at once, beside a constant view measured in the same run, so a loaded machine can be
told apart from slow code.

A temp SQLite database (or `--database-url`) gets `migrate` and `shopdesk demo --orders N`. Each of the
8 client threads runs conversations one after another, the way the widget does: POST a conversation,
then the turns of a script (a greeting, "where is my order?", the number and email, a follow-up, a
general question, a return question) and a GET of the transcript. Every conversation comes from its own
client address (`X-Forwarded-For`, the server trusts loopback as its proxy), so the per-address limits
apply as in production without one test client tripping them. Only loopback traffic.

Before anything is timed, every worker loads the encoder and the model: conversations are sent by as
many clients at once as will be measured, until a whole round of turns spends no more in the model
than a warm worker does. Then, with the same number of clients:
1. the constant view (`/healthz`, no database) for a quarter of `--seconds`;
2. the chat for `--seconds`;
3. the constant view again.
The report gives the load average at each step, p50/p99 of both, their ratio, turns per second, and
from each turn's `Server-Timing` header the time the server spent on the turn and in the model.

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
    ) -> tuple[int, Any, float, dict[str, float]]:
        """Status, JSON body, milliseconds, and the `Server-Timing` durations by name."""
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
        timing = server_timing(response.getheader("Server-Timing") or "")
        if response.getheader("Content-Type", "").startswith("application/json"):
            return response.status, json.loads(payload or b"{}"), elapsed, timing
        return response.status, {}, elapsed, timing


def server_timing(header: str) -> dict[str, float]:
    """`turn;dur=12.3, model;dur=4.5` -> {"turn": 12.3, "model": 4.5}."""
    found = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        if rest.startswith("dur="):
            found[name] = float(rest[4:])
    return found


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


@dataclass
class Sample:
    kind: str
    ms: float
    server_ms: float | None = None  # the turn inside the API view
    model_ms: float | None = None  # of which in the model


def conversation(client: Client, address: str, number: str, email: str, record: list[Sample]) -> None:
    status, body, elapsed, _ = client.call("POST", BASE, address)
    if status != 200:
        raise RuntimeError(f"start: {status} {body}")
    record.append(Sample("start", elapsed))
    conversation_id = body["id"]
    for kind, text in script(number, email):
        status, body, elapsed, timing = client.call(
            "POST", f"{BASE}/{conversation_id}/messages", address, {"text": text}
        )
        if status != 200:
            raise RuntimeError(f"{kind}: {status} {body}")
        record.append(Sample(kind, elapsed, timing.get("turn"), timing.get("model")))
    status, body, elapsed, _ = client.call("GET", f"{BASE}/{conversation_id}", address)
    if status != 200:
        raise RuntimeError(f"transcript: {status}")
    record.append(Sample("transcript GET", elapsed))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def load_text() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (5 min {five:.2f})"


def run_clients(
    concurrency: int, seconds: float, job: Callable[[int, int], list[Sample]]
) -> tuple[list[Sample], float, list[str]]:
    """`job(slot, serial)` over and over from `concurrency` threads for `seconds`: samples, wall, errors."""
    samples: list[Sample] = []
    errors: list[str] = []
    lock = threading.Lock()
    counter = iter(range(1, 10_000_000))
    deadline = time.perf_counter() + seconds

    def worker(slot: int) -> None:
        while time.perf_counter() < deadline:
            with lock:
                serial = next(counter)
            try:
                found = job(slot, serial)
            except (RuntimeError, OSError, http.client.HTTPException) as error:
                with lock:
                    errors.append(str(error))
                continue
            with lock:
                samples.extend(found)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started, errors


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
            clients = [Client(port) for _ in range(args.concurrency)]

            def chat(slot: int, serial: int) -> list[Sample]:
                number, email = orders[serial % len(orders)]
                address = f"10.{serial // 65536 % 256}.{serial // 256 % 256}.{serial % 256}"
                record: list[Sample] = []
                try:
                    conversation(clients[slot], address, number, email, record)
                except (OSError, http.client.HTTPException):
                    clients[slot] = Client(port)
                    raise
                return record

            def constant(slot: int, serial: int) -> list[Sample]:
                status, _, elapsed, _ = clients[slot].call("GET", "/healthz", "10.254.0.1")
                if status != 200:
                    raise RuntimeError(f"/healthz: {status}")
                return [Sample("constant", elapsed)]

            warm_rounds = warm_up(args, chat)
            steps: list[tuple[str, str]] = [("before", load_text())]
            before, before_wall, _ = run_clients(args.concurrency, args.seconds / 4, constant)
            steps.append(("chat starts", load_text()))
            samples, wall, errors = run_clients(args.concurrency, args.seconds, chat)
            steps.append(("chat ends", load_text()))
            after, after_wall, _ = run_clients(args.concurrency, args.seconds / 4, constant)
            steps.append(("after", load_text()))

    report(
        args,
        samples,
        wall,
        errors,
        before + after,
        (len(before) + len(after)) / (before_wall + after_wall),
        steps,
        warm_rounds,
    )


def warm_up(args: argparse.Namespace, chat: Callable[[int, int], list[Sample]]) -> int:
    """Conversations from every client at once until each worker has its model loaded: a round whose
    slowest turn in the model takes no more than a few times a warm turn's. Returns the rounds taken."""
    serials = iter(range(5_000_000, 6_000_000))
    samples: list[Sample] = []
    lock = threading.Lock()

    def one(slot: int) -> None:
        found = chat(slot, next(serials))
        with lock:
            samples.extend(found)

    for round_number in range(1, 11):
        samples.clear()

        threads = [threading.Thread(target=one, args=(slot,)) for slot in range(args.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        model = [s.model_ms for s in samples if s.model_ms]
        if round_number >= 2 and model and max(model) <= max(250.0, 8 * statistics.median(model)):
            return round_number
    return 10


def report(
    args: argparse.Namespace,
    samples: list[Sample],
    wall: float,
    errors: list[str],
    constant: list[Sample],
    constant_rps: float,
    steps: list[tuple[str, str]],
    warm_rounds: int,
) -> None:
    turns = [s for s in samples if s.kind not in ("start", "transcript GET")]
    print(
        f"assistant turns over HTTP: gunicorn {args.workers} sync workers, {args.concurrency} conversations at "
        f"once, {wall:.0f} s, {os.cpu_count()} CPUs; workers warmed in {warm_rounds} rounds"
    )
    print("  load average: " + ", ".join(f"{name} {value}" for name, value in steps))
    if errors:
        print(f"  {len(errors)} errors, first: {errors[0]}")
    if not turns or not constant:
        sys.exit("nothing measured")
    ms = [s.ms for s in turns]
    base = [s.ms for s in constant]
    p50, p99 = statistics.median(ms), percentile(ms, 0.99)
    c50, c99 = statistics.median(base), percentile(base, 0.99)
    verdict = "met" if p99 <= TARGET_P99_MS else "NOT met"
    print(
        f"  turns: {len(turns)}  p50 {p50:.1f} ms  p99 {p99:.1f} ms  {len(turns) / wall:.1f} turns/s "
        f"(target p99 <= {TARGET_P99_MS:.0f} ms: {verdict})"
    )
    print(
        f"  constant view /healthz, same clients, before and after: {len(base)} requests  p50 {c50:.1f} ms  "
        f"p99 {c99:.1f} ms  {constant_rps:.0f} req/s"
    )
    print(f"  turn / constant view: p50 x{p50 / c50:.1f}  p99 x{p99 / c99:.1f}")
    served = [s for s in turns if s.server_ms is not None]
    if served:
        server = [s.server_ms or 0.0 for s in served]
        model = [s.model_ms or 0.0 for s in served]
        total = sum(s.ms for s in served)
        print(
            f"  inside the server (Server-Timing): turn p50 {statistics.median(server):.1f} ms  "
            f"p99 {percentile(server, 0.99):.1f} ms; model p50 {statistics.median(model):.1f} ms  "
            f"p99 {percentile(model, 0.99):.1f} ms"
        )
        print(
            f"  share of the client's time: in the model {sum(model) / total:.0%}, rest of the turn "
            f"{(sum(server) - sum(model)) / total:.0%}, outside the view (queueing, HTTP, framework) "
            f"{(total - sum(server)) / total:.0%}"
        )
    kinds = sorted({s.kind for s in samples})
    print(f"  {'':22s} {'n':>7s} {'p50 ms':>8s} {'p99 ms':>8s} {'model p50':>10s}")
    for kind in kinds:
        rows = [s for s in samples if s.kind == kind]
        values = [s.ms for s in rows]
        model_values = [s.model_ms for s in rows if s.model_ms is not None]
        model_text = f"{statistics.median(model_values):8.1f}ms" if model_values else f"{'':10s}"
        print(
            f"  {kind:22s} n={len(values):5d} {statistics.median(values):8.1f} "
            f"{percentile(values, 0.99):8.1f} {model_text}"
        )


if __name__ == "__main__":
    main()
