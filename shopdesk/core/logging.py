"""A logging filter that masks secrets (tokens, passwords, keys) before a record is written."""

from __future__ import annotations

import logging
import re

_SECRET = re.compile(
    r"(?i)(authorization|bearer|token|password|passwd|secret|api[_-]?key|signature)(\W{1,4})([^\s,;'\"&]+)"
)


def redact(text: str) -> str:
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
