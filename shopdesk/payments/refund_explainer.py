"""Why a refund is what it is, in plain words, from the refund's own lines and the order's figures.

    "$123.95 paid: $98.00 Linen shirt, $30.00 Wool scarf, $5.95 shipping, less $10.00 coupon.
     Refunded $37.10 to your Visa ending 4242: $49.00 1 × Linen shirt − $5.00 coupon discount on Linen shirt
     − $6.95 return label; shipping not refunded (Too small)."

Nothing is computed here beyond adding the lines that are there: every figure is a line of the refund or a
total of the order, so the sentence can't disagree with the money. `notes` come from what the refund was
for (the return's reasons, from the returns app) and end the sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from shopdesk.core.money import format_money
from shopdesk.orders.models import Order, OrderLine
from shopdesk.payments.enums import RefundDestination, RefundLineKind, RefundStatus
from shopdesk.payments.selectors import RefundView
from shopdesk.policy.dates import day_text
from shopdesk.policy.money import money_locale, money_text

MAX_ITEMS_NAMED = 4


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def order_paid_sentence(order: Order, lines: Sequence[OrderLine]) -> str:
    """ "$54.80 paid: $49.80 dress, $5.00 shipping" — the order's own totals."""
    money = lambda amount: money_text(amount, order.currency)  # noqa: E731
    parts = [
        f"{money(line.unit_price * line.quantity)} {line.product_name}" for line in lines[:MAX_ITEMS_NAMED]
    ]
    if len(lines) > MAX_ITEMS_NAMED:
        rest = sum((line.unit_price * line.quantity for line in lines[MAX_ITEMS_NAMED:]), Decimal(0))
        parts.append(f"{money(rest)} for {len(lines) - MAX_ITEMS_NAMED} more items")
    for amount, label in (
        (order.shipping_total, "shipping"),
        (order.tax_total, "tax"),
        (order.duties_total, "duties"),
    ):
        if amount:
            parts.append(f"{money(amount)} {label}")
    text = f"{money(order.total)} paid: " + ", ".join(parts)
    if order.discount_total:
        text += f", less {money(order.discount_total)} in discounts"
    if order.points_used:
        text += f" ({money(order.points_value)} of it with {order.points_used:,} points)"
    return text


def refund_lines_sentence(refund: RefundView, *, locale: str = "en_US") -> str:
    """ "Refunded $41.30 to your Visa ending 4242: $49.80 dress − $4.98 restocking fee − $6.95 label"."""
    money = lambda amount: format_money(amount, refund.currency, locale)  # noqa: E731
    where = (
        "to your store credit"
        if refund.destination == RefundDestination.STORE_CREDIT
        else (f"to your {refund.payment_label}" if refund.payment_label else "")
    )
    head = f"Refunded {money(refund.amount)}" + (f" {where}" if where else "")
    terms = []
    for index, line in enumerate(refund.lines):
        words = f"{money(abs(line.amount))} {_lower_first(line.description)}"
        if index == 0:
            terms.append(("− " if line.amount < 0 else "") + words)
        else:
            terms.append(("− " if line.amount < 0 else "+ ") + words)
    return head + (": " + " ".join(terms) if terms else "")


def refund_status_sentence(refund: RefundView, *, locale: str = "en_US") -> str:
    if refund.status == RefundStatus.SUCCEEDED:
        return (
            "The refund is done."
            if refund.destination == RefundDestination.STORE_CREDIT
            else ("The refund is sent; your bank shows it within a few days.")
        )
    if refund.status == RefundStatus.FAILED:
        return (
            "The payment provider refused this refund; we are sending it again, and our team follows it up."
        )
    if refund.expected_by:
        return f"Expect it by {day_text(refund.expected_by)}."
    return ""


def refund_explanation(
    *, order: Order, lines: Sequence[OrderLine], refund: RefundView, notes: Sequence[str] = ()
) -> str:
    """The whole answer to "why didn't I get my full refund?" for one refund."""
    text = f"{order_paid_sentence(order, lines)}. {refund_lines_sentence(refund, locale=money_locale())}"
    has = {line.kind for line in refund.lines}
    extra = list(notes)
    if (
        order.shipping_total
        and RefundLineKind.SHIPPING not in has
        and not any("shipping" in n for n in extra)
    ):
        extra.insert(0, "shipping not refunded")
    if refund.points:
        extra.append(f"{refund.points:,} points back to your account")
    if extra:
        text += "; " + "; ".join(extra)
    status = refund_status_sentence(refund, locale=money_locale())
    return text + "." + (f" {status}" if status else "")
