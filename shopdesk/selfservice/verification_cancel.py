"""The order cancel that a failed or expired payment check uses (handed to payments at start-up)."""

from __future__ import annotations

import datetime as dt

from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.selfservice.services.cancel import order_cancel


def cancel_for_verification(order: Order, actor: Actor, reason: str, key: str, now: dt.datetime) -> str:
    """Cancel the whole order with its refund (or the hold released), once per key: the sentence it ends with."""
    done = order_cancel(order=order, actor=actor, reason=reason, idempotency_key=key, now=now)
    return done.message
