"""The order's rows as input of the one refund breakdown (payments/breakdown.py), and how a payment is named."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from shopdesk.orders.models import Order, OrderLine
from shopdesk.payments.breakdown import (
    STORE_CREDIT_METHODS,
    BreakdownRequest,
    Charge,
    LinePart,
    PaymentHeld,
    PointsPaid,
    RefundBreakdown,
    refund_breakdown,
)
from shopdesk.payments.enums import PaymentState, RefundLineKind, VerificationStatus
from shopdesk.payments.models import Payment
from shopdesk.policy import get_policy
from shopdesk.promotions.models import PriceAdjustment

CARD_BRANDS = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express"}


def payment_method_label(payment: Payment | None) -> str:
    """How the customer knows the payment: a card by brand and last digits, a wallet by its name."""
    if payment is None:
        return "payment method"
    if payment.method in STORE_CREDIT_METHODS:
        return "store credit"
    if payment.method == "card":
        brand = CARD_BRANDS.get(payment.card_brand.lower(), payment.card_brand.title() or "card")
        return f"{brand} ending {payment.card_last4}" if payment.card_last4 else brand
    method = get_policy().payment_method(payment.method)
    return method.name if method else payment.method.replace("_", " ")


def line_part(line: OrderLine, units: int, *, adjustment: PriceAdjustment | None = None) -> LinePart:
    """`units` of the line going back; `adjustment`: the line's price adjustment, when it had one (what it
    paid back comes off those units, see `LinePart`). A settled adjustment is left out: the line moved to
    another variant since, and that change took it off the difference (`breakdown.repriced_units`), so its
    units go back at the new price with nothing more to take off."""
    if adjustment is not None and adjustment.settled_at is not None:
        adjustment = None
    return LinePart(
        line_id=line.pk,
        name=line.product_name,
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount=line.discount_amount,
        tax=line.tax_amount,
        units=units,
        units_before=line.quantity_cancelled + line.quantity_returned + line.quantity_refunded,
        adjusted=adjustment.amount if adjustment is not None else Decimal(0),
        adjusted_units=adjustment.quantity if adjustment is not None else 0,
        coupon_capped=line.coupon_capped,
        coupon_capped_units=line.coupon_capped_units,
    )


def payment_held(payment: Payment) -> PaymentHeld | None:
    """What a live payment can give back; None for declined, voided or unverified holds."""
    if payment.state in (PaymentState.DECLINED, PaymentState.VOIDED, PaymentState.PENDING):
        return None
    if payment.amount_captured == 0 and (
        payment.state != PaymentState.AUTHORISED or payment.verification_status == VerificationStatus.REQUIRED
    ):
        return None  # an unverified hold is not touched: nothing was charged
    return PaymentHeld(
        id=payment.pk,
        method=payment.method,
        label=payment_method_label(payment),
        captured=payment.amount_captured,
        refunded=payment.amount_refunded,
        authorised=payment.amount_authorised,
    )


def whole_order_charges(order: Order, lines: list[OrderLine]) -> list[Charge]:
    """What only a whole-order refund gives back: shipping, the tax not on the lines, duties."""
    charges = [Charge(RefundLineKind.SHIPPING, order.shipping_total, "Shipping")]
    other_tax = order.tax_total - sum((line.tax_amount for line in lines), Decimal(0))
    if other_tax > 0:
        charges.append(Charge(RefundLineKind.TAX, other_tax, "Tax on shipping"))
    charges.append(Charge(RefundLineKind.DUTIES, order.duties_total, "Duties paid at checkout"))
    return charges


def order_breakdown(
    *,
    order: Order,
    payments: Iterable[Payment],
    parts: Sequence[LinePart],
    charges: Sequence[Charge] = (),
    whole_order: bool = False,
    points_returned_before: int = 0,
) -> RefundBreakdown:
    """The refund breakdown for an order's rows: its currency and total, its points at its own rate,
    and what each of its live payments still holds."""
    points = (
        PointsPaid(order.points_used, order.points_value, points_returned_before)
        if order.points_used
        else None
    )
    return refund_breakdown(
        BreakdownRequest(
            currency=order.currency,
            order_total=order.total,
            lines=tuple(parts),
            charges=tuple(charges),
            points=points,
            payments=tuple(h for p in payments if (h := payment_held(p)) is not None),
            whole_order=whole_order,
        )
    )
