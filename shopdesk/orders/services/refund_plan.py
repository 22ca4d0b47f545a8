"""What money goes back when items are cancelled or changed, computed before anything is written.

The same plan feeds the confirmation step of the page ("$84.00 goes back to your Visa ending 4242 within
5-10 business days"), the API preview and the service, so what the customer is told is what happens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.core.calendar import business_days_add
from shopdesk.core.money import format_money, quantize
from shopdesk.loyalty.selectors import points_returned_for_order
from shopdesk.orders.eligibility import OrderFacts
from shopdesk.orders.models import Order, OrderLine
from shopdesk.payments.enums import PaymentState, RefundLineKind, VerificationStatus
from shopdesk.payments.models import Payment
from shopdesk.payments.services.refunds import RefundLineDraft
from shopdesk.policy import get_policy


class PaymentOutcome:
    REFUND = "refund"  # money was captured: it goes back to the payment method
    VOID = "void"  # only authorised, whole order: the hold is released
    RELEASE = "release"  # only authorised, part of the order: the hold is lowered
    NOTHING = "nothing"  # declined, unverified or unpaid: nothing was charged


@dataclass(frozen=True, slots=True)
class RefundPlan:
    lines: list[RefundLineDraft]
    money: Decimal  # back to the payment method (after the points part and the cap)
    points: int  # points given back
    payment: Payment | None
    outcome: str
    currency: str
    method_label: str
    refund_days: tuple[int, int] | None

    def sentence(self, *, locale: str = "en_US") -> str:
        amount = format_money(self.money, self.currency, locale)
        points = f" {self.points} points come back to your account." if self.points else ""
        if self.outcome == PaymentOutcome.REFUND and self.money > 0:
            days = ""
            if self.refund_days:
                low, high = self.refund_days
                days = " straight away" if high == 0 else f" within {low}–{high} business days"
            return f"{amount} goes back to your {self.method_label}{days}.{points}"
        if self.outcome == PaymentOutcome.VOID:
            return f"Nothing was charged yet: the hold on your {self.method_label} is released.{points}"
        if self.outcome == PaymentOutcome.RELEASE:
            return f"Nothing was charged yet: the hold on your {self.method_label} goes down by {amount}.{points}"
        if self.outcome == PaymentOutcome.REFUND:
            return f"There is no money to refund.{points}"
        return f"Nothing was charged, so there is nothing to refund.{points}"

    def expected_by(self, now: dt.datetime) -> dt.datetime | None:
        if self.outcome != PaymentOutcome.REFUND or not self.refund_days:
            return None
        day = business_days_add(now.date(), self.refund_days[1])
        return dt.datetime.combine(day, now.timetz())


def _share(total: Decimal, units: int, quantity: int, currency: str) -> Decimal:
    return quantize(total * units / quantity, currency) if quantity else Decimal(0)


def line_refund_lines(*, line: OrderLine, units: int, currency: str) -> list[RefundLineDraft]:
    """Item, its coupon share and its tax for `units` of a line."""
    drafts = [
        RefundLineDraft(
            RefundLineKind.ITEM,
            quantize(line.unit_price * units, currency),
            f"{units} × {line.product_name}",
            line.pk,
            units,
        )
    ]
    coupon = _share(line.discount_amount, units, line.quantity, currency)
    if coupon:
        drafts.append(
            RefundLineDraft(
                RefundLineKind.COUPON_SHARE,
                -coupon,
                f"Coupon discount on {line.product_name}",
                line.pk,
                units,
            )
        )
    tax = _share(line.tax_amount, units, line.quantity, currency)
    if tax:
        drafts.append(
            RefundLineDraft(RefundLineKind.DUTIES, tax, f"Tax on {line.product_name}", line.pk, units)
        )
    return drafts


def _payment_to_use(facts: OrderFacts) -> Payment | None:
    live = facts.live_payments
    captured = [p for p in live if p.amount_captured > p.amount_refunded]
    if captured:
        return max(captured, key=lambda p: (p.amount_captured - p.amount_refunded, p.pk))
    authorised = [p for p in live if p.state == PaymentState.AUTHORISED and p.amount_captured == 0]
    return authorised[0] if authorised else None


def payment_method_label(payment: Payment | None) -> str:
    if payment is None:
        return "payment method"
    if payment.card_last4:
        brand = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express"}.get(
            payment.card_brand.lower(), payment.card_brand.title() or "card"
        )
        return f"{brand} ending {payment.card_last4}"
    method = get_policy().payment_method(payment.method)
    return method.name if method else payment.method


def refund_plan(
    *, order: Order, facts: OrderFacts, lines: list[RefundLineDraft], whole_order: bool
) -> RefundPlan:
    """Add shipping and duties for a whole order, take out the part paid with points, cap at what's left."""
    currency = order.currency
    drafts = list(lines)
    if whole_order:
        if order.shipping_total:
            drafts.append(RefundLineDraft(RefundLineKind.SHIPPING, order.shipping_total, "Shipping"))
        if order.duties_total:
            drafts.append(
                RefundLineDraft(RefundLineKind.DUTIES, order.duties_total, "Duties paid at checkout")
            )
    gross = sum((d.amount for d in drafts), Decimal(0))
    points = 0
    if order.points_used and order.total > 0 and gross > 0:
        if whole_order:
            points = max(order.points_used - points_returned_for_order(order), 0)
            points_part = min(get_policy().points_value(points), gross)
        else:
            points_part = quantize(gross * order.points_value / order.total, currency)
            points = (
                int((Decimal(order.points_used) * points_part / order.points_value).to_integral_value())
                if order.points_value
                else 0
            )
        if points_part:
            drafts.append(
                RefundLineDraft(RefundLineKind.POINTS, -points_part, f"Paid with points ({points} points)")
            )
    payment = _payment_to_use(facts)
    money = max(sum((d.amount for d in drafts), Decimal(0)), Decimal(0))
    unverified = payment is not None and payment.verification_status == VerificationStatus.REQUIRED
    if payment is None or (unverified and payment.amount_captured == 0):
        outcome = PaymentOutcome.NOTHING
        payment = None if payment is None or unverified else payment
    elif payment.amount_captured > 0:
        outcome = PaymentOutcome.REFUND
        available = payment.amount_captured - payment.amount_refunded
        if money > available:
            # Never promise more than the payment still holds (an earlier refund, or store data that
            # doesn't add up): the difference is shown as its own line, so the breakdown still sums.
            drafts.append(
                RefundLineDraft(
                    RefundLineKind.OTHER,
                    available - money,
                    "Limited to the amount still held on your payment",
                )
            )
            money = available
    else:
        outcome = PaymentOutcome.VOID if whole_order else PaymentOutcome.RELEASE
    method = get_policy().payment_method(payment.method) if payment else None
    return RefundPlan(
        lines=drafts,
        money=money,
        points=points,
        payment=payment,
        outcome=outcome,
        currency=currency,
        method_label=payment_method_label(payment),
        refund_days=(method.refund_days_min, method.refund_days_max) if method else None,
    )
