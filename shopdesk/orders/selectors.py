"""Reads of orders: order-number normalisation (the order as every channel shows it lives in `orderview`)."""

from __future__ import annotations

import re

from shopdesk.policy import get_policy

_NOISE = re.compile(r"[\s#\-_./]+")


def order_number_normalise(text: str) -> str | None:
    """`kw 1000-0001`, `#10000001`, `KW10000001` → `KW10000001`; None when it can't be an order number.

    Shorter digit runs are zero-padded, because people drop leading zeros when they read a number out.
    """
    store = get_policy().store
    cleaned = _NOISE.sub("", (text or "")[:64]).upper()
    prefix = store.order_number_prefix.upper()
    if prefix and cleaned.startswith(prefix):
        cleaned = cleaned[len(prefix) :]
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > store.order_number_digits:
        return None
    if int(cleaned) == 0:
        return None
    return f"{prefix}{cleaned.zfill(store.order_number_digits)}"
