"""Compare what a row is with what the store sent, as flat JSON-able dicts (for "unchanged" and audit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

TWO_PLACES = Decimal("0.01")


def plain(value: Any) -> Any:
    """A value as it is compared and stored in an audit event: exact, JSON-able, one spelling."""
    if isinstance(value, Decimal):
        # 49, 49.0 and 49.00 are one price; compare (and show) them as "49.00".
        return str(value.quantize(TWO_PLACES))
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def changes(current: dict[str, Any], wanted: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) for the keys whose values differ; both empty when nothing changed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in sorted(current.keys() | wanted.keys()):
        old, new = plain(current.get(key)), plain(wanted.get(key))
        if old != new:
            before[key], after[key] = old, new
    return before, after
