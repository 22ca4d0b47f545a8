"""The server of the benchmarks: shopdesk under gunicorn on a free loopback port, started, waited for
until it answers over HTTP, and stopped (only the process started here) when the block ends.

    from _server import gunicorn

    with gunicorn(env, workers=2, log=Path(tmp, "gunicorn.log")) as server:
        ...  # server.port, server.base ("http://127.0.0.1:PORT"), server.pid (the master)

`env` carries the database and SHOPDESK_DATA_DIR, the default working directory. A `--before` tree is
served by putting it first on PYTHONPATH (or passing it as `cwd`).
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def demo_database(env: dict[str, str], orders: int, *, quiet: bool = False) -> None:
    """`migrate` and `shopdesk demo --orders N` into the database of `env`, run in its SHOPDESK_DATA_DIR."""
    cwd = env["SHOPDESK_DATA_DIR"]
    subprocess.run([str(BIN / "shopdesk"), "migrate", "-v0"], env=env, check=True, cwd=cwd)
    subprocess.run(
        [str(BIN / "shopdesk"), "demo", "--orders", str(orders), *(["--quiet"] if quiet else [])],
        env=env,
        check=True,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # gunicorn's master

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def gunicorn(
    env: dict[str, str],
    *,
    workers: int = 2,
    cwd: Path | str | None = None,
    log: Path | None = None,
    timeout: int | None = None,
    log_level: str | None = None,
    ready_path: str = "/healthz",
    wait_seconds: float = 60.0,
    defer_accept: bool = False,
) -> Iterator[Server]:
    """gunicorn with `workers` sync workers, yielded once `ready_path` answers (any status).

    `log` receives gunicorn's output (discarded when None); `timeout` and `log_level` are gunicorn's
    options of those names (its defaults when None). `defer_accept`: a connection reaches a worker only
    once its request has started to arrive (`_gunicorn_defer_accept.py`), for clients that connect
    before they have a request to send. Exits the script, with the log's end, when gunicorn dies or
    doesn't answer within `wait_seconds`."""
    port = free_port()
    command = [
        str(BIN / "python"),
        "-m",
        "gunicorn",
        "shopdesk.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    if timeout is not None:
        command += ["--timeout", str(timeout)]
    if log_level is not None:
        command += ["--log-level", log_level]
    if defer_accept:
        command += ["--config", str(Path(__file__).resolve().parent / "_gunicorn_defer_accept.py")]
    output = log.open("w") if log is not None else subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=str(cwd or env["SHOPDESK_DATA_DIR"]),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_it_answers(process, port, ready_path, wait_seconds, log)
            yield Server(port=port, pid=process.pid)
        finally:
            process.terminate()  # only the server started here
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        if log is not None:
            output.close()  # type: ignore[union-attr]


def _wait_until_it_answers(
    process: subprocess.Popen[bytes], port: int, path: str, seconds: float, log: Path | None
) -> None:
    deadline = time.monotonic() + seconds
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}{_log_end(log)}")
        if time.monotonic() > deadline:
            sys.exit(f"gunicorn did not answer {path} within {seconds:.0f} s{_log_end(log)}")
        time.sleep(0.1)


def _log_end(log: Path | None) -> str:
    if log is None or not log.exists():
        return ""
    return f":\n{log.read_text(errors='replace')[-3000:]}"
