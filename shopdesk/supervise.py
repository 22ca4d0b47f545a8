"""Run the web server and its workers side by side, and stop them together (what `make run` uses).

    python -m shopdesk.supervise "shopdesk serve" "shopdesk worker" "shopdesk db_worker"

Each command runs in its own process group (gunicorn's workers join their master's), so a stop reaches
every process a command started, and only this process decides when they stop: on Ctrl-C, SIGTERM or a
closed terminal, and as soon as one command exits (a server that failed to start leaves no worker behind).
Each group gets SIGTERM, then SIGKILL after `--grace` seconds. The exit status is 0 after a stop asked
for, else that of the command that exited first.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _signal_group(child: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the whole group is gone already
        os.killpg(child.pid, signum)


def _stop(children: Sequence[subprocess.Popen[bytes]], grace: float) -> None:
    """SIGTERM to every group, a wait of up to `grace` seconds, then SIGKILL to what is left."""
    for child in children:
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(deadline - time.monotonic(), 0))
    for child in children:
        # The group may outlive its leader (a worker process of the server): it goes too.
        _signal_group(child, signal.SIGKILL)
        child.wait()


def supervise(commands: Sequence[Sequence[str]], *, grace: float = 10.0, poll: float = 0.2) -> int:
    """Start every command, wait for a stop signal or for one of them to exit, then stop them all."""
    asked: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        asked.append(signum)

    previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
    children: list[subprocess.Popen[bytes]] = []
    exited: int | None = None  # the index of the command that exited by itself
    try:
        for command in commands:
            children.append(subprocess.Popen(list(command), process_group=0))  # noqa: S603 - our commands
        while not asked and exited is None:
            exited = next((index for index, child in enumerate(children) if child.poll() is not None), None)
            if exited is None:
                time.sleep(poll)
        names = ", ".join(shlex.join(command) for command in commands)
        if exited is not None and not asked:
            sys.stderr.write(
                f"{shlex.join(commands[exited])} exited with status {children[exited].returncode}; "
                f"stopping {names}.\n"
            )
        else:
            sys.stderr.write(f"Stopping {names}.\n")
        sys.stderr.flush()
    finally:
        _stop(children, grace)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if asked or exited is None:
        return 0
    code = children[exited].returncode
    return code if code >= 0 else 128 - code  # killed by a signal: the shell's 128 + signal number


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shopdesk.supervise",
        description="Run commands side by side; Ctrl-C (or one of them exiting) stops them all.",
    )
    parser.add_argument("commands", nargs="+", help='each command as one argument: "shopdesk worker"')
    parser.add_argument("--grace", type=float, default=10.0, help="seconds to stop before SIGKILL (10)")
    options = parser.parse_args(argv)
    return supervise([shlex.split(command) for command in options.commands], grace=options.grace)


if __name__ == "__main__":
    sys.exit(main())
