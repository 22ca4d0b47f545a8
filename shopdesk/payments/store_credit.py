"""Store credit: what a return gives back as credit (with the policy's bonus), issued once, and the balance.

store_credit_plan(order=..., facts=..., parts=..., charges=...)   the breakdown, no payment split, + bonus
store_credit_issue(order=..., plan=..., actor=..., key=...)       one Refund to store credit + one ledger entry
store_credit_balance(customer=...)                                the sum of the customer's ledger

The credit is a refund row like any other (destination `store_credit`, lines that sum to it), so the
order's refunds and their explanation read the same; the ledger entry is what the customer can spend.
Both carry the caller's key: a second call with the same key returns the first refund and adds nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from shopdesk.core.actors import Actor
from shopdesk.loyalty.selectors import points_returned_for_order
from shopdesk.orders import events
from shopdesk.orders.models import Customer, Order
from shopdesk.payments.breakdown import BreakdownLine, Charge, LinePart, store_credit_bonus
from shopdesk.payments.breakdown_rows import order_breakdown
from shopdesk.payments.enums import RefundLineKind
from shopdesk.payments.models import Refund, StoreCreditEntry
from shopdesk.payments.order_facts import OrderFacts
from shopdesk.payments.refund_plan import RefundPlan, plan_points_settle
from shopdesk.payments.services.refunds import RefundLineDraft, refund_create
from shopdesk.payments.services.store_credit_ledger import refund_credit_settle
from shopdesk.policy import get_policy


def store_credit_plan(
    *, order: Order, facts: OrderFacts, parts: list[LinePart], charges: list[Charge] | None = None
) -> RefundPlan:
    """What the parts give back as store credit: the breakdown without a payment split (credit is not
    a payment's money going back), then the policy's bonus on the items as its own line."""
    breakdown = order_breakdown(
        order=order,
        payments=(),
        parts=parts,
        charges=list(charges or []),
        points_returned_before=points_returned_for_order(order) if order.points_used else 0,
    )
    percent = get_policy().returns.store_credit_bonus_percent
    bonus = store_credit_bonus(breakdown.lines, percent, order.currency) if parts else Decimal(0)
    if bonus > 0 and breakdown.total > 0:
        line = BreakdownLine(
            RefundLineKind.STORE_CREDIT_BONUS,
            bonus,
            f"{percent.normalize():f}% bonus for choosing store credit",
        )
        breakdown = dataclasses.replace(
            breakdown, lines=(*breakdown.lines, line), total=breakdown.total + bonus
        )
    return RefundPlan(
        breakdown=breakdown, payments={}, currency=order.currency, charged=True, whole_order=False
    )


def store_credit_issue(
    *, order: Order, plan: RefundPlan, actor: Actor, reason: str, key: str, now: dt.datetime
) -> Refund | None:
    """Inside the caller's transaction, with the order locked: the credit as a refund, settled at once,
    and the ledger entry. Nothing when the plan gives nothing; the first refund on a repeat."""
    if plan.money <= 0 and not plan.points:
        return None
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    refund = refund_create(
        order=order,
        payment=None,
        lines=[
            RefundLineDraft(line.kind, line.amount, line.description, line.order_line_id, line.quantity)
            for line in plan.lines
        ],
        points=plan.points,
        reason=reason,
        idempotency_key=key,
        now=now,
    )
    refund = refund_credit_settle(order=order, refund=refund, description=reason, now=now)
    events.order_refund_created(
        order=order, actor=actor, refund_id=refund.pk, amount=str(refund.amount), points=plan.points
    )
    plan_points_settle(order=order, plan=plan, actor=actor, key=key, now=now)
    return refund


def store_credit_balance(*, customer: Customer | int, currency: str | None = None) -> Decimal:
    """What the customer can spend: the sum of their ledger (in one currency when asked)."""
    rows = StoreCreditEntry.objects.filter(customer=customer)
    if currency:
        rows = rows.filter(currency=currency)
    # Summed here, not in SQL: SQLite adds decimals as floats.
    return sum(rows.values_list("amount", flat=True), Decimal(0))
