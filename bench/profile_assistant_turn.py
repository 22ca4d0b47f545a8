"""Where one assistant turn spends its time, in one process: queries per turn, wall time, and a profile.

The common turns of a chat, each measured on its own conversations after a warm-up (model loaded):
a general question, an order question after the order was verified, the number and email given after
an order question (verification and the order view), another package, a return asked about, the preview of a cancellation
and its confirmation ("yes"). Turns go through Django's test client (the whole request path: middleware,
API view, engine, flows), so the figures are the server's time without the network.

    .venv/bin/python bench/profile_assistant_turn.py                  # a temp database with 300 demo orders
    .venv/bin/python bench/profile_assistant_turn.py --data-dir var   # an existing migrated demo database
    .venv/bin/python bench/profile_assistant_turn.py --profile 25 --sql

`--profile N` prints the N functions with the most cumulative time per kind of turn; `--sql` prints the
queries of one turn of each kind.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _server import demo_database

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
BASE = "/api/v1/assistant/conversations"


def prepare(data_dir: Path, orders: int) -> None:
    env = {**os.environ, "SHOPDESK_DATA_DIR": str(data_dir)}
    demo_database(env, orders)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, help="a migrated demo database (default: a new temp one)")
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=12, help="turns measured per kind")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions")
    parser.add_argument(
        "--sort", default="cumulative", help="profile order: cumulative (default) or tottime (own time)"
    )
    parser.add_argument("--sql", action="store_true", help="print the queries of one turn of each kind")
    args = parser.parse_args()

    if args.data_dir is None:
        temp = tempfile.TemporaryDirectory(prefix="profile-assistant-")
        data_dir = Path(temp.name)
        prepare(data_dir, args.orders)
    else:
        data_dir = args.data_dir.resolve()
    os.environ["SHOPDESK_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("SHOPDESK_DEBUG", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopdesk.settings")
    sys.path.append(str(ROOT))  # the installed package wins (PYTHONPATH can point at another checkout)
    run(args)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    import logging

    logging.getLogger("shopdesk.access").setLevel(logging.WARNING)  # one line per request otherwise
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from shopdesk.orders.models import Order

    setup_test_environment()  # the test client's Host is "testserver"
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    shipped = list(
        Order.objects.filter(shipments__isnull=False).distinct().order_by("id").values_list("number", "email")
    )
    cancellable = list(
        Order.objects.filter(shipments__isnull=True, lines__quantity_cancelled=0, payments__isnull=False)
        .distinct()
        .order_by("-id")
        .values_list("number", "email")
    )
    addresses = iter(f"10.77.{i // 250}.{i % 250 + 1}" for i in range(100_000))

    class Chat:
        def __init__(self) -> None:
            self.client = Client(REMOTE_ADDR=next(addresses))
            response = self.client.post(BASE, content_type="application/json")
            assert response.status_code == 200, response.content
            self.id = response.json()["id"]

        def say(self, text: str) -> dict[str, Any]:
            response = self.client.post(
                f"{BASE}/{self.id}/messages", {"text": text}, content_type="application/json"
            )
            assert response.status_code == 200, response.content
            return dict(response.json())

    # Each kind: (set up a conversation, untimed) -> the message measured.
    def general() -> tuple[Chat, str]:
        return Chat(), "what is your return policy?"

    def order_question() -> tuple[Chat, str]:
        number, email = shipped[next(counter) % len(shipped)]
        chat = Chat()
        chat.say(f"where is my order? {number} {email}")
        return chat, "where is my order?"

    def verify() -> tuple[Chat, str]:
        number, email = shipped[next(counter) % len(shipped)]
        chat = Chat()
        chat.say("where is my order?")
        return chat, f"it's {number}, {email}"

    def follow_up() -> tuple[Chat, str]:
        number, email = shipped[next(counter) % len(shipped)]
        chat = Chat()
        chat.say(f"where is my order? {number} {email}")
        return chat, "and the other package?"

    def returns() -> tuple[Chat, str]:
        number, email = shipped[next(counter) % len(shipped)]
        chat = Chat()
        chat.say(f"where is my order? {number} {email}")
        return chat, "can I return an item?"

    def cancel_preview() -> tuple[Chat, str]:
        number, email = cancellable.pop()
        chat = Chat()
        chat.say(f"my order is {number}, {email}")
        pending.append(chat)
        return chat, "cancel everything that hasn't shipped"

    def confirm() -> tuple[Chat, str]:
        chat = pending.pop(0)
        return chat, "yes"

    counter = iter(range(1_000_000))
    pending: list[Chat] = []
    kinds: list[tuple[str, Callable[[], tuple[Chat, str]]]] = [
        ("general question", general),
        ("order question (verified)", order_question),
        ("verify + order view", verify),
        ("follow-up (other package)", follow_up),
        ("returns (verified)", returns),
        ("cancel preview", cancel_preview),
        ("confirm (yes)", confirm),
    ]
    # A cancellation can be measured once per order: as many as the demo has, up to --repeat.
    cancels = min(args.repeat, len(cancellable))

    # Warm-up: the model, the encoder, the policy and the article renderings load here, untimed.
    for _ in range(2):
        for _name, setup in kinds[:5]:
            chat, message = setup()
            chat.say(message)

    load = os.getloadavg()
    print(
        f"one assistant turn in process (test client), load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(
        f"  {'turn':28s} {'n':>3s} {'queries':>8s} {'p50 ms':>8s} {'max ms':>8s} {'cpu p50':>8s} "
        f"{'in model p50':>13s} {'model cpu':>9s} {'cpu-model':>9s}"
    )
    try:
        from shopdesk.assistant.nlu.timing import model_seconds
    except ImportError:  # a release without the timer: the model's share is not shown

        def model_seconds() -> float:
            return float("nan")

    # The CPU the model takes, so the rest of the turn's CPU can be told apart (the engine imports
    # `understand` from the package when it runs, so wrapping the package's name is enough).
    import shopdesk.assistant.nlu as nlu

    model_cpu = [0.0]
    understand = nlu.understand

    def understand_timed(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return understand(*args, **kwargs)
        finally:
            model_cpu[0] += time.process_time() - started

    nlu.understand = understand_timed  # type: ignore[assignment]

    for name, setup in kinds:
        timings: list[float] = []
        cpu: list[float] = []
        model_times: list[float] = []
        model_cpus: list[float] = []
        queries: list[int] = []
        profiler = cProfile.Profile(time.process_time)  # CPU, not wall: the machine may be busy
        sql_shown = False
        for _ in range(cancels if name in ("cancel preview", "confirm (yes)") else args.repeat):
            chat, message = setup()
            before, before_cpu = model_seconds(), model_cpu[0]
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                if args.profile:
                    profiler.enable()
                answer = chat.say(message)
                if args.profile:
                    profiler.disable()
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            model_times.append((model_seconds() - before) * 1000)
            model_cpus.append((model_cpu[0] - before_cpu) * 1000)
            queries.append(len(captured.captured_queries))
            if args.sql and not sql_shown:
                sql_shown = True
                print(f"--- {name}: {json.dumps(answer)[:200]}")
                for query in captured.captured_queries:
                    print("   ", query["sql"][:220])
        if not timings:
            continue
        print(
            f"  {name:28s} {len(timings):3d} {statistics.median(queries):8.0f} {statistics.median(timings):8.1f} "
            f"{max(timings):8.1f} {statistics.median(cpu):8.1f} {statistics.median(model_times):10.1f} ms"
            f" {statistics.median(model_cpus):9.1f} "
            f"{statistics.median([c - m for c, m in zip(cpu, model_cpus, strict=True)]):9.1f}"
        )
        if args.profile:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.profile)
            print(out.getvalue())
    requests_alone(args)


def requests_alone(args: argparse.Namespace) -> None:
    """The requests with (almost) no work of their own: what the request path costs around a view."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(REMOTE_ADDR="10.78.0.1")
    chat_id = client.post(BASE, content_type="application/json").json()["id"]
    client.post(f"{BASE}/{chat_id}/messages", {"text": "hello"}, content_type="application/json")
    fresh = iter(range(1, 250))
    requests: list[tuple[str, Callable[[], Any]]] = [
        # One client (its handler loads the middleware once, as a worker does), a new address each time.
        ("start a conversation", lambda: client.post(BASE, REMOTE_ADDR=f"10.79.0.{next(fresh)}")),
        ("GET transcript", lambda: client.get(f"{BASE}/{chat_id}")),
        ("GET /healthz", lambda: client.get("/healthz")),
    ]
    for name, call in requests:
        timings: list[float] = []
        cpu: list[float] = []
        queries: list[int] = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = call()
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, response.content
            queries.append(len(captured.captured_queries))
        print(
            f"  {name:28s} {len(timings):3d} {statistics.median(queries):8.0f} {statistics.median(timings):8.1f} "
            f"{max(timings):8.1f} {statistics.median(cpu):8.1f}"
        )


if __name__ == "__main__":
    main()
