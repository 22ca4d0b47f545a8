"""A chat turn end to end over HTTP: p50/p99 latency and turns per second, gunicorn (2 sync workers) and
8 conversations at once, beside a constant view measured in the same run, so a loaded machine can be
told apart from slow code.

The load generator is Debian's `wrk` (`make bench-deps` installs it) with `bench/assistant_turns.lua`:
a client written in Python takes the same two cores as the server and would be part of what is
measured. `wrk -t8 -c8` gives each wrk thread one connection, and each thread is one shopper: POST a
conversation, then the turns of a script (a greeting, "where is my order?", the number and email of a
demo order, a follow-up, a general question, a return question) and a GET of the transcript, then a new
conversation. Every conversation comes from its own client address (`X-Forwarded-For`, the server
trusts loopback as its proxy), so the per-address limits apply as in production. The Lua script times
each request and reads each turn's `Server-Timing` (the turn's time inside the server and the model's
part of it); the report's percentiles come from those per-request samples, not from wrk's histogram
(which mixes starts, turns and transcripts). Any answer outside 2xx fails the run (a 429 would mean the
addresses are not distinct). Only loopback traffic. gunicorn's socket defers accepting a connection
until its request arrives (`bench/_gunicorn_defer_accept.py`): wrk connects again as soon as an answer
arrives, and a paced run then waits before sending; a sync worker holding that idle connection would
serve nobody meanwhile, a wait that comes from wrk connecting early and not from the server.

A temp SQLite database (or `--database-url`) gets `migrate` and `shopdesk demo --orders N`; the model is
trained into its cache beforehand. Before anything is timed, every worker loads the encoder and the
model: short chat runs with as many conversations as will be measured, until a whole run spends no more
in the model than a warm worker does. Then, with the same number of connections:
1. the constant view (`/healthz`, no database) for a quarter of `--seconds`;
2. the chat, closed loop, for `--seconds`: each conversation sends its next request as soon as the
   answer arrives (no think time). This is the figure checked against the target (p99 <= 60 ms);
3. with `--rate R` (repeatable), the chat paced at R turns/s in all for `--seconds` each: each
   conversation's requests leave on a schedule of jittered gaps (half to one and a half of the mean), as
   people type, so the report gives the latency at that offered load and whether it was kept up (a
   request whose previous answer came after it was due leaves at once and is counted late).
   `--paced-conversations N` spreads the same rate over N conversations, each at a slower pace;
4. the constant view again.
The report gives the load average at each step; p50/p99 of turns, of starts and of transcript GETs and
per kind of turn; turns/s; the turn's p50/p99 and the chat's requests/s as ratios to the constant view's;
and from `Server-Timing` the share of the client's wait spent in the model, the rest of the turn and
outside the view (queueing for a worker, HTTP).

    .venv/bin/python bench/bench_assistant_turns.py                       # 60 s, 8 conversations at once
    .venv/bin/python bench/bench_assistant_turns.py --seconds 30 --rate 10 --rate 20
    .venv/bin/python bench/bench_assistant_turns.py --seconds 30 --rate 10 --paced-conversations 64
    .venv/bin/python bench/bench_assistant_turns.py --concurrency 8 --workers 2 --database-url postgres://…
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import BIN, demo_database, gunicorn

LUA = Path(__file__).resolve().parent / "assistant_turns.lua"
TARGET_P99_MS = 60.0
NOT_TURNS = ("start", "transcript GET")
SCRIPT_REQUESTS, SCRIPT_TURNS = 8, 6  # per conversation: a start, six turns, a transcript GET
WARM_OCTETS = range(100, 110)  # first octet of the client addresses of each warm-up run,
CHAT_OCTET = 11  # of the closed-loop run, and of the paced runs (12, 13, …)
CONSTANT_ADDRESS = "10.254.0.1"
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def encoder_backend() -> str:
    """The encoder the workers run: $SHOPDESK_NLU_BACKEND, or the default of the code served."""
    chosen = os.environ.get("SHOPDESK_NLU_BACKEND")
    if chosen:
        return chosen
    try:
        from shopdesk.assistant.nlu.encoder import default_backend
    except ImportError:  # code from before the choice depended on the CPU
        return "onnx"
    return default_backend()


# --- what wrk and the Lua script print ----------------------------------------------------------------
@dataclass
class Sample:
    kind: str
    ms: float
    server_ms: float | None = None  # the turn inside the API view
    model_ms: float | None = None  # of which in the model


@dataclass
class WrkRun:
    """wrk's own summary, and what the Lua script printed (empty for a run without it)."""

    requests: int
    seconds: float
    non_2xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)
    p50_ms: float | None = None  # wrk's histogram, over every request of the run
    p99_ms: float | None = None
    samples: list[Sample] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    conversations: int = 0
    late: int = 0


