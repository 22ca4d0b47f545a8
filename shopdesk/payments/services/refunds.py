"""Record refunds as lines and move `Payment.amount_refunded`, under a row lock, never past what was captured.

refund_create(...)              a Refund + RefundLines for money going back (idempotent by key)
authorisation_reduce(...)       lower (or void) an uncaptured authorisation instead of refunding
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F
from django.db.models.functions import Round

from shopdesk.core.errors import Conflict
from shopdesk.orders.models import Order
from shopdesk.payments.enums import PaymentState, RefundLineKind, RefundStatus
from shopdesk.payments.models import Payment, Refund, RefundLine


@dataclass(frozen=True, slots=True)
class RefundLineDraft:
    kind: RefundLineKind
    amount: Decimal  # positive: paid back; negative: a deduction (coupon share, points part)
    description: str
    order_line_id: int | None = None
    quantity: int = 0


def payment_lock(*, payment_id: int) -> Payment:
    """Lock the payment row; callers lock the order first, then payments by id (one order, no deadlock)."""
    return Payment.objects.select_for_update().get(pk=payment_id)


def refund_create(
    *,
    order: Order,
    payment: Payment | None,
    lines: list[RefundLineDraft],
    points: int,
    reason: str,
    idempotency_key: str,
    now: dt.datetime,
) -> Refund:
    """Write the refund and raise the payment's refunded amount in one step.

    The amount is the sum of the lines. It must fit in captured - refunded of the locked payment:
    the caller computes it that way, and a mistake here stops with Conflict before the DB CHECK would.
    """
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    amount = sum((line.amount for line in lines), Decimal(0))
    if amount < 0:
        raise Conflict("A refund cannot be negative.", code="refund_negative")
    if payment is not None and amount > 0:
        locked = payment_lock(payment_id=payment.pk)
        available = locked.amount_captured - locked.amount_refunded
        if amount > available:
            raise Conflict(
                "This refund is larger than what is left to refund on the payment.",
                code="refund_exceeds_captured",
            )
        # Round: SQLite adds decimals as floats, and 83.94 + 16.01 must still equal a captured 99.95 there.
        Payment.objects.filter(pk=locked.pk).update(amount_refunded=Round(F("amount_refunded") + amount, 2))
    refund = Refund.objects.create(
        order=order,
        payment=payment,
        currency=order.currency,
        amount=amount,
        points=points,
        status=RefundStatus.PENDING,
        reason=reason[:200],
        idempotency_key=idempotency_key,
        created_at=now,
    )
    RefundLine.objects.bulk_create(
        [
            RefundLine(
                refund=refund,
                kind=line.kind,
                order_line_id=line.order_line_id,
                quantity=line.quantity,
                amount=line.amount,
                description=line.description[:300],
            )
            for line in lines
        ]
    )
    return refund


def authorisation_reduce(*, payment: Payment, amount: Decimal, void: bool) -> Payment:
    """Nothing was captured: release part of the hold on the card, or all of it (VOIDED)."""
    locked = payment_lock(payment_id=payment.pk)
    if void:
        Payment.objects.filter(pk=locked.pk).update(state=PaymentState.VOIDED)
    else:
        reduce_by = min(amount, locked.amount_authorised - locked.amount_captured)
        Payment.objects.filter(pk=locked.pk).update(
            amount_authorised=Round(F("amount_authorised") - reduce_by, 2)
        )
    locked.refresh_from_db()
    return locked
