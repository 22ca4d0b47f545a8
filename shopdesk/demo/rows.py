"""Rows waiting to be written: model instances with their primary keys assigned in Python.

Assigning keys up front lets one order's rows point at each other before anything reaches the database,
so a whole batch goes out as one bulk insert per table (no per-row queries, no RETURNING round trips).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import models
from django.db.models import Max

from shopdesk.catalog.models import Category, PriceChange, Product, Variant
from shopdesk.demo.models import DemoOrder
from shopdesk.loyalty.models import PointsEntry
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Address, Customer, Order, OrderCoupon, OrderEvent, OrderLine
from shopdesk.payments.models import Payment, PaymentVerification, Refund, RefundLine
from shopdesk.promotions.models import Coupon
from shopdesk.shipping.models import Shipment, ShipmentLine, TrackingEvent

# Insert order: a row's foreign keys always point at rows of an earlier table.
TABLES: tuple[type[models.Model], ...] = (
    Category,
    Product,
    Variant,
    PriceChange,
    Coupon,
    Customer,
    Address,
    Order,
    OrderLine,
    OrderCoupon,
    OrderEvent,
    Shipment,
    ShipmentLine,
    TrackingEvent,
    Payment,
    PaymentVerification,
    Refund,
    RefundLine,
    PointsEntry,
    DemoOrder,
    OutboxMessage,
)


class KeyAllocator:
    """Hands out primary keys above the largest one each table already has."""

    def __init__(self, tables: Iterable[type[models.Model]] = TABLES) -> None:
        self._next: dict[type[models.Model], int] = {}
        for model in tables:
            largest = model._default_manager.aggregate(largest=Max("pk"))["largest"] or 0
            self._next[model] = largest + 1
        self._first = dict(self._next)

    def snapshot(self, *, first: bool = False) -> dict[type[models.Model], int]:
        """The next key per table (or the first one this allocator handed out)."""
        return dict(self._first if first else self._next)

    def ranges(self) -> dict[str, list[int]]:
        """The keys handed out, per table label: exactly what a reset may delete."""
        start = self._first
        return {
            model._meta.label_lower: [start[model], self._next[model] - 1]
            for model in self._next
            if self._next[model] > start[model]
        }

    def __call__(self, model: type[models.Model]) -> int:
        key = self._next[model]
        self._next[model] = key + 1
        return key


class RowBuffer:
    """Instances per table, flushed together with one bulk_create per table."""

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], list[models.Model]] = defaultdict(list)

    def add(self, row: models.Model) -> None:
        self.rows[type(row)].append(row)

    def count(self, model: type[models.Model]) -> int:
        return len(self.rows.get(model, ()))

    def flush(self, *, batch_size: int = 2000) -> dict[type[models.Model], int]:
        written: dict[type[models.Model], int] = {}
        for model in TABLES:
            pending = self.rows.pop(model, None)
            if pending:
                model._default_manager.bulk_create(pending, batch_size=batch_size)
                written[model] = len(pending)
        self.rows.clear()
        return written
