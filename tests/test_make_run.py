"""`make run` serves with the outbox and scheduled-job workers beside it, under one supervisor, and the
links in emails follow PORT."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_starts_the_workers_and_points_email_links_at_its_port() -> None:
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    supervised = plan[plan.index("-m shopdesk.supervise") :]
    start = next(line for line in plan.splitlines() if "-m shopdesk.supervise" in line)
    assert "SHOPDESK_BASE_URL=http://127.0.0.1:8123" in start and "PORT=8123" in start
    commands = shlex.split(supervised.replace("\\\n", " "))
    assert {".venv/bin/shopdesk serve", ".venv/bin/shopdesk worker"} <= set(commands)
    assert any(command.startswith(".venv/bin/shopdesk db_worker") for command in commands)
    demo = next(line for line in plan.splitlines() if "shopdesk demo" in line)
    assert "SHOPDESK_BASE_URL=http://127.0.0.1:8123" in demo
