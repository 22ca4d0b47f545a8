"""The scheduled points jobs (run by `loyalty/tasks.py` through Django's Tasks API, or `shopdesk points …`).

    points_earn_delivered(now)  earned entries for orders delivered and not yet credited
    points_release_due(now)     pending entries whose day has come move to the available balance
    points_expire_due(now)      what is left of points older than the policy's months expires

Each works customer by customer in its own short transaction, with the balance row locked, and is safe to
run twice or on two workers at once: a settled entry is never settled again, an expiry has a key per batch.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q

from shopdesk.loyalty.ledger import balance_row_ensure, ledger_write
from shopdesk.loyalty.models import PointsBalance, PointsEntry, PointsEntryKind
from shopdesk.loyalty.selectors import points_batches
from shopdesk.loyalty.services import points_earn_for_order
from shopdesk.loyalty.webhook_events import points_available_emit
from shopdesk.orders.models import Order

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class JobRun:
    customers: int
    entries: int
    points: int

    def as_dict(self) -> dict[str, int]:
        return {"customers": self.customers, "entries": self.entries, "points": self.points}


def points_earn_delivered(*, now: dt.datetime, batch: int = 500) -> JobRun:
    """Orders whose every package is delivered and that have no earned entry yet (the store may send the
    delivery late: the points are dated from the delivery, not from this run)."""
    earned = PointsEntry.objects.filter(order=OuterRef("pk"), kind=PointsEntryKind.EARNED)
    orders = (
        Order.objects.annotate(
            packages=Count("shipments"),
            undelivered=Count("shipments", filter=Q(shipments__delivered_at__isnull=True)),
            delivered_at=Max("shipments__delivered_at"),
        )
        .filter(packages__gt=0, undelivered=0, delivered_at__lte=now)
        .filter(~Exists(earned))
        .order_by("pk")
    )
    customers, entries, total = set(), 0, 0
    for order in orders[:batch]:
        with transaction.atomic():
            entry = points_earn_for_order(order=order, delivered_at=order.delivered_at, now=now)
        if entry is not None:
            customers.add(order.customer_id)
            entries += 1
            total += entry.points
    return JobRun(len(customers), entries, total)


def points_release_due(*, now: dt.datetime) -> JobRun:
    """Settle pending entries whose `available_at` has come: pending → available, per customer."""
    due = PointsEntry.objects.filter(settled_at__isnull=True, available_at__lte=now)
    customer_ids = sorted(set(due.values_list("customer_id", flat=True)))
    entries = total = 0
    for customer_id in customer_ids:
        with transaction.atomic():
            balance_row_ensure(customer_id=customer_id, now=now)
            PointsBalance.objects.select_for_update().filter(customer_id=customer_id).first()
            rows = PointsEntry.objects.filter(
                customer_id=customer_id, settled_at__isnull=True, available_at__lte=now
            )
            due_entries = list(rows.select_related("order").order_by("pk"))
            ids = [entry.pk for entry in due_entries]
            net = sum(entry.points for entry in due_entries)
            # Conditional: only entries still pending are settled, so a second worker settles nothing twice.
            settled = PointsEntry.objects.filter(pk__in=ids, settled_at__isnull=True).update(settled_at=now)
            if settled != len(ids):  # pragma: no cover - the row lock makes this impossible
                raise RuntimeError("pending points settled twice")
            balance = (
                PointsBalance.objects.filter(customer_id=customer_id).values("available", "pending").get()
            )
            PointsBalance.objects.filter(customer_id=customer_id).update(
                available=F("available") + net, pending=F("pending") - net, updated_at=now
            )
            before = {"available": int(balance["available"]), "pending": int(balance["pending"])}
            after = {"available": before["available"] + net, "pending": before["pending"] - net}
            points_available_emit(entries=due_entries, before=before, after=after, at=now)
        entries += len(ids)
        total += net
    if customer_ids:
        logger.info("points released", extra={"customers": len(customer_ids), "points": total})
    return JobRun(len(customer_ids), entries, total)


def points_expire_due(*, now: dt.datetime) -> JobRun:
    """Expire what is left of each batch of points whose `expires_at` has passed (oldest points are used first)."""
    candidates = (
        PointsBalance.objects.filter(available__gt=0)
        .filter(
            Exists(
                PointsEntry.objects.filter(
                    customer_id=OuterRef("customer_id"),
                    settled_at__isnull=False,
                    expires_at__lte=now,
                    points__gt=0,
                )
            )
        )
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
    )
    customers = entries = total = 0
    for customer_id in list(candidates):
        expired_here = 0
        with transaction.atomic():
            PointsBalance.objects.select_for_update().filter(customer_id=customer_id).first()
            for batch in points_batches(customer_id=customer_id):
                if batch.remaining <= 0 or batch.expires_at is None or batch.expires_at > now:
                    continue
                ledger_write(
                    customer_id=customer_id,
                    order=batch.entry.order,
                    kind=PointsEntryKind.EXPIRED,
                    points=-batch.remaining,
                    available_at=now,
                    note=f"{batch.remaining:,} points from {batch.entry.available_at:%Y-%m-%d} expired.",
                    key=f"points:expired:entry:{batch.entry.pk}",
                    now=now,
                    created_at=batch.expires_at,
                )
                expired_here += batch.remaining
                entries += 1
        if expired_here:
            customers += 1
            total += expired_here
    return JobRun(customers, entries, total)
