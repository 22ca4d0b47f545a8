"""What the rules and the refund plan look at, read once: an order's lines, units shipped per line, packages
and payments. It sits with payments, the lowest layer that sees all four."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

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


def order_facts(order: Order) -> OrderFacts:
    """Read the facts in four queries (lines, shipped units, packages, payments with their checks)."""
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
