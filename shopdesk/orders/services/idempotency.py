"""Idempotent actions: lock the order, replay a stored answer, or store the new one.

See docs/decisions/0004-idempotency-and-locking.md. Every action that moves money
(cancel, item change with a refund) runs as:

    order = order_lock(order_id=...)                       # row lock: actions on one order queue up
    replay = action_replay(order=..., action=..., keys=..., request=...)
    if replay is not None: return replay                   # same key + same body: the first answer
    ... eligibility re-check, the change, the events, the outbox ...
    action_store(order=..., action=..., keys=..., request=..., result=...)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from shopdesk.core.errors import Conflict
from shopdesk.orders.models import Order, OrderActionRecord


def order_lock(*, order_id: int) -> Order:
    """SELECT ... FOR UPDATE on the order (on SQLite the IMMEDIATE transaction already serialises writers).

    Lock order: the order row first, then its payments by id. The shipment upsert locks the order
    row too before adding shipment lines, so a cancel and a shipment never interleave.

    The order row alone is locked, and its addresses are read after the lock: a locked join
    (`select_related` + `FOR UPDATE`) is re-evaluated on PostgreSQL once a competing transaction
    that repointed an address commits, and the row then no longer matches (`DoesNotExist`).
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    # Read after the lock, so these are the addresses the lock holder sees as current.
    order.shipping_address  # noqa: B018
    order.billing_address  # noqa: B018
    return order


def request_hash(request: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def action_keys(*, order: Order, action: str, client_key: str | None, derived: str | None) -> list[str]:
    """The record keys of a request: the client's Idempotency-Key (hashed, scoped) and/or a derived one."""
    keys = []
    if client_key:
        digest = hashlib.sha256(client_key.encode()).hexdigest()[:40]
        keys.append(f"order:{order.pk}:{action}:client:{digest}")
    if derived:
        keys.append(f"order:{order.pk}:{action}:{derived}")
    return keys


def action_replay(*, keys: list[str], request: dict[str, Any]) -> dict[str, Any] | None:
    """The stored answer for these keys; Conflict when a client key comes back with another body."""
    wanted = request_hash(request)
    for record in OrderActionRecord.objects.filter(key__in=keys):
        if ":client:" in record.key and record.request_hash != wanted:
            raise Conflict(
                "This Idempotency-Key was already used for a different request.",
                code="idempotency_key_reused",
            )
    first = OrderActionRecord.objects.filter(key__in=keys).order_by("id").first()
    return dict(first.result) if first is not None else None


def action_store(
    *,
    order: Order,
    action: str,
    keys: list[str],
    request: dict[str, Any],
    result: dict[str, Any],
    now: dt.datetime,
) -> None:
    digest = request_hash(request)
    OrderActionRecord.objects.bulk_create(
        [
            OrderActionRecord(
                key=key, order=order, action=action, request_hash=digest, result=result, created_at=now
            )
            for key in keys
        ]
    )
