"""`shopdesk demo` on a database that was never migrated: it sets it up, or says in one line what to run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _shopdesk(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHOPDESK_DATA_DIR": str(data_dir), "SHOPDESK_TESTING": ""}
    env.pop("DATABASE_URL", None)  # a fresh SQLite file, whatever the suite runs on
    return subprocess.run(
        [sys.executable, "-m", "shopdesk", *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_demo_migrates_a_fresh_database_first(tmp_path: Path) -> None:
    result = _shopdesk(tmp_path, "demo", "--orders", "3", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    listed = _shopdesk(tmp_path, "demo", "--list")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 3


def test_listing_a_fresh_database_says_what_to_run(tmp_path: Path) -> None:
    result = _shopdesk(tmp_path, "demo", "--list")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "shopdesk migrate" in result.stderr and len(result.stderr.strip().splitlines()) == 1
