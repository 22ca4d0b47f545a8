"""A logging filter that masks secrets (tokens, passwords, keys) before a record is written."""

from __future__ import annotations

import logging
import re

_AUTH_SCHEME = re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{6,}")
_SHOPDESK_TOKEN = re.compile(r"\bsd_[A-Za-z0-9_-]{8,}")
# Sign-in and email-change links carry their token in the path.
_TOKEN_IN_PATH = re.compile(r"(/(?:magic|email-change|confirm|unsubscribe)/)[A-Za-z0-9_.~-]{12,}")
_KEY_VALUE = re.compile(
    r"(?i)\b(password|passwd|secret|api[_-]?key|token|signature|sessionid|csrftoken)(\s*[=:]\s*|\"\s*:\s*\")([^\s,;'\"&]+)"
)


def redact(text: str) -> str:
    text = _AUTH_SCHEME.sub(lambda m: f"{m.group(1)} [redacted]", text)
    text = _SHOPDESK_TOKEN.sub("[redacted]", text)
    text = _TOKEN_IN_PATH.sub(lambda m: f"{m.group(1)}[redacted]", text)
    return _KEY_VALUE.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
