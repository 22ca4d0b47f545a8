"""The chat benchmark's parts that can be checked without a server: reading wrk's and the Lua script's
output, percentiles, the paced mode's gaps; and the Lua script itself, run by wrk against a stub of the
assistant API that records what it is sent (skipped where wrk is missing). Nothing here is timed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import bench_assistant_turns as bench  # noqa: E402

WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:40000/api/v1/assistant/conversations
  2 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    25.10ms   10.02ms  80.00ms   70.00%
    Req/Sec    40.00      5.00    50.00     60.00%
  Latency Distribution
     50%   22.50ms
     75%   30.00ms
     90%   40.00ms
     99%    1.20s
  160 requests in 2.01s, 80.00KB read
  Socket errors: connect 0, read 3, write 0, timeout 0
  Non-2xx or 3xx responses: 2
Requests/sec:     79.60
Transfer/sec:     39.80KB
@sample\t1\tstart\t4.250\t\t
@sample\t1\tgreeting\t30.500\t12.1\t3.4
@sample\t2\ttranscript GET\t6.000\t\t
@failure\t2\treturns\t429\t{"error": {"code": "rate_limited"}}
@thread\t1\t3\t0
@thread\t2\t2\t5
"""


def test_parse_wrk_reads_the_summary_and_the_lua_lines():
    run = bench.parse_wrk(WRK_OUTPUT.replace("\\t", "\t"))
    assert (run.requests, run.seconds, run.non_2xx) == (160, 2.01, 2)
    assert run.socket_errors == {"read": 3}
    assert (run.p50_ms, run.p99_ms) == (22.5, 1200.0)
    assert [(s.kind, s.ms, s.server_ms, s.model_ms) for s in run.samples] == [
        ("start", 4.25, None, None),
        ("greeting", 30.5, 12.1, 3.4),
        ("transcript GET", 6.0, None, None),
    ]
    assert run.failures == ['returns: 429 {"error": {"code": "rate_limited"}}']
    assert (run.conversations, run.late) == (5, 5)


def test_parse_wrk_refuses_other_output():
    with pytest.raises(ValueError, match="not wrk's output"):
        bench.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused")


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert bench.percentile(values, 0.5) == 51.0  # round(49.5) -> 50th index
    assert bench.percentile(values, 0.99) == 99.0
    assert bench.percentile([7.0], 0.99) == 7.0
    assert bench.percentile([3.0, 1.0, 2.0], 0.0) == 1.0


def test_pace_interval_gives_the_rate_in_turns_over_all_conversations():
    # 8 conversations at 12 turns/s in all: 1.5 turns/s each, 2 requests/s each (6 turns in 8 requests).
    assert bench.pace_interval_ms(12, 8) == pytest.approx(500.0)
    assert bench.pace_interval_ms(24, 8) == pytest.approx(250.0)


# --- the Lua script against a stub of the API -------------------------------------------------------
class StubAssistant(BaseHTTPRequestHandler):
    """Answers like the assistant API, closes every connection (as gunicorn's sync workers do), and
    records each request. Refuses a second conversation from one address with 429, as a tight
    per-address limit would, and answers `fail_text` with a 500."""

    protocol_version = "HTTP/1.0"
    log: list[tuple[str, str, str, str]]
    fail_text = ""
    lock = threading.Lock()

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: dict[str, object], timing: str | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if timing:
            self.send_header("Server-Timing", timing)
        self.end_headers()
        self.wfile.write(data)

    def _record(self, body: str) -> tuple[str, int]:
        address = self.headers.get("X-Forwarded-For", "")
        with self.lock:
            self.log.append((self.command, self.path, address, body))
            return address, len(self.log)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        address, serial = self._record(body)
        if self.path == "/api/v1/assistant/conversations":
            with self.lock:
                starts = [row for row in self.log if row[1] == self.path and row[2] == address]
            if len(starts) > 1:
                self._answer(429, {"error": "too many"})
                return
            self._answer(200, {"id": f"c{serial}-{address}"})
        elif self.fail_text and json.loads(body)["text"] == self.fail_text:
            self._answer(500, {"error": "broken"})
        else:
            self._answer(200, {"intent": "x", "replies": [], "actions": []}, "turn;dur=12.5, model;dur=3.25")

    def do_GET(self) -> None:
        self._record("")
        self._answer(200, {"turns": []})