def parse_wrk(out: str) -> WrkRun:
    """wrk's summary (`N requests in 30.01s`, `--latency` percentiles, errors) and the Lua lines."""
    found = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", out)
    if found is None:
        raise ValueError(f"not wrk's output:\n{out[-2000:]}")
    run = WrkRun(
        requests=int(found.group(1)), seconds=float(found.group(2)) * UNITS_MS[found.group(3)] / 1000
    )
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    run.non_2xx = int(bad.group(1)) if bad else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if errors:
        counts = dict(zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True))
        run.socket_errors = {name: count for name, count in counts.items() if count}
    for share, attribute in (("50", "p50_ms"), ("99", "p99_ms")):
        value = re.search(rf"^\s+{share}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        if value:
            setattr(run, attribute, float(value.group(1)) * UNITS_MS[value.group(2)])
    for line in out.splitlines():
        tag, _, rest = line.partition("\t")
        parts = rest.split("\t")
        if tag == "@sample":
            _, kind, ms, turn, model = parts
            run.samples.append(
                Sample(kind, float(ms), float(turn) if turn else None, float(model) if model else None)
            )
        elif tag == "@failure":
            _, kind, status, body = (*parts, "")[:4]
            run.failures.append(f"{kind}: {status} {body}".strip())
        elif tag == "@thread":
            run.conversations += int(parts[1])
            run.late += int(parts[2])
    return run


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the value below which `share` of the values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def pace_interval_ms(rate: float, concurrency: int) -> float:
    """Mean gap between two requests of one conversation for `rate` turns/s over all of them (a
    conversation is 8 requests of which 6 are turns)."""
    requests_per_second_each = rate / concurrency * SCRIPT_REQUESTS / SCRIPT_TURNS
    return 1000.0 / requests_per_second_each


def load_text() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (5 min {five:.2f})"


# --- running wrk --------------------------------------------------------------------------------------
def wrk(
    port: int,
    *,
    path: str,
    seconds: float,
    connections: int,
    lua: bool,
    octet: int = CHAT_OCTET,
    env: dict[str, str] | None = None,
) -> WrkRun:
    """One wrk run, one connection per thread. With `lua`, the chat of `assistant_turns.lua`."""
    command = [
        "wrk",
        f"-t{connections}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "60s",  # a slow turn is a sample to report, not one for wrk to drop as a timeout
        "--latency",
    ]
    if lua:
        command += ["-s", str(LUA), f"http://127.0.0.1:{port}{path}", "--", str(octet)]
    else:
        command += ["-H", f"X-Forwarded-For: {CONSTANT_ADDRESS}", f"http://127.0.0.1:{port}{path}"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode:
        sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return parse_wrk(done.stdout)


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
    return [(line.split()[0], line.split()[1]) for line in done.stdout.splitlines() if line.strip()]


def prepare(env: dict[str, str], orders: int) -> list[tuple[str, str]]:
    workdir = env["SHOPDESK_DATA_DIR"]
    demo_database(env, orders)
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
    found = demo_orders(env)
    if not found:
        sys.exit("the demo built no shipped orders")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60, help="of the chat run (and of each paced run)")
    parser.add_argument("--concurrency", type=int, default=8, help="conversations at once (wrk -t and -c)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--database-url", default="", help="default: a temp SQLite database")
    parser.add_argument(
        "--rate",
        type=float,
        action="append",
        default=[],
        help="also a paced run at this many turns/s over all conversations (repeatable)",
    )
    parser.add_argument(
        "--paced-conversations",
        type=int,
        help="conversations at once in the paced runs (default: --concurrency); more of them at the same "
        "rate means longer gaps in each, as with many people typing",
    )
    parser.add_argument("--warm-seconds", type=float, default=3, help="of each warm-up run")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench-deps` installs it (Debian: apt-get install wrk).")
    args.paced_conversations = args.paced_conversations or args.concurrency
    if not (1 <= args.concurrency <= 255 and 1 <= args.paced_conversations <= 255):
        sys.exit(
            "--concurrency, --paced-conversations: 1 to 255 (client addresses are OCTET.<connection>.x.y)"
        )
    if any(rate <= 0 for rate in args.rate):
        sys.exit("--rate: turns per second, more than 0")
    if CHAT_OCTET + len(args.rate) >= WARM_OCTETS.start:
        sys.exit(f"--rate: at most {WARM_OCTETS.start - CHAT_OCTET - 1} paced runs")

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
        orders = prepare(env, args.orders)
        orders_file = workdir / "orders.txt"
        orders_file.write_text("".join(f"{number} {email}\n" for number, email in orders))
        chat_env = {**env, "SHOPDESK_BENCH_ORDERS": str(orders_file)}
        chat_env.pop("SHOPDESK_BENCH_INTERVAL_MS", None)
        base = "/api/v1/assistant/conversations"

        # wrk connects as soon as an answer arrives, also when it then waits (paced runs): with
        # TCP_DEFER_ACCEPT a sync worker gets the connection once the request arrives, as from a proxy.
        with gunicorn(
            env, workers=args.workers, log=workdir / "gunicorn.log", timeout=120, defer_accept=True
        ) as server:

            def chat(seconds: float, octet: int, interval_ms: float = 0.0, connections: int = 0) -> WrkRun:
                run_env = {**chat_env}
                if interval_ms:
                    run_env["SHOPDESK_BENCH_INTERVAL_MS"] = f"{interval_ms:.1f}"
                return wrk(
                    server.port,
                    path=base,
                    seconds=seconds,
                    connections=connections or args.concurrency,
                    lua=True,
                    octet=octet,
                    env=run_env,
                )

            def constant(seconds: float) -> WrkRun:
                return wrk(
                    server.port, path="/healthz", seconds=seconds, connections=args.concurrency, lua=False
                )

            warm_rounds = warm_up(lambda octet: chat(args.warm_seconds, octet))
            steps: list[tuple[str, str]] = [("before", load_text())]
            before = constant(args.seconds / 4)
            steps.append(("chat starts", load_text()))
            closed = chat(args.seconds, CHAT_OCTET)
            steps.append(("chat ends", load_text()))
            paced: list[tuple[float, WrkRun]] = []
            for index, rate in enumerate(args.rate, start=1):
                gap = pace_interval_ms(rate, args.paced_conversations)
                paced.append((rate, chat(args.seconds, CHAT_OCTET + index, gap, args.paced_conversations)))
                steps.append((f"paced {rate:g}/s ends", load_text()))
            after = constant(args.seconds / 4)
            steps.append(("after", load_text()))

    ok = report(args, closed, paced, before, after, steps, warm_rounds)
    if not ok:
        sys.exit(1)


def warm_up(run: Callable[[int], WrkRun]) -> int:
    """Chat runs with every connection at once until each worker has its model loaded: a run whose
    slowest turn in the model takes no more than a few times a warm turn's. Returns the runs taken."""
    for round_number, octet in enumerate(WARM_OCTETS, start=1):
        done = run(octet)
        if done.failures:
            sys.exit(f"warming up: {len(done.failures)} answers outside 2xx, first: {done.failures[0]}")
        model = [s.model_ms for s in done.samples if s.model_ms]
        if round_number >= 2 and model and max(model) <= max(250.0, 8 * statistics.median(model)):
            return round_number
    return len(WARM_OCTETS)


def _row(label: str, values: list[float], extra: str = "") -> str:
    return (
        f"    {label:22s} n={len(values):6d} {statistics.median(values):8.1f} "
        f"{percentile(values, 0.99):8.1f}{extra}"
    )


def report(
    args: argparse.Namespace,
    closed: WrkRun,
    paced: list[tuple[float, WrkRun]],
    before: WrkRun,
    after: WrkRun,
    steps: list[tuple[str, str]],
    warm_rounds: int,
) -> bool:
    """Prints the report; False when a request failed or nothing was measured."""
    print(
        f"assistant turns over HTTP: gunicorn {args.workers} sync workers, {args.concurrency} conversations "
        f"at once, load generator wrk -t{args.concurrency} -c{args.concurrency} with {LUA.name} "
        f"(one conversation per connection), {os.cpu_count()} CPUs; workers warmed in {warm_rounds} runs; "
        f"encoder {encoder_backend()}"
    )
    print("  load average: " + ", ".join(f"{name} {value}" for name, value in steps))
    base_requests = before.requests + after.requests
    base_seconds = before.seconds + after.seconds
    base_rps = base_requests / base_seconds if base_seconds else 0.0
    # wrk's percentiles per run; both runs are equally long, so their mean is a fair summary.
    c50 = statistics.mean(r.p50_ms or 0.0 for r in (before, after))
    c99 = statistics.mean(r.p99_ms or 0.0 for r in (before, after))
    print(
        f"  constant view /healthz, same connections, before and after: {base_requests} requests  "
        f"p50 {c50:.2f} ms  p99 {c99:.2f} ms  {base_rps:.0f} req/s"
    )
    ok = True
    for constant_run in (before, after):
        if constant_run.non_2xx or constant_run.socket_errors:
            print(
                f"  constant view: {constant_run.non_2xx} non-2xx, socket errors {constant_run.socket_errors}"
            )
            ok = False

    runs = [("CLOSED LOOP (no think time; the figure checked against the target)", None, closed)]
    runs += [
        (f"PACED at {rate:g} turns/s offered, {args.paced_conversations} conversations at once", rate, run)
        for rate, run in paced
    ]
    for title, rate, run in runs:
        print(f"\n  {title}, {run.seconds:.1f} s:")
        if rate is not None:
            interval = pace_interval_ms(rate, args.paced_conversations)
            sent = len(run.samples) + len(run.failures)
            print(
                f"    each conversation sends a request every {interval:.0f} ms on average (gaps "
                f"{interval / 2:.0f}-{interval * 1.5:.0f} ms); {run.late} of {sent} requests left late "
                f"(their answer came after they were due), {run.late / max(sent, 1):.0%}"
            )
        ok = _report_run(run, rate, c50, c99, base_rps) and ok
    return ok


def _report_run(run: WrkRun, rate: float | None, c50: float, c99: float, base_rps: float) -> bool:
    turns = [s for s in run.samples if s.kind not in NOT_TURNS]
    ok = True
    if run.failures:
        print(f"    FAILED: {len(run.failures)} answers outside 2xx (a 429 means addresses were shared)")
        for failure in run.failures[:5]:
            print(f"      {failure[:200]}")
        ok = False
    if run.socket_errors:
        print(f"    FAILED: socket errors {run.socket_errors}")
        ok = False
    if not turns or not c50:
        print("    no turn answered (a run shorter than a few of a conversation's gaps measures none)")
        return False
    ms = [s.ms for s in turns]
    p50, p99 = statistics.median(ms), percentile(ms, 0.99)
    turns_per_second = len(turns) / run.seconds
    requests_per_second = len(run.samples) / run.seconds
    if rate is None:
        verdict = "met" if p99 <= TARGET_P99_MS else "NOT met"
        target = f"  (target p99 <= {TARGET_P99_MS:.0f} ms: {verdict})"
    else:
        target = f"  (offered {rate:g} turns/s: {turns_per_second / rate:.0%} of it served)"
    print(
        f"    turns: {len(turns)}  p50 {p50:.1f} ms  p99 {p99:.1f} ms  {turns_per_second:.1f} turns/s{target}"
    )
    print(
        f"    as ratios to the constant view: turn p50 x{p50 / c50:.0f}  p99 x{p99 / c99:.0f}; chat "
        f"{requests_per_second:.1f} req/s (all kinds) = {requests_per_second / base_rps:.4f} of its "
        f"{base_rps:.0f} req/s; {run.conversations} conversations completed"
    )
    served = [s for s in turns if s.server_ms is not None]
    if served:
        server = [s.server_ms or 0.0 for s in served]
        model = [s.model_ms or 0.0 for s in served]
        total = sum(s.ms for s in served)
        print(
            f"    inside the server (Server-Timing): turn p50 {statistics.median(server):.1f} ms  "
            f"p99 {percentile(server, 0.99):.1f} ms; model p50 {statistics.median(model):.1f} ms  "
            f"p99 {percentile(model, 0.99):.1f} ms"
        )
        print(
            f"    share of the client's time: in the model {sum(model) / total:.0%}, rest of the turn "
            f"{(sum(server) - sum(model)) / total:.0%}, outside the view (queueing, HTTP, framework) "
            f"{(total - sum(server)) / total:.0%}"
        )
    print(
        f"    {'':22s} {'n':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'model p50':>10s}"
        f" {'server p50':>11s} {'server p99':>11s}"
    )
    print(_row("all turns", ms))
    for kind in ("start", "transcript GET"):
        values = [s.ms for s in run.samples if s.kind == kind]
        if values:
            print(_row(kind, values))
    kinds = list(dict.fromkeys(s.kind for s in turns))
    for kind in kinds:
        rows = [s for s in turns if s.kind == kind]
        model_values = [s.model_ms for s in rows if s.model_ms is not None]
        server_values = [s.server_ms for s in rows if s.server_ms is not None]
        extra = f" {statistics.median(model_values):8.1f}ms" if model_values else f" {'':10s}"
        if server_values:
            extra += f" {statistics.median(server_values):9.1f}ms {percentile(server_values, 0.99):9.1f}ms"
        print(_row(kind, [s.ms for s in rows], extra))
    return ok


if __name__ == "__main__":
    main()
