import logging

import pytest

from shopdesk.core.logging import RedactSecretsFilter, redact


def test_tokens_and_passwords_are_masked():
    line = "POST /api Authorization: Bearer sd_abcdef123 password=hunter2 token=xyz"
    cleaned = redact(line)
    assert "sd_abcdef123" not in cleaned
    assert "hunter2" not in cleaned
    assert "xyz" not in cleaned


def test_the_filter_rewrites_records():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token=%s", ("s3cret",), None)
    assert RedactSecretsFilter().filter(record)
    assert "s3cret" not in record.getMessage()


def test_tokens_in_link_paths_are_masked():
    line = (
        "GET /orders/magic/Zx9yQ2m7Hk3LpW5vT8nR1sA4dF6gJ0bC 302 and /orders/email-change/abcDEF123456ghiJKL/"
    )
    cleaned = redact(line)
    assert "Zx9yQ2m7Hk3LpW5vT8nR1sA4dF6gJ0bC" not in cleaned
    assert "abcDEF123456ghiJKL" not in cleaned
    assert "/orders/magic/[redacted]" in cleaned


@pytest.mark.django_db
def test_access_log_lines_never_carry_a_sign_in_token(client, caplog):
    with caplog.at_level(logging.INFO, logger="shopdesk.access"):
        client.get("/orders/magic/Zx9yQ2m7Hk3LpW5vT8nR1sA4dF6gJ0bC")
    lines = [record.getMessage() for record in caplog.records if record.name == "shopdesk.access"]
    assert lines, "the request was not logged"
    assert all("Zx9yQ2m7Hk3LpW5vT8nR1sA4dF6gJ0bC" not in line for line in lines)
