"""The demo store's points after its orders are written: balance rows counted from the ledger, a few
shoppers with old points about to expire, and the situations `points_pending` and `points_expiring`."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction

from shopdesk.demo.models import DemoOrder
from shopdesk.demo.situations import Situation
from shopdesk.loyalty.ledger import balance_rebuild, ledger_write, months_add
from shopdesk.loyalty.models import PointsEntry, PointsEntryKind
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy

# Situations tagged here, after the orders are built (they depend on the customer's whole ledger).
LOAD_SITUATIONS = frozenset({Situation.POINTS_PENDING.value, Situation.POINTS_EXPIRING.value})
EXPIRING_SHOPPERS = 5  # customers given a batch of old points that expires within the next weeks


def demo_points_finish(*, order_ids: list[int], seed: int, anchor: dt.datetime) -> Counter[str]:
    """Balance rows for every demo customer, expiring points for a few, then tag the situations."""
    months = get_policy().points.expire_after_months
    customers = sorted(set(Order.objects.filter(pk__in=order_ids).values_list("customer_id", flat=True)))
    with transaction.atomic():
        for customer_id in customers:
            balance_rebuild(customer_id=customer_id, now=anchor)
        expiring: set[int] = set()
        if months:
            # Shoppers who never spent points: an old batch stays whole until it expires (oldest used first).
            spenders = set(
                PointsEntry.objects.filter(customer_id__in=customers, points__lt=0).values_list(
                    "customer_id", flat=True
                )
            )
            chosen = [c for c in customers if c not in spenders][:EXPIRING_SHOPPERS]
            for index, customer_id in enumerate(chosen):
                days_left = 6 + index * 4  # expires 6, 10, 14, … days after the anchor
                available_at = months_add(anchor + dt.timedelta(days=days_left), -months)
                ledger_write(
                    customer_id=customer_id,
                    order=None,
                    kind=PointsEntryKind.EARNED,
                    points=600 + 100 * index,
                    available_at=available_at,
                    note="Earned on earlier purchases.",
                    key=f"demo:{seed}:points:expiring:{customer_id}",
                    now=anchor,
                    created_at=available_at,
                )
                expiring.add(customer_id)
        pending_orders = set(
            PointsEntry.objects.filter(
                order_id__in=order_ids, kind=PointsEntryKind.EARNED, settled_at__isnull=True, points__gt=0
            ).values_list("order_id", flat=True)
        )
        tagged = []
        for demo in DemoOrder.objects.filter(order_id__in=order_ids).select_related("order"):
            extra = []
            if demo.order_id in pending_orders:
                extra.append(Situation.POINTS_PENDING.value)
            if demo.order.customer_id in expiring:
                extra.append(Situation.POINTS_EXPIRING.value)
            if extra:
                demo.situations = [*demo.situations, *extra]
                tagged.append(demo)
        DemoOrder.objects.bulk_update(tagged, ["situations"], batch_size=1000)
    return Counter(s for demo in tagged for s in demo.situations if s.startswith("points_"))
