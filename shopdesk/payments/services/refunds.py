"""Record refunds as lines and move `Payment.amount_refunded`, under a row lock, never past what was captured.

refund_create(...)              a Refund + RefundLines for money going back (idempotent by key)
authorisation_reduce(...)       lower (or void) an uncaptured authorisation instead of refunding

Amounts are computed in Python from the locked row and written as values: SQL arithmetic on SQLite
goes through floats, and rounding it would have to assume a number of decimals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from shopdesk.core.errors import Conflict
from shopdesk.core.money import quantize
from shopdesk.orders.models import Order
from shopdesk.payments.enums import PaymentState, RefundLineKind, RefundStatus
from shopdesk.payments.models import Payment, Refund, RefundLine
from shopdesk.payments.services.refund_follow_up import refund_provider_schedule
from shopdesk.payments.services.status import payment_transition


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


def payments_lock(*, order_id: int) -> list[Payment]:
    """Lock every payment of an order, by id; the caller already holds the order's lock."""
    return list(Payment.objects.select_for_update().filter(order_id=order_id).order_by("pk"))


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
    amount = quantize(sum((line.amount for line in lines), Decimal(0)), order.currency)
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
        updated = Payment.objects.filter(pk=locked.pk, amount_refunded=locked.amount_refunded).update(
            amount_refunded=quantize(locked.amount_refunded + amount, order.currency)
        )
        if updated != 1:
            raise Conflict("This payment changed a moment ago.", code="payment_changed")
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
    if payment is not None and amount > 0:
        # The provider answers after commit (the demo provider, when it is on: a scheduled job).
        transaction.on_commit(lambda: refund_provider_schedule(refund.pk))
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
    """Nothing was captured: release part of the hold on the card, or all of it (VOIDED).

    Compare-and-set on "still authorised, nothing captured": a capture that landed a moment ago
    makes this raise Conflict instead of being overwritten.
    """
    locked = payment_lock(payment_id=payment.pk)
    guard = {"amount_captured": 0, "amount_authorised": locked.amount_authorised}
    if void:
        payment_transition(
            payment_id=locked.pk,
            from_state=PaymentState.AUTHORISED,
            to_state=PaymentState.VOIDED,
            guard=guard,
        )
    else:
        reduce_by = min(amount, locked.amount_authorised - locked.amount_captured)
        payment_transition(
            payment_id=locked.pk,
            from_state=PaymentState.AUTHORISED,
            to_state=PaymentState.AUTHORISED,
            guard=guard,
            amount_authorised=quantize(locked.amount_authorised - reduce_by, locked.currency),
        )
    locked.refresh_from_db()
    return locked
