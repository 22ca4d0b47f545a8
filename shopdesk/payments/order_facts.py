"""What the rules and the refund plan look at, read once: an order's lines, units shipped per line, packages
and payments. It sits with payments, the lowest layer that sees all four."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum

from shopdesk.core.statements import is_plain_read
from shopdesk.orders.models import Order, OrderLine
from shopdesk.payments.enums import PaymentState
from shopdesk.payments.models import Payment
from shopdesk.shipping.models import Shipment, ShipmentLine


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What the rules look at, read once: lines, units shipped per line, packages and payments."""

    order: Order
    lines: list[OrderLine]
    shipped: dict[int, int]
    shipments: list[Shipment]
    payments: list[Payment]

    def units_shipped(self, line: OrderLine) -> int:
        return self.shipped.get(line.pk, 0)

    def units_unshipped(self, line: OrderLine) -> int:
        return max(line.quantity_active - self.units_shipped(line), 0)

    @property
    def active_lines(self) -> list[OrderLine]:
        return [line for line in self.lines if line.quantity_active > 0]

    @property
    def unshipped_lines(self) -> list[OrderLine]:
        return [line for line in self.active_lines if self.units_unshipped(line) > 0]

    @property
    def any_shipped(self) -> bool:
        return bool(self.shipments) or any(self.shipped.values())

    @property
    def live_payments(self) -> list[Payment]:
        return [p for p in self.payments if p.state not in (PaymentState.DECLINED, PaymentState.VOIDED)]

    @property
    def captured(self) -> Decimal:
        return sum((p.amount_captured for p in self.live_payments), Decimal(0))


# Facts already read in this block (`order_facts_kept`), per order id; None outside such a block.
_kept: ContextVar[dict[int, OrderFacts] | None] = ContextVar("order_facts_kept", default=None)


@contextmanager
def order_facts_kept() -> Iterator[None]:
    """Within the block, an order's facts are read once while the connection only reads: a write, a
    savepoint, a transaction or a locking read forgets them all, so whatever acts re-reads what it acts on.

    For one request that asks the same rules several times (a chat turn's preview checks an action's
    eligibility, then its preview checks it again); never kept across requests."""
    kept: dict[int, OrderFacts] = {}
    token = _kept.set(kept)

    def forget_on_write(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if kept and not is_plain_read(sql):
            kept.clear()
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(forget_on_write):
            yield
    finally:
        _kept.reset(token)


def order_facts(order: Order) -> OrderFacts:
    """Read the facts in four queries (lines, shipped units, packages, payments with their checks); once
    per order inside `order_facts_kept` while nothing is written."""
    kept = _kept.get()
    if kept is not None and order.pk in kept:
        facts = kept[order.pk]
        return facts if facts.order is order else dataclasses.replace(facts, order=order)
    facts = _order_facts_read(order)
    if kept is not None:
        kept[order.pk] = facts
    return facts


def _order_facts_read(order: Order) -> OrderFacts:
    lines = list(order.lines.all())
    shipped_rows = (
        ShipmentLine.objects.filter(order_line__order=order)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
    )
    shipped = {row["order_line_id"]: int(row["units"] or 0) for row in shipped_rows}
    shipments = list(Shipment.objects.filter(order=order))
    payments = list(Payment.objects.filter(order=order).select_related("verification"))
    return OrderFacts(order=order, lines=lines, shipped=shipped, shipments=shipments, payments=payments)
