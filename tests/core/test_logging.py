import logging

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
