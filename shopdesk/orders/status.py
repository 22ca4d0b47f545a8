"""Derived order statuses: pure functions of lines, shipments and payments (never stored, never set by hand)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.orders.enums import FulfilmentStatus, PaymentStatus, ReturnStatus
from shopdesk.payments.enums import PaymentState, VerificationStatus
from shopdesk.policy.schema import Policy
from shopdesk.shipping.enums import TrackingStatus


@dataclass(frozen=True, slots=True)
class LineQuantities:
    ordered: int
    cancelled: int
    returned: int
    shipped: int  # units in shipments, whatever their tracking says

    @property
    def active(self) -> int:
        return self.ordered - self.cancelled

    @property
    def unshipped(self) -> int:
        return max(self.active - self.shipped, 0)


def line_quantities(order_line: object, shipped: int) -> LineQuantities:
    return LineQuantities(
        ordered=order_line.quantity,  # type: ignore[attr-defined]
        cancelled=order_line.quantity_cancelled,  # type: ignore[attr-defined]
        returned=order_line.quantity_returned,  # type: ignore[attr-defined]
        shipped=shipped,
    )


def fulfilment_status(lines: Iterable[LineQuantities], shipment_statuses: Iterable[str]) -> FulfilmentStatus:
    """Where the goods are, from the lines' quantities and each package's tracking status."""
    lines = list(lines)
    statuses = list(shipment_statuses)
    active = sum(line.active for line in lines)
    if active == 0:
        return FulfilmentStatus.CANCELLED
    if TrackingStatus.RETURNED_TO_SENDER in statuses:
        return FulfilmentStatus.RETURNED_TO_SENDER
    unshipped = sum(line.unshipped for line in lines)
    if not statuses or unshipped == active:
        return FulfilmentStatus.UNFULFILLED
    delivered = sum(1 for status in statuses if status == TrackingStatus.DELIVERED)
    if unshipped:
        return FulfilmentStatus.PARTIALLY_SHIPPED
    if delivered == len(statuses):
        return FulfilmentStatus.DELIVERED
    if delivered:
        return FulfilmentStatus.PARTIALLY_DELIVERED
    return FulfilmentStatus.SHIPPED


@dataclass(frozen=True, slots=True)
class PaymentFacts:
    state: str
    verification_status: str
    captured: Decimal
    refunded: Decimal


def payment_status(payments: Iterable[PaymentFacts]) -> PaymentStatus:
    """The order's payment status from its payment attempts (a declined attempt may be followed by a good one)."""
    payments = list(payments)
    if not payments:
        return PaymentStatus.PENDING
    live = [p for p in payments if p.state not in (PaymentState.DECLINED, PaymentState.VOIDED)]
    if not live:
        if any(p.state == PaymentState.VOIDED for p in payments):
            return PaymentStatus.VOIDED
        return PaymentStatus.DECLINED
    if any(p.verification_status == VerificationStatus.REQUIRED for p in live):
        return PaymentStatus.AWAITING_VERIFICATION
    captured = sum((p.captured for p in live), Decimal(0))
    refunded = sum((p.refunded for p in live), Decimal(0))
    if captured > 0:
        if refunded >= captured:
            return PaymentStatus.REFUNDED
        if refunded > 0:
            return PaymentStatus.PARTIALLY_REFUNDED
        return PaymentStatus.PAID
    if any(p.state == PaymentState.AUTHORISED for p in live):
        return PaymentStatus.AUTHORISED
    return PaymentStatus.PENDING


def return_status(lines: Iterable[LineQuantities]) -> ReturnStatus:
    lines = list(lines)
    returned = sum(line.returned for line in lines)
    if returned == 0:
        return ReturnStatus.NONE
    kept = sum(line.active for line in lines)
    return ReturnStatus.RETURNED if returned >= kept else ReturnStatus.PARTIALLY_RETURNED


def return_window_end(
    *, placed_at: dt.datetime, delivered_at: list[dt.datetime], policy: Policy
) -> dt.datetime | None:
    """None until the window has started (nothing delivered yet when it counts from delivery)."""
    if policy.returns.window_starts == "order":
        start = placed_at
    elif delivered_at:
        start = max(delivered_at)
    else:
        return None
    return start + dt.timedelta(days=policy.returns.window_days)
