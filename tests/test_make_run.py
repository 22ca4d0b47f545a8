"""`make run` serves with the email worker beside it, and the links in emails follow PORT."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_starts_the_worker_and_points_email_links_at_its_port() -> None:
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, timeout=60
    ).stdout
    serve = next(line for line in plan.splitlines() if "shopdesk serve" in line or "shopdesk worker" in line)
    assert "SHOPDESK_BASE_URL=http://127.0.0.1:8123" in serve
    assert "shopdesk worker &" in plan and "shopdesk serve" in plan
    demo = next(line for line in plan.splitlines() if "shopdesk demo" in line)
    assert "SHOPDESK_BASE_URL=http://127.0.0.1:8123" in demo
