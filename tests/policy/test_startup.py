"""A bad policy file stops the process at start-up, naming the file and the key."""

import os
import subprocess
import sys
from pathlib import Path

from shopdesk.policy.loader import DEFAULT_POLICY_FILE


def test_startup_stops_on_a_bad_policy(tmp_path: Path):
    path = tmp_path / "store.toml"
    path.write_text(DEFAULT_POLICY_FILE.read_text().replace("min_redeem = 500", "min_redeem = -5"))
    env = {
        **os.environ,
        "SHOPDESK_POLICY": str(path),
        "SHOPDESK_DATA_DIR": str(tmp_path),
        "SHOPDESK_TESTING": "1",
    }
    result = subprocess.run(
        [sys.executable, "-m", "shopdesk", "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert str(path) in result.stderr
    assert "points.min_redeem" in result.stderr
