"""What money goes back when items are cancelled or changed, computed before anything is written.

A thin layer over the one refund breakdown (payments/breakdown.py): it turns the order's rows into a
`BreakdownRequest`, and words the result. The same plan feeds the confirmation step of the page, the API
preview and the service, so what the customer is told is what happens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.core.actors import Actor
from shopdesk.core.calendar import business_days_add
from shopdesk.core.money import format_money
from shopdesk.loyalty.selectors import points_earned_outstanding, points_returned_for_order
from shopdesk.loyalty.services import points_return_for_cancel, points_revoke_for_cancel
from shopdesk.orders import events
from shopdesk.orders.models import Order
from shopdesk.payments.breakdown import (
    STORE_CREDIT_METHODS,
    BreakdownLine,
    Charge,
    LinePart,
    PaymentShare,
    RefundBreakdown,
    refund_drafts,
)
from shopdesk.payments.breakdown_rows import order_breakdown, payment_held, whole_order_charges
from shopdesk.payments.enums import PaymentOutcome, RefundLineKind
from shopdesk.payments.models import Payment
from shopdesk.payments.order_facts import OrderFacts, order_facts
from shopdesk.payments.services.refunds import (
    RefundLineDraft,
    authorisation_reduce,
    payments_lock,
    refund_create,
)
from shopdesk.payments.services.store_credit_ledger import refund_credit_settle
from shopdesk.policy import get_policy

# Which refunds of a plan are paid as store credit (settled at once, one ledger entry each) rather than
# sent to the payment provider:
CREDIT_NONE = "none"  # every refund goes to its payment's provider
CREDIT_STORE_CREDIT_PAYMENTS = "store_credit_payments"  # what was paid with store credit goes back to it
CREDIT_ALL = "all"  # the policy pays this kind of refund as store credit, whatever paid for it


def _refund_days(method_code: str) -> tuple[int, int] | None:
    method = get_policy().payment_method(method_code)
    return (method.refund_days_min, method.refund_days_max) if method else None


@dataclass(frozen=True, slots=True)
class RefundPlan:
    breakdown: RefundBreakdown
    payments: dict[int, Payment]  # the payments the shares name
    currency: str
    charged: bool  # some payment holds money (so "nothing to refund" differs from "nothing charged")
    whole_order: bool
    credit: str = CREDIT_NONE  # which refunds become store credit (CREDIT_* above)

    def as_credit(self, share: PaymentShare) -> bool:
        """Whether this share is paid back as store credit (captured money only: a hold is lowered)."""
        if share.outcome != PaymentOutcome.REFUND:
            return False
        if self.credit == CREDIT_ALL:
            return True
        return self.credit == CREDIT_STORE_CREDIT_PAYMENTS and share.method in STORE_CREDIT_METHODS

    @property
    def lines(self) -> tuple[BreakdownLine, ...]:
        return self.breakdown.lines

    @property
    def money(self) -> Decimal:
        return self.breakdown.total

    @property
    def refunded(self) -> Decimal:
        return self.breakdown.refunded

    @property
    def points(self) -> int:
        return self.breakdown.points

    @property
    def outcome(self) -> str:
        outcomes = {share.outcome for share in self.breakdown.shares}
        for outcome in (PaymentOutcome.REFUND, PaymentOutcome.VOID, PaymentOutcome.RELEASE):
            if outcome in outcomes:
                return outcome
        return PaymentOutcome.REFUND if self.charged else PaymentOutcome.NOTHING

    def sentence(self, *, locale: str = "en_US") -> str:
        points = f" {self.points:,} points come back to your account." if self.points else ""
        parts = []
        # "Nothing was charged yet" is only true when the hold is the order's one payment that moves.
        uncharged = "Nothing was charged yet: t" if len(self.breakdown.shares) == 1 else "T"
        for share in self.breakdown.shares:
            amount = format_money(share.amount, self.currency, locale)
            if self.as_credit(share):
                parts.append(f"{amount} is added to your store credit straight away.")
            elif share.outcome == PaymentOutcome.REFUND:
                days, window = "", _refund_days(share.method)
                if window:
                    low, high = window
                    days = " straight away" if high == 0 else f" within {low}–{high} business days"
                parts.append(f"{amount} goes back to your {share.label}{days}.")
            elif share.outcome == PaymentOutcome.VOID:
                parts.append(f"{uncharged}he hold on your {share.label} is released.")
            else:
                parts.append(f"{uncharged}he hold on your {share.label} goes down by {amount}.")
        if not parts:
            parts.append(
                "There is no money to refund."
                if self.charged
                else "Nothing was charged, so there is nothing to refund."
            )
        return " ".join(parts) + points

    def destinations(self) -> list[dict[str, str]]:
        """Where each share of the money goes, as the customer knows the payment: `kind` is `payment`
        (back to it), `store_credit`, `hold_released` or `hold_lowered` (a hold never captured); the
        amounts add up to the plan's money. Points are the plan's `points`, not a share."""
        where = []
        for share in self.breakdown.shares:
            if self.as_credit(share):
                kind, label = "store_credit", "store credit"
            elif share.outcome == PaymentOutcome.REFUND:
                kind, label = "payment", share.label
            else:
                kind = "hold_released" if share.outcome == PaymentOutcome.VOID else "hold_lowered"
                label = share.label
            where.append({"kind": kind, "label": label, "amount": str(share.amount)})
        return where

    def expected_by(self, now: dt.datetime) -> dt.datetime | None:
        """The latest day the money of this plan should be back (None when no money is refunded)."""
        days = [
            window[1]
            for share in self.breakdown.shares
            if share.outcome == PaymentOutcome.REFUND
            and not self.as_credit(share)
            and (window := _refund_days(share.method))
        ]
        if not days:
            return None
        return dt.datetime.combine(business_days_add(now.date(), max(days)), now.timetz())


def refund_plan(
    *,
    order: Order,
    facts: OrderFacts,
    parts: list[LinePart],
    charges: list[Charge] | None = None,
    whole_order: bool,
    credit: str = CREDIT_NONE,
) -> RefundPlan:
    """The breakdown of what goes back for `parts` (+ shipping, tax and duties for a whole order);
    `credit` says which of its refunds are paid as store credit."""
    all_charges = list(charges or [])
    if whole_order:
        all_charges += whole_order_charges(order, facts.lines)
    breakdown = order_breakdown(
        order=order,
        payments=facts.payments,
        parts=parts,
        charges=all_charges,
        whole_order=whole_order,
        points_returned_before=points_returned_for_order(order) if order.points_used else 0,
    )
    charged = any(h.held > 0 or h.captured > 0 for p in facts.payments if (h := payment_held(p)) is not None)
    return RefundPlan(
        breakdown=breakdown,
        payments={p.pk: p for p in facts.payments},
        currency=order.currency,
        charged=charged,
        whole_order=whole_order,
        credit=credit,
    )


def order_facts_locked(order: Order) -> OrderFacts:
    """The facts read under the lock order of docs/decisions: the caller holds the order's row lock;
    the payments are locked here by id before anything is read."""
    payments_lock(order_id=order.pk)
    return order_facts(order)


def refund_plan_perform(
    *, order: Order, plan: RefundPlan, actor: Actor, reason: str, key: str, now: dt.datetime
) -> list[int]:
    """Inside the caller's transaction, with the order and its payments locked: one refund per payment
    that gets money back (as store credit where the plan says so: it still counts as refunded on the
    payment, so it can't go back a second time), holds never captured lowered or released, the points
    part given back."""
    refund_ids = []
    for index, draft in enumerate(refund_drafts(plan.breakdown)):
        refund = refund_create(
            order=order,
            payment=plan.payments[draft.share.payment_id],
            lines=[
                RefundLineDraft(line.kind, line.amount, line.description, line.order_line_id, line.quantity)
                for line in draft.lines
            ],
            points=draft.points,
            reason=reason,
            # The first refund keeps the action's key, so a retry from before this change still matches.
            idempotency_key=key if index == 0 else f"{key}:payment:{draft.share.payment_id}",
            now=now,
        )
        refund_ids.append(refund.pk)
        events.order_refund_created(
            order=order, actor=actor, refund_id=refund.pk, amount=str(refund.amount), points=draft.points
        )
        if plan.as_credit(draft.share):  # settled after it is recorded, like a provider's answer
            refund = refund_credit_settle(
                order=order, refund=refund, description=reason, now=now, actor=actor
            )
    for share in plan.breakdown.shares:
        if share.outcome == PaymentOutcome.REFUND:
            continue
        void = share.outcome == PaymentOutcome.VOID
        payment = authorisation_reduce(
            payment=plan.payments[share.payment_id], amount=share.amount, void=void
        )
        events.order_payment_updated(
            order=order,
            actor=actor,
            message=f"Hold on the {share.label} released." if void else f"Hold on the {share.label} lowered.",
            before=None,
            after={"state": payment.state, "amount_authorised": str(payment.amount_authorised)},
        )
    plan_points_settle(order=order, plan=plan, actor=actor, key=key, now=now)
    return refund_ids


def plan_points_settle(*, order: Order, plan: RefundPlan, actor: Actor, key: str, now: dt.datetime) -> None:
    """The points part of a plan: points paid for what goes back come back, points earned on it go."""
    returned = points_return_for_cancel(
        order=order,
        points=plan.points,
        key=f"{key}:points-returned",
        now=now,
        refund_expected_at=plan.expected_by(now),
    )
    if returned is not None:
        events.order_points_returned(order=order, actor=actor, points=returned.points)
    points_revoke_for_cancel(
        order=order, points=_points_to_revoke(order, plan), key=f"{key}:points-revoked", now=now
    )


def _points_to_revoke(order: Order, plan: RefundPlan) -> int:
    """Points earned on what goes back: all of them for a whole order, else the items' share."""
    earned = points_earned_outstanding(order)
    if plan.whole_order or not earned:
        return earned
    items = sum((line.amount for line in plan.lines if line.kind == RefundLineKind.ITEM), Decimal(0))
    share = items / order.subtotal if order.subtotal else Decimal(0)
    return min(earned, int(earned * share))
