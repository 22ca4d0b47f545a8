"""An order's money rows: the payment attempt, refunds as lines, and the points ledger.

Capture rule (one rule, everywhere in the demo): cards and wallets are authorised at checkout and
captured when the first package is dispatched; PayPal, bank and pay-later methods are captured at
checkout. So an unfulfilled card order is authorised only, and a cancelled order with a refund was
paid by a method captured at checkout.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.demo.lines import LineDraft
from shopdesk.demo.rows import KeyAllocator, RowBuffer
from shopdesk.loyalty.ledger import expiry_for
from shopdesk.loyalty.models import PointsEntry
from shopdesk.orders.models import Order, OrderLine
from shopdesk.orderview.status import PaymentFacts
from shopdesk.payments.breakdown import (
    Charge,
    LinePart,
    RefundBreakdown,
)
from shopdesk.payments.breakdown_rows import order_breakdown, whole_order_charges
from shopdesk.payments.enums import PaymentState, RefundLineKind, RefundStatus, VerificationStatus
from shopdesk.payments.models import Payment, Refund, RefundLine
from shopdesk.policy.schema import Policy

CAPTURED_AT_DISPATCH = frozenset({"card", "apple_pay", "google_pay"})
METHOD_WEIGHTS = {
    "card": 50,
    "paypal": 20,
    "apple_pay": 10,
    "google_pay": 5,
    "klarna": 4,
    "afterpay": 4,
    "ideal": 8,
    "bancontact": 6,
    "konbini": 3,
    "store_credit": 1,
}
PROVIDERS = {
    "card": "stripe",
    "apple_pay": "stripe",
    "google_pay": "stripe",
    "paypal": "paypal",
    "klarna": "klarna",
    "afterpay": "afterpay",
    "store_credit": "shopdesk",
}
CARD_BRANDS = ("visa", "visa", "mastercard", "mastercard", "amex")


@dataclass(slots=True)
class PaymentPlan:
    method: str
    state: str  # declined | verification | authorised | captured
    decline_code: str = ""
    captured_at: dt.datetime | None = None


def choose_method(rng: random.Random, policy: Policy, country: str, *, captured_at_checkout: bool) -> str:
    methods = [m.code for m in policy.payment_methods_for(country)]
    if captured_at_checkout:
        methods = [code for code in methods if code not in CAPTURED_AT_DISPATCH] or methods
    weights = [METHOD_WEIGHTS.get(code, 2) for code in methods]
    return rng.choices(methods, weights=weights)[0]


def add_payment(
    *,
    rng: random.Random,
    keys: KeyAllocator,
    buffer: RowBuffer,
    order: Order,
    plan: PaymentPlan,
    amount: Decimal,
    verified: bool,
) -> Payment:
    card = plan.method in CAPTURED_AT_DISPATCH
    payment = Payment(
        id=keys(Payment),
        order_id=order.id,
        method=plan.method,
        provider=PROVIDERS.get(plan.method, "adyen"),
        provider_reference=f"pay_{rng.getrandbits(64):016x}",
        currency=order.currency,
        amount=amount,
        card_brand=rng.choice(CARD_BRANDS) if card else "",
        card_last4=f"{rng.randrange(10000):04d}" if card else "",
        created_at=order.placed_at,
    )
    if plan.state == "declined":
        payment.state, payment.decline_code = PaymentState.DECLINED, plan.decline_code
    elif plan.state == "verification":
        payment.state, payment.amount_authorised = PaymentState.AUTHORISED, amount
        payment.verification_status = VerificationStatus.REQUIRED
    elif plan.state == "authorised":
        payment.state, payment.amount_authorised = PaymentState.AUTHORISED, amount
    else:
        payment.state, payment.amount_authorised, payment.amount_captured = (
            PaymentState.CAPTURED,
            amount,
            amount,
        )
    if verified and plan.state != "verification":
        payment.verification_status = VerificationStatus.VERIFIED
    buffer.add(payment)
    return payment


def payment_facts(payment: Payment) -> PaymentFacts:
    return PaymentFacts(
        state=payment.state,
        verification_status=payment.verification_status,
        captured=payment.amount_captured,
        refunded=payment.amount_refunded,
    )


def _refund_rows(
    *,
    keys: KeyAllocator,
    buffer: RowBuffer,
    order: Order,
    payment: Payment,
    breakdown: RefundBreakdown,
    reason: str,
    key: str,
    created_at: dt.datetime,
    completed_at: dt.datetime,
) -> Refund:
    """The refund rows of a breakdown, as the product's refund service would write them (one payment)."""
    refund = Refund(
        id=keys(Refund),
        order_id=order.id,
        payment_id=payment.id,
        currency=order.currency,
        amount=breakdown.total,
        points=breakdown.points,
        status=RefundStatus.SUCCEEDED,
        reason=reason,
        idempotency_key=key,
        created_at=created_at,
        completed_at=completed_at,
    )
    buffer.add(refund)
    for line in breakdown.lines:  # keys are handed out in sequence, for determinism
        buffer.add(
            RefundLine(
                id=keys(RefundLine),
                refund_id=refund.id,
                kind=line.kind,
                order_line_id=line.order_line_id,
                quantity=line.quantity,
                amount=line.amount,
                description=line.description,
            )
        )
    payment.amount_refunded += breakdown.total
    return refund


