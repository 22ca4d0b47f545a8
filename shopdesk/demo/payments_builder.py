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

from shopdesk.demo.pricing import ZERO, LineDraft, cents
from shopdesk.demo.rows import KeyAllocator, RowBuffer
from shopdesk.loyalty.models import PointsEntry
from shopdesk.orders.models import Order, OrderLine
from shopdesk.orderview.status import PaymentFacts
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
    """Everything back: each item, shipping and duties; the points part goes back as points."""
    refund = Refund(
        id=keys(Refund),
        order_id=order.id,
        payment_id=payment.id,
        currency=order.currency,
        points=order.points_used,
        status=RefundStatus.SUCCEEDED,
        reason="Order cancelled before dispatch",
        idempotency_key=f"demo:{order.number}:cancel",
        created_at=cancelled_at,
        completed_at=completed_at,
    )
    parts: list[RefundLine] = []
    for row, draft in lines:
        parts.append(
            RefundLine(
                id=keys(RefundLine),
                refund_id=refund.id,
                kind=RefundLineKind.ITEM,
                order_line_id=row.id,
                quantity=draft.quantity,
                amount=draft.net,
                description=f"{draft.quantity} × {draft.variant.product_name}",
            )
        )
    # Same order as before (shipping, duties, points): keys are handed out in sequence, for determinism.
    extras = (
        (RefundLineKind.SHIPPING, order.shipping_total, "Shipping"),
        (RefundLineKind.DUTIES, order.duties_total, "Duties and taxes paid at checkout"),
        (
            RefundLineKind.POINTS,
            -order.points_value if order.points_used else ZERO,
            f"Paid with points: {order.points_used} points back to your balance",
        ),
    )
    for kind, amount, description in extras:
        if amount:
            parts.append(
                RefundLine(
                    id=keys(RefundLine),
                    refund_id=refund.id,
                    kind=kind,
                    amount=amount,
                    description=description,
                )
            )
    refund.amount = sum((part.amount for part in parts), ZERO)
    payment.amount_refunded = refund.amount
    buffer.add(refund)
    for part in parts:
        buffer.add(part)
    return refund


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
    """One unit sent back: its price with its tax, less its coupon share and the return label."""
    refund = Refund(
        id=keys(Refund),
        order_id=order.id,
        payment_id=payment.id,
        currency=order.currency,
        status=RefundStatus.SUCCEEDED,
        reason="Returned: did not fit",
        idempotency_key=f"demo:{order.number}:return",
        created_at=created_at,
        completed_at=completed_at,
    )
    unit_tax = cents(draft.tax / draft.quantity)
    parts = [
        RefundLine(
            id=keys(RefundLine),
            refund_id=refund.id,
            kind=RefundLineKind.ITEM,
            order_line_id=row.id,
            quantity=1,
            amount=draft.unit_price + unit_tax,
            description=f"1 × {draft.variant.product_name} ({draft.variant.size}), tax included",
        )
    ]
    if draft.discount:
        parts.append(
            RefundLine(
                id=keys(RefundLine),
                refund_id=refund.id,
                kind=RefundLineKind.COUPON_SHARE,
                order_line_id=row.id,
                quantity=1,
                amount=-cents(draft.discount / draft.quantity),
                description="The coupon's share of this item",
            )
        )
    if label_fee:
        parts.append(
            RefundLine(
                id=keys(RefundLine),
                refund_id=refund.id,
                kind=RefundLineKind.RETURN_LABEL,
                amount=-label_fee,
                description="Return label",
            )
        )
    refund.amount = max(sum((part.amount for part in parts), ZERO), ZERO)
    payment.amount_refunded = refund.amount
    buffer.add(refund)
    for part in parts:
        buffer.add(part)
    return refund


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
                note=note[:200],
                created_at=at,
            )
        )