@pytest.fixture
def stub() -> Iterator[tuple[int, list[tuple[str, str, str, str]], type[StubAssistant]]]:
    handler = type("Handler", (StubAssistant,), {"log": [], "fail_text": ""})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], handler.log, handler
    finally:
        server.shutdown()
        server.server_close()


def run_lua(port: int, tmp_path: Path, *, interval_ms: float = 0) -> bench.WrkRun:
    orders = tmp_path / "orders.txt"
    orders.write_text("100201 ana@example.com\n100202 bo@example.com\n")
    env = {**os.environ, "SHOPDESK_BENCH_ORDERS": str(orders)}
    env.pop("SHOPDESK_BENCH_INTERVAL_MS", None)
    if interval_ms:
        env["SHOPDESK_BENCH_INTERVAL_MS"] = str(interval_ms)
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c2",
            "-d1s",
            "-s",
            str(bench.LUA),
            f"http://127.0.0.1:{port}/api/v1/assistant/conversations",
            "--",
            "42",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return bench.parse_wrk(done.stdout)


# The script the Lua file sends, {order} standing for the order number and email.
SCRIPT = [
    "hi there",
    "where is my order?",
    "{order}",
    "and the other package?",
    "what is your return policy?",
    "can I return an item?",
]
needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


@needs_wrk
def test_lua_script_runs_each_conversation_in_order_from_its_own_address(stub, tmp_path):
    port, log, _ = stub
    run = run_lua(port, tmp_path)
    assert run.failures == []
    assert run.conversations >= 2

    conversations: dict[str, list[tuple[str, str, str, str]]] = {}
    for method, path, address, body in log:
        conversations.setdefault(address, []).append((method, path, address, body))
    assert all(re.fullmatch(r"42\.[12]\.\d+\.\d+", address) for address in conversations)
    orders = {"it's 100201, ana@example.com", "it's 100202, bo@example.com"}
    complete = 0
    for address, requests in conversations.items():
        start, *rest = requests
        assert start[:2] == ("POST", "/api/v1/assistant/conversations"), address
        conversation = f"/api/v1/assistant/conversations/c{log.index(start) + 1}-{address}"
        messages = [json.loads(body)["text"] for method, path, _, body in rest if method == "POST"]
        assert all(path == f"{conversation}/messages" for method, path, _, _ in rest if method == "POST")
        verify = messages[2] if len(messages) > 2 else "it's 100201, ana@example.com"
        assert verify in orders
        # The last conversation of a connection may be cut by the end of the run.
        assert messages == [text.replace("{order}", verify) for text in SCRIPT][: len(messages)]
        reads = [path for method, path, _, _ in rest if method == "GET"]
        assert reads in ([], [conversation]), address
        if reads:  # the transcript is read last, once the script is through
            assert rest[-1][:2] == ("GET", conversation) and len(messages) == len(SCRIPT)
            complete += 1
    assert complete >= run.conversations >= 2

    kinds = {s.kind for s in run.samples}
    assert {"start", "greeting", "verify + order view", "returns", "transcript GET"} <= kinds
    turns = [s for s in run.samples if s.kind not in bench.NOT_TURNS]
    assert {(s.server_ms, s.model_ms) for s in turns} == {(12.5, 3.25)}
    assert all(s.server_ms is None and s.ms > 0 for s in run.samples if s.kind in bench.NOT_TURNS)


@needs_wrk
def test_lua_script_reports_answers_outside_2xx_and_starts_again(stub, tmp_path):
    port, log, handler = stub
    handler.fail_text = "and the other package?"
    run = run_lua(port, tmp_path)
    assert run.failures
    assert all(failure.startswith("follow-up: 500 ") for failure in run.failures)
    # After the failure the conversation is given up: nothing after the follow-up is sent in it.
    assert not any(s.kind in ("general answer", "returns", "transcript GET") for s in run.samples)
    assert run.conversations == 0
    assert sum(1 for row in log if row[1] == "/api/v1/assistant/conversations") >= len(run.failures)


@needs_wrk
def test_lua_script_paced_sends_on_its_schedule(stub, tmp_path):
    port, log, _ = stub
    run = run_lua(port, tmp_path, interval_ms=200)
    assert run.failures == []
    # Two connections, one request every 100-300 ms each for one second: a handful, not hundreds.
    assert 2 <= len(log) <= 30
    assert len(log) - 2 <= len(run.samples) <= len(log)  # a request in flight at the end has no sample
