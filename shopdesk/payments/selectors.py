"""Reads of the payments app: an order's refunds, line by line, with when the money should arrive."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Sum

from shopdesk.core.calendar import business_days_add
from shopdesk.orders.models import Order
from shopdesk.payments.breakdown_rows import payment_method_label
from shopdesk.payments.enums import RefundLineKind, RefundStatus
from shopdesk.payments.models import Refund, RefundLine
from shopdesk.policy import get_policy


@dataclass(frozen=True, slots=True)
class RefundLineView:
    kind: str
    description: str
    quantity: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class RefundView:
    id: int
    amount: Decimal
    currency: str
    points: int
    status: str
    reason: str
    method: str
    payment_label: str  # "Visa ending 4242", "Google Pay", "store credit"
    destination: str  # original_payment | store_credit
    created_at: dt.datetime
    # The latest day the policy promises the money back on this payment method (None once settled).
    expected_by: dt.date | None
    lines: tuple[RefundLineView, ...]


def _expected_by(refund: Refund, method: str) -> dt.date | None:
    if refund.status not in (RefundStatus.PENDING, RefundStatus.PROCESSING):
        return None
    policy_method = get_policy().payment_method(method)
    days = policy_method.refund_days_max if policy_method else 10
    return business_days_add(refund.created_at.date(), days)  # banks do not move money at weekends


def refunds_for_order(*, order: Order) -> list[RefundView]:
    """Every refund of the order with its lines (two queries, whatever their number)."""
    refunds = (
        Refund.objects.filter(order=order)
        .select_related("payment")
        .prefetch_related(Prefetch("lines", queryset=RefundLine.objects.order_by("id")))
        .order_by("created_at", "id")
    )
    views = []
    for refund in refunds:
        method = refund.payment.method if refund.payment else ""
        views.append(
            RefundView(
                id=refund.pk,
                amount=refund.amount,
                currency=refund.currency,
                points=refund.points,
                status=refund.status,
                reason=refund.reason,
                method=method,
                payment_label=payment_method_label(refund.payment) if refund.payment else "",
                destination=refund.destination,
                created_at=refund.created_at,
                expected_by=_expected_by(refund, method),
                lines=tuple(
                    RefundLineView(
                        kind=line.kind,
                        description=line.description,
                        quantity=line.quantity,
                        amount=line.amount,
                    )
                    for line in refund.lines.all()
                ),
            )
        )
    return views


def units_refunded_by_line(*, order_id: int) -> dict[int, int]:
    """Units of each order line the order's refunds paid back, from the item lines the refund breakdown
    records on every refund (cancels, returns, agents' item refunds, the store's own): one query. A
    refund the provider refused counts again once it is sent again; lines with none are left out."""
    rows = (
        RefundLine.objects.filter(
            refund__order_id=order_id, kind=RefundLineKind.ITEM, order_line_id__isnull=False, quantity__gt=0
        )
        .exclude(refund__status=RefundStatus.FAILED)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    return {row["order_line_id"]: int(row["units"]) for row in rows}
