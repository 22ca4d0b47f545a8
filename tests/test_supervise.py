"""`make run`'s supervisor: the server and its workers start together, and one Ctrl-C (or one of them
exiting) stops them all, the processes they started included."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="process groups are POSIX")

# A child that writes its pid (and, with `spawn`, the pid of a process it started) and then waits.
CHILD = """
import os, subprocess, sys, time, signal
folder, name, mode = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
pids = [os.getpid()]
if mode == "spawn":
    pids.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]).pid)
if mode.startswith("exit"):
    # Exit only once the other child (named after the status) wrote its pid: on a busy machine the
    # supervisor could otherwise stop it before it started, and the test would wait for its pid in vain.
    status, other = mode[4:].split(":")
    deadline = time.monotonic() + 20
    while not os.path.exists(os.path.join(folder, other)) and time.monotonic() < deadline:
        time.sleep(0.02)
    sys.exit(int(status))
with open(os.path.join(folder, name + ".part"), "w") as part:  # whole or not there
    part.write(" ".join(map(str, pids)))
os.replace(os.path.join(folder, name + ".part"), os.path.join(folder, name))
time.sleep(60)
"""


def _command(folder: Path, name: str, mode: str = "wait") -> str:
    return shlex.join([sys.executable, "-c", CHILD, str(folder), name, mode])


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for a parent that may never reap it (PID 1 in a container)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state != "Z"


def _pids(folder: Path, names: list[str], timeout: float = 20) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all((folder / name).exists() and (folder / name).read_text() for name in names):
            return [int(pid) for name in names for pid in (folder / name).read_text().split()]
        time.sleep(0.05)
    raise AssertionError("the children never started")


def _supervise(*commands: str, grace: str = "5") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "shopdesk.supervise", "--grace", grace, *commands],
        stderr=subprocess.PIPE,
        text=True,
    )


def _gone(pids: list[int], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_alive(pid) for pid in pids):
            return True
        time.sleep(0.05)
    return False


def test_one_ctrl_c_stops_every_command_and_what_they_started(tmp_path: Path) -> None:
    supervisor = _supervise(_command(tmp_path, "server", "spawn"), _command(tmp_path, "worker"))
    pids = _pids(tmp_path, ["server", "worker"])
    assert len(pids) == 3 and all(_alive(pid) for pid in pids)
    supervisor.send_signal(signal.SIGINT)
    _, errors = supervisor.communicate(timeout=20)
    assert supervisor.returncode == 0
    assert "Stopping" in errors
    assert _gone(pids), "a child (or the process it started) outlived the supervisor"


def test_a_command_that_exits_stops_the_others_with_its_status(tmp_path: Path) -> None:
    supervisor = _supervise(_command(tmp_path, "worker"), _command(tmp_path, "server", "exit3:worker"))
    pids = _pids(tmp_path, ["worker"])
    _, errors = supervisor.communicate(timeout=20)
    assert supervisor.returncode == 3
    assert "exited with status 3" in errors
    assert _gone(pids)


def test_a_command_deaf_to_sigterm_is_killed_after_the_grace(tmp_path: Path) -> None:
    supervisor = _supervise(_command(tmp_path, "stubborn", "stubborn"), grace="0.5")
    pids = _pids(tmp_path, ["stubborn"])
    started = time.monotonic()
    supervisor.send_signal(signal.SIGTERM)
    supervisor.communicate(timeout=20)
    assert supervisor.returncode == 0
    assert _gone(pids)
    assert time.monotonic() - started < 10