def _line_part(row: OrderLine, units: int) -> LinePart:
    return LinePart(
        row.id,
        row.product_name,
        row.quantity,
        row.unit_price,
        row.discount_amount,
        row.tax_amount,
        units=units,
    )


def add_cancellation_refund(
    *,
    keys: KeyAllocator,
    buffer: RowBuffer,
    order: Order,
    payment: Payment,
    lines: list[tuple[OrderLine, LineDraft]],
    cancelled_at: dt.datetime,
    completed_at: dt.datetime,
) -> Refund:
    """Everything back, through the product's refund breakdown: items net of coupons with their tax,
    shipping and duties; the part paid with points goes back as points."""
    rows = [row for row, _draft in lines]
    breakdown = order_breakdown(
        order=order,
        payments=[payment],
        parts=[_line_part(row, row.quantity) for row in rows],
        charges=whole_order_charges(order, rows),
        whole_order=True,
    )
    return _refund_rows(
        keys=keys,
        buffer=buffer,
        order=order,
        payment=payment,
        breakdown=breakdown,
        reason="Order cancelled before dispatch",
        key=f"demo:{order.number}:cancel",
        created_at=cancelled_at,
        completed_at=completed_at,
    )


def add_return_refund(
    *,
    keys: KeyAllocator,
    buffer: RowBuffer,
    order: Order,
    payment: Payment,
    row: OrderLine,
    draft: LineDraft,
    label_fee: Decimal,
    created_at: dt.datetime,
    completed_at: dt.datetime,
) -> Refund:
    """One unit sent back, through the refund breakdown: its price and tax, less its coupon share, its
    points share and the return label."""
    charges = [Charge(RefundLineKind.RETURN_LABEL, -label_fee, "Return label")] if label_fee else []
    breakdown = order_breakdown(order=order, payments=[payment], parts=[_line_part(row, 1)], charges=charges)
    return _refund_rows(
        keys=keys,
        buffer=buffer,
        order=order,
        payment=payment,
        breakdown=breakdown,
        reason="Returned: did not fit",
        key=f"demo:{order.number}:return",
        created_at=created_at,
        completed_at=completed_at,
    )


def add_points(
    *,
    keys: KeyAllocator,
    buffer: RowBuffer,
    customer_id: int,
    order_id: int | None,
    kind: str,
    points: int,
    at: dt.datetime,
    available_at: dt.datetime,
    note: str,
) -> None:
    if points:
        buffer.add(
            PointsEntry(
                id=keys(PointsEntry),
                customer_id=customer_id,
                order_id=order_id,
                kind=kind,
                points=points,
                available_at=available_at,
                expires_at=expiry_for(available_at) if points > 0 else None,
                note=note[:200],
                created_at=at,
            )
        )
