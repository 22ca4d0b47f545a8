"""What a return gives back, through the one refund breakdown (payments/breakdown.py).

Items net of their coupon share, their tax, the label fee unless a free-return reason applies, the
deductions of the inspection, and the points share: computed by the breakdown, never here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.orders.models import Order, OrderLine
from shopdesk.payments.breakdown import Charge
from shopdesk.payments.breakdown_rows import line_part
from shopdesk.payments.enums import RefundLineKind
from shopdesk.payments.order_facts import OrderFacts
from shopdesk.payments.refund_plan import RefundPlan, refund_plan
from shopdesk.policy import get_policy
from shopdesk.returns.enums import ReturnMethod


@dataclass(frozen=True, slots=True)
class ReturnedUnits:
    line: OrderLine
    units: int
    reason: str
    deduction: Decimal = Decimal(0)  # positive: taken off at inspection
    deduction_reason: str = ""


def label_fee_charge(*, method: str, reasons: Iterable[str]) -> Charge | None:
    """The prepaid label costs the policy's fee, unless one of the items comes back for a free reason."""
    policy = get_policy().returns
    if method != ReturnMethod.LABEL or not policy.label_fee:
        return None
    if set(reasons) & set(policy.free_return_reasons):
        return None
    return Charge(RefundLineKind.RETURN_LABEL, -Decimal(policy.label_fee), "Return label")


def return_refund_plan(
    *, order: Order, facts: OrderFacts, units: list[ReturnedUnits], method: str
) -> RefundPlan:
    parts = [line_part(item.line, item.units) for item in units if item.units > 0]
    charges = [
        Charge(
            RefundLineKind.RESTOCKING_FEE,
            -item.deduction,
            f"Deduction on {item.line.product_name}"
            + (f" ({item.deduction_reason})" if item.deduction_reason else ""),
            item.line.pk,
            item.units,
        )
        for item in units
        if item.deduction > 0 and item.units > 0
    ]
    if parts:
        fee = label_fee_charge(method=method, reasons=[item.reason for item in units if item.units > 0])
        if fee is not None:
            charges.append(fee)
    return refund_plan(order=order, facts=facts, parts=parts, charges=charges, whole_order=False)


def plan_as_dict(plan: RefundPlan) -> dict[str, object]:
    return {
        "lines": [
            {"kind": str(line.kind), "description": line.description, "amount": str(line.amount)}
            for line in plan.lines
        ],
        "total": str(plan.money),
        "currency": plan.currency,
        "points": plan.points,
    }
