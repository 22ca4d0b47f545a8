"""Production settings pass Django's deployment checklist."""

import os
import subprocess
import sys


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40 + "-9f8e7d6c5b4a",
        "SHOPDESK_HTTPS": "1",
        "SHOPDESK_DEBUG": "0",
        "ALLOWED_HOSTS": "help.example.com",
        "SHOPDESK_DATA_DIR": str(tmp_path),
        "SHOPDESK_TESTING": "",
    }
    # A browser test in the same worker may have set it; production never does (check --deploy warns).
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "shopdesk", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_cli_lists_its_commands():
    result = subprocess.run(
        [sys.executable, "-m", "shopdesk", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for command in ("serve", "demo", "token", "import", "worker", "nlu"):
        assert command in result.stdout
