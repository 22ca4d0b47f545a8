"""Why a package came back, and the options the policy gives (reship for a fee, or refund minus deductions)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from shopdesk.core.money import Money
from shopdesk.orderview.diagnoses.types import Diagnosis, Severity
from shopdesk.payments.breakdown import (
    Charge,
    RefundBreakdown,
)
from shopdesk.payments.breakdown_rows import line_part, order_breakdown
from shopdesk.payments.enums import RefundLineKind
from shopdesk.policy import get_policy
from shopdesk.shipping.enums import TrackingStatus

if TYPE_CHECKING:
    from shopdesk.orderview.types import OrderPage, PackageView

_PROBLEM_STATUSES = {
    TrackingStatus.RETURNED_TO_SENDER,
    TrackingStatus.EXCEPTION,
    TrackingStatus.DELIVERY_ATTEMPTED,
}


def returned_reason(package: PackageView) -> str:
    """The carrier's own words: the latest return or problem scan that says something."""
    for event in package.events:  # newest first
        if event.status in _PROBLEM_STATUSES and event.description:
            return event.description
    return ""


def returned_estimate(*, page: OrderPage, package: PackageView) -> RefundBreakdown:
    """What a refund of the package's items would give back, through the one refund breakdown: the
    items net of their coupon share, with their tax, less the points share and the return shipping;
    shipping and duties too when the package holds the whole order and the policy refunds them."""
    rules = get_policy().shipping.returned_to_sender
    order = page.order
    lines = {line.pk: line for line in order.lines.all()}  # prefetched by the page builder
    parts = [
        line_part(lines[p.line_id], p.quantity) for p in package.lines if p.line_id in lines and p.quantity
    ]
    in_package = {p.line_id: p.quantity for p in package.lines}
    whole = all(in_package.get(line.pk, 0) >= line.quantity_active for line in lines.values())
    charges = []
    if whole and not rules.refund_deducts_original_shipping:
        charges.append(Charge(RefundLineKind.SHIPPING, order.shipping_total, "Shipping"))
    if whole and rules.duties_refunded:
        charges.append(Charge(RefundLineKind.DUTIES, order.duties_total, "Duties paid at checkout"))
    if rules.return_shipping_charge:
        charges.append(Charge(RefundLineKind.RETURN_LABEL, -rules.return_shipping_charge, "Return shipping"))
    return order_breakdown(order=order, payments=order.payments.all(), parts=parts, charges=charges)


def returned_to_sender_diagnose(*, page: OrderPage, package: PackageView) -> Diagnosis | None:
    if package.status != TrackingStatus.RETURNED_TO_SENDER:
        return None
    rules = get_policy().shipping.returned_to_sender
    currency, locale = page.currency, page.locale
    estimate = returned_estimate(page=page, package=package)
    goods = sum(
        (line.amount for line in estimate.lines if line.kind in _GOODS_KINDS),
        Decimal(0),
    )
    deductions: list[dict[str, object]] = [
        {"kind": _DEDUCTION_NAMES[line.kind], "amount": -line.amount}
        for line in estimate.lines
        if line.amount < 0 and line.kind in _DEDUCTION_NAMES
    ]
    kept: list[dict[str, object]] = []
    if rules.refund_deducts_original_shipping and page.totals.shipping.amount:
        kept.append({"kind": "original_shipping", "amount": page.totals.shipping.amount})
    if not rules.duties_refunded and page.totals.duties.amount:
        kept.append({"kind": "duties", "amount": page.totals.duties.amount})
    refund = estimate.total

    def money(amount: Decimal) -> str:
        return Money(amount, currency).format(locale)

    reason = returned_reason(package)
    options = []
    if "reship" in rules.options:
        options.append(f"we send it again for {money(rules.reship_fee)}")
    if "refund" in rules.options:
        less = ", ".join(f"{_WORDS[str(d['kind'])]} ({money(Decimal(str(d['amount'])))})" for d in deductions)
        not_back = " and ".join(
            f"{_WORDS[str(d['kind'])]} ({money(Decimal(str(d['amount'])))})" for d in kept
        )
        what = "what you paid for the items" + (f", less {less}" if less else "")
        options.append(
            f"we refund {money(refund)} ({what}"
            + (f"; {not_back} {'is' if len(kept) == 1 else 'are'} not refunded" if kept else "")
            + ")"
        )
    message = (
        f"Package {package.position} came back to us"
        + (f": the carrier reported \u201c{reason}\u201d." if reason else ".")
        + f" We keep it for {rules.hold_days} days. You can choose: "
        + "; or ".join(options)
        + ". "
        "Reply to your shipping email or contact us with your choice, and check your address first."
    )
    return Diagnosis(
        code="returned_to_sender",
        topic="package_returned",
        title="Your package came back to us",
        message=message,
        severity=Severity.BAD,
        shipment_id=package.id,
        facts={
            "reason": reason,
            "options": list(rules.options),
            "reship_fee": rules.reship_fee,
            "items_value": goods,
            "deductions": deductions,
            "not_refunded": kept,
            "refund_estimate": refund,
            "refund_lines": [
                {"kind": str(line.kind), "description": line.description, "amount": line.amount}
                for line in estimate.lines
            ],
            "hold_days": rules.hold_days,
            "duties_refunded": rules.duties_refunded,
            "currency": currency,
        },
    )


_GOODS_KINDS = frozenset({RefundLineKind.ITEM, RefundLineKind.COUPON_SHARE, RefundLineKind.TAX})
_DEDUCTION_NAMES = {
    RefundLineKind.COUPON_SHARE: "coupon",
    RefundLineKind.POINTS: "points",
    RefundLineKind.RETURN_LABEL: "return_shipping",
    RefundLineKind.OTHER: "limit",
}
_WORDS = {
    "original_shipping": "the original shipping",
    "return_shipping": "the return shipping",
    "duties": "duties already paid",
    "coupon": "the coupon discount",
    "points": "the part paid with points (given back as points)",
    "limit": "what your payment no longer holds",
}
