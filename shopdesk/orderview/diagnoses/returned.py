"""Why a package came back, and the options the policy gives (reship for a fee, or refund minus deductions)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from shopdesk.core.money import Money
from shopdesk.orderview.diagnoses.types import Diagnosis, Severity
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


def returned_to_sender_diagnose(*, page: OrderPage, package: PackageView) -> Diagnosis | None:
    if package.status != TrackingStatus.RETURNED_TO_SENDER:
        return None
    rules = get_policy().shipping.returned_to_sender
    currency, locale = page.currency, page.locale
    lines_by_id = {line.id: line for line in page.lines}
    goods = sum(
        (
            lines_by_id[p.line_id].unit_price.amount * p.quantity
            for p in package.lines
            if p.line_id in lines_by_id
        ),
        Decimal(0),
    )
    deductions: list[dict[str, object]] = []
    if rules.refund_deducts_original_shipping and page.totals.shipping.amount:
        deductions.append({"kind": "original_shipping", "amount": page.totals.shipping.amount})
    if rules.return_shipping_charge:
        deductions.append({"kind": "return_shipping", "amount": rules.return_shipping_charge})
    if not rules.duties_refunded and page.totals.duties.amount:
        deductions.append({"kind": "duties", "amount": page.totals.duties.amount})
    deducted = sum((Decimal(str(d["amount"])) for d in deductions), Decimal(0))
    refund = max(goods - deducted, Decimal(0))

    def money(amount: Decimal) -> str:
        return Money(amount, currency).format(locale)

    reason = returned_reason(package)
    options = []
    if "reship" in rules.options:
        options.append(f"we send it again for {money(rules.reship_fee)}")
    if "refund" in rules.options:
        words = {
            "original_shipping": "the original shipping",
            "return_shipping": "the return shipping",
            "duties": "duties already paid",
        }
        less = ", ".join(f"{words[str(d['kind'])]} ({money(Decimal(str(d['amount'])))})" for d in deductions)
        options.append(f"we refund {money(refund)}" + (f" (the items, less {less})" if less else ""))
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
            "refund_estimate": refund,
            "hold_days": rules.hold_days,
            "duties_refunded": rules.duties_refunded,
            "currency": currency,
        },
    )
