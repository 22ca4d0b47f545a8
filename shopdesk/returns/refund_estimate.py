"""What a return gives back, through the one refund breakdown (payments/breakdown.py).

Items net of their coupon share, their tax, the label fee unless a free-return reason applies, the
deductions of the inspection, and the points share: computed by the breakdown, never here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.core.money import quantize
from shopdesk.orders.models import Order, OrderLine
from shopdesk.payments.breakdown import Charge, LinePart, RefundBreakdown, exchange_breakdown
from shopdesk.payments.breakdown_rows import line_part
from shopdesk.payments.enums import RefundLineKind
from shopdesk.payments.order_facts import OrderFacts
from shopdesk.payments.refund_plan import CREDIT_STORE_CREDIT_PAYMENTS, RefundPlan, refund_plan
from shopdesk.payments.store_credit import store_credit_plan
from shopdesk.policy import get_policy
from shopdesk.promotions.price_adjustment import order_adjustments_by_line
from shopdesk.returns.enums import ReturnMethod, ReturnResolution


@dataclass(frozen=True, slots=True)
class ReturnedUnits:
    line: OrderLine
    units: int
    reason: str
    deduction: Decimal = Decimal(0)  # positive: taken off at inspection
    deduction_reason: str = ""
    resolution: str = ReturnResolution.REFUND
    exchange_label: str = ""  # the new item, for an exchange
    exchange_price: Decimal = Decimal(0)  # its unit price


def label_fee_charge(*, method: str, reasons: Iterable[str]) -> Charge | None:
    """The prepaid label costs the policy's fee, unless one of the items comes back for a free reason."""
    policy = get_policy().returns
    if method != ReturnMethod.LABEL or not policy.label_fee:
        return None
    if set(reasons) & set(policy.free_return_reasons):
        return None
    return Charge(RefundLineKind.RETURN_LABEL, -Decimal(policy.label_fee), "Return label")


def _deductions(units: list[ReturnedUnits]) -> list[Charge]:
    return [
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


def return_refund_plan(
    *, order: Order, facts: OrderFacts, units: list[ReturnedUnits], method: str
) -> RefundPlan:
    parts = [line_part(item.line, item.units) for item in units if item.units > 0]
    charges = _deductions(units)
    if parts:
        fee = label_fee_charge(method=method, reasons=[item.reason for item in units if item.units > 0])
        if fee is not None:
            charges.append(fee)
    return refund_plan(
        order=order,
        facts=facts,
        parts=parts,
        charges=charges,
        whole_order=False,
        credit=CREDIT_STORE_CREDIT_PAYMENTS,  # the store-credit share goes back as store credit
    )


@dataclass(frozen=True, slots=True)
class ReturnPlans:
    """A return's money, by resolution: the refund to the original payment (refunded and kept items, and
    what an exchange leaves over), the store credit, and the exchange's price difference."""

    refund: RefundPlan
    credit: RefundPlan | None
    exchange: RefundBreakdown | None

    @property
    def to_pay(self) -> Decimal:
        """What the customer pays for an exchange that costs more than what goes back."""
        return -self.exchange.total if self.exchange is not None and self.exchange.total < 0 else Decimal(0)


def return_plans(*, order: Order, facts: OrderFacts, units: list[ReturnedUnits], method: str) -> ReturnPlans:
    """Every resolution through the one breakdown. The label fee is charged once, to the refund or else
    the credit, and only for items that travel back (kept items don't; exchanges ship back free)."""
    going = [item for item in units if item.units > 0]
    refunded = [i for i in going if i.resolution in (ReturnResolution.REFUND, ReturnResolution.KEEP)]
    credited = [i for i in going if i.resolution == ReturnResolution.STORE_CREDIT]
    exchanged = [i for i in going if i.resolution == ReturnResolution.EXCHANGE]
    travelling = [
        i.reason for i in going if i.resolution in (ReturnResolution.REFUND, ReturnResolution.STORE_CREDIT)
    ]
    fee = label_fee_charge(method=method, reasons=travelling) if travelling else None
    # A line whose price was adjusted gives back what is still paid for it: the difference already paid
    # back comes off its units (docs/decisions/0035), whatever the resolution.
    adjustments = order_adjustments_by_line(order_id=order.pk) if going else {}

    def part(item: ReturnedUnits) -> LinePart:
        return line_part(item.line, item.units, adjustment=adjustments.get(item.line.pk))

    exchange = None
    refund_charges = _deductions(refunded)
    if exchanged:
        exchange = exchange_breakdown(
            currency=order.currency,
            parts=tuple(part(item) for item in exchanged),
            replacements=(
                *_deductions(exchanged),
                *(
                    Charge(
                        RefundLineKind.EXCHANGE,
                        -item.exchange_price * item.units,
                        f"{item.units} × {item.exchange_label or item.line.product_name} sent in exchange",
                        item.line.pk,
                        item.units,
                    )
                    for item in exchanged
                ),
            ),
        )
        if exchange.total > 0:
            names = ", ".join(item.line.product_name for item in exchanged)
            refund_charges.append(
                Charge(RefundLineKind.EXCHANGE, exchange.total, f"Price difference of the exchange ({names})")
            )
    refund_parts = [part(item) for item in refunded]
    if fee is not None and refunded:
        refund_charges.append(fee)
    # What was paid with store credit goes back to it, settled at once when the inspection refunds.
    refund = refund_plan(
        order=order,
        facts=facts,
        parts=refund_parts,
        charges=refund_charges,
        whole_order=False,
        credit=CREDIT_STORE_CREDIT_PAYMENTS,
    )
    credit = None
    if credited:
        credit_charges = _deductions(credited)
        if fee is not None and not refunded:
            credit_charges.append(fee)
        credit = store_credit_plan(
            order=order,
            facts=facts,
            parts=[part(item) for item in credited],
            charges=credit_charges,
        )
    return ReturnPlans(refund=refund, credit=credit, exchange=exchange)


def plans_as_dict(plans: ReturnPlans) -> dict[str, object]:
    """`refund_estimate`: the refund's lines and total (as before), then the credit and the exchange."""
    body = plan_as_dict(plans.refund)
    body["store_credit"] = plan_as_dict(plans.credit) if plans.credit is not None else None
    body["exchange"] = (
        {
            "lines": [
                {"kind": str(line.kind), "description": line.description, "amount": str(line.amount)}
                for line in plans.exchange.lines
            ],
            "difference": str(quantize(plans.exchange.total, plans.exchange.currency)),
            "to_pay": str(quantize(plans.to_pay, plans.exchange.currency)),
        }
        if plans.exchange is not None
        else None
    )
    return body


def plan_as_dict(plan: RefundPlan) -> dict[str, object]:
    return {
        "lines": [
            {"kind": str(line.kind), "description": line.description, "amount": str(line.amount)}
            for line in plan.lines
        ],
        "total": str(quantize(plan.money, plan.currency)),
        "currency": plan.currency,
        "points": plan.points,
    }
