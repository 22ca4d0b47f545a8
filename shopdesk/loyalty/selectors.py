"""Reads of the points ledger: balances are sums of entries, never a stored counter."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils import timezone

from shopdesk.loyalty.models import PointsEntry, PointsEntryKind
from shopdesk.orders.models import Customer, Order


def points_balance(*, customer: Customer, at: dt.datetime | None = None) -> int:
    """Points the customer can spend at `at` (entries not yet available do not count)."""
    at = at or timezone.now()
    total = PointsEntry.objects.filter(customer=customer, available_at__lte=at).aggregate(total=Sum("points"))
    return int(total["total"] or 0)


def points_entries_for_order(order: Order) -> list[PointsEntry]:
    return list(PointsEntry.objects.filter(order=order).order_by("created_at", "id"))


def points_earned_outstanding(order: Order) -> int:
    """Points earned on the order and not yet revoked (what a full cancellation takes back)."""
    totals = PointsEntry.objects.filter(
        order=order, kind__in=[PointsEntryKind.EARNED, PointsEntryKind.REVOKED]
    ).aggregate(total=Sum("points"))
    return max(int(totals["total"] or 0), 0)


def points_returned_for_order(order: Order) -> int:
    totals = PointsEntry.objects.filter(order=order, kind=PointsEntryKind.RETURNED).aggregate(
        total=Sum("points")
    )
    return int(totals["total"] or 0)
