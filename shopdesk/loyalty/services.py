"""Writes to the points ledger: append-only entries, each with an idempotency key so a retry adds nothing."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max

from shopdesk.loyalty.models import PointsEntry, PointsEntryKind
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy


def _entry(
    *,
    order: Order,
    kind: PointsEntryKind,
    points: int,
    available_at: dt.datetime,
    note: str,
    key: str,
    now: dt.datetime,
) -> PointsEntry:
    existing = PointsEntry.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():  # savepoint: a lost race must not break the caller's transaction
            return PointsEntry.objects.create(
                customer_id=order.customer_id,
                order=order,
                kind=kind,
                points=points,
                available_at=available_at,
                note=note[:200],
                idempotency_key=key,
                created_at=now,
            )
    except IntegrityError:
        return PointsEntry.objects.get(idempotency_key=key)


def points_return_for_cancel(
    *, order: Order, points: int, key: str, now: dt.datetime, refund_expected_at: dt.datetime | None = None
) -> PointsEntry | None:
    """Give back points spent on cancelled items, when the policy says (at once, or with the refund)."""
    if points <= 0:
        return None
    when = get_policy().points.returned_on_cancel
    available_at = now if when == "immediately" or refund_expected_at is None else refund_expected_at
    return _entry(
        order=order,
        kind=PointsEntryKind.RETURNED,
        points=points,
        available_at=available_at,
        note=f"Points spent on order {order.number}, given back after a cancellation.",
        key=key,
        now=now,
    )


def points_revoke_for_cancel(*, order: Order, points: int, key: str, now: dt.datetime) -> PointsEntry | None:
    """Take back points earned on cancelled items (they were never usable: earned points wait for delivery)."""
    if points <= 0:
        return None
    # Dated like the points it cancels, so a balance taken at any moment never dips below zero.
    earned_at = PointsEntry.objects.filter(order=order, kind=PointsEntryKind.EARNED).aggregate(
        at=Max("available_at")
    )
    return _entry(
        order=order,
        kind=PointsEntryKind.REVOKED,
        points=-points,
        available_at=earned_at["at"] or now,
        note=f"Points earned on order {order.number}, taken back after a cancellation.",
        key=key,
        now=now,
    )
