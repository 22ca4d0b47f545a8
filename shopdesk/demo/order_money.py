"""The money side of one demo order: its payment, a cancellation or return refund, and its points."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from shopdesk.demo.lines import LineDraft
from shopdesk.demo.packages import PackedOrder
from shopdesk.demo.payments_builder import (
    CAPTURED_AT_DISPATCH,
    PaymentPlan,
    add_cancellation_refund,
    add_payment,
    add_points,
    add_return_refund,
    choose_method,
    payment_facts,
)
from shopdesk.demo.plans import OrderPlan
from shopdesk.demo.rows import KeyAllocator, RowBuffer
from shopdesk.demo.situations import Situation
from shopdesk.loyalty.models import PointsEntryKind
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order, OrderEvent, OrderLine
from shopdesk.orderview.status import PaymentFacts
from shopdesk.payments.models import Payment, PaymentVerification, Refund
from shopdesk.payments.services.verification import verification_reasons
from shopdesk.policy.schema import Policy

# Declines a shopper can fix and retry at once: the demo store sends its pay link with these.
PAY_AGAIN_CODES = frozenset({"insufficient_funds", "expired_card", "incorrect_cvc", "authentication_failed"})


def _minutes(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(minutes=round(rng.uniform(low, high)))


@dataclass(slots=True)
class MoneyOutcome:
    payments: list[PaymentFacts]
    refunds: int
    extra: list[str] = field(default_factory=list)  # situations only the money rows know about


class OrderMoney:
    def __init__(self, *, policy: Policy, anchor: dt.datetime, keys: KeyAllocator, buffer: RowBuffer) -> None:
        self.policy, self.anchor, self.keys, self.buffer = policy, anchor, keys, buffer

    def _event(self, order: Order, kind: str, at: dt.datetime, message: str) -> None:
        self.buffer.add(
            OrderEvent(
                id=self.keys(OrderEvent),
                order_id=order.id,
                kind=kind,
                actor_kind="system",
                actor_label="demo",
                message=message,
                created_at=at,
            )
        )

    def _points_returned(self, order: Order, customer_id: int, refund: Refund, note: str) -> None:
        """The part paid with points comes back as points, with the refund (add_points skips zero)."""
        add_points(
            keys=self.keys,
            buffer=self.buffer,
            customer_id=customer_id,
            order_id=order.id,
            kind=PointsEntryKind.RETURNED,
            points=refund.points,
            at=refund.created_at,
            available_at=refund.created_at,
            note=note,
        )

    def _payment_plan(
        self, rng: random.Random, plan: OrderPlan, country: str, packed: PackedOrder, decline_code: str
    ) -> PaymentPlan:
        card_first = "card" if self.policy.payment_method("card") else None
        if plan.stage == "declined":
            return PaymentPlan(
                card_first or choose_method(rng, self.policy, country, captured_at_checkout=False),
                "declined",
                decline_code=decline_code,
            )
        if plan.stage == "verification":
            return PaymentPlan(
                card_first or choose_method(rng, self.policy, country, captured_at_checkout=False),
                "verification",
            )
        method = choose_method(rng, self.policy, country, captured_at_checkout=plan.stage == "cancelled")
        if method in CAPTURED_AT_DISPATCH and not packed.facts:
            return PaymentPlan(method, "authorised")
        return PaymentPlan(method, "captured")

    def add(
        self,
        *,
        rng: random.Random,
        plan: OrderPlan,
        order: Order,
        rows: list[tuple[OrderLine, LineDraft]],
        packed: PackedOrder,
        customer_id: int,
        country: str,
    ) -> MoneyOutcome:
        policy, now = self.policy, self.anchor
        codes = [d.code for d in policy.payments.declines]
        decline_code = (
            plan.decline_code if plan.decline_code in codes else (rng.choice(codes) if codes else "")
        )
        payment_plan = self._payment_plan(rng, plan, country, packed, decline_code)
        amount = order.total - order.points_value
        payment = add_payment(
            rng=rng,
            keys=self.keys,
            buffer=self.buffer,
            order=order,
            plan=payment_plan,
            amount=amount,
            verified=order.total > policy.payments.verification_over,
        )
        refunds = 0
        points_rules = policy.points
        if plan.stage == "declined":
            self._event(
                order,
                OrderEventKind.PAYMENT_UPDATED,
                order.placed_at + _minutes(rng, 1, 3),
                f"Payment declined by the bank ({decline_code}).",
            )
        if order.points_used:
            # Points the shopper had before: earned long enough ago to be spendable at checkout.
            earned_at = (
                order.placed_at
                - dt.timedelta(days=points_rules.available_after_days)
                - _minutes(rng, 5 * 1440, 300 * 1440)
            )
            add_points(
                keys=self.keys,
                buffer=self.buffer,
                customer_id=customer_id,
                order_id=None,
                kind=PointsEntryKind.EARNED,
                points=order.points_used + rng.randrange(0, 8) * 100,
                at=earned_at,
                available_at=earned_at + dt.timedelta(days=points_rules.available_after_days),
                note="Earned on earlier purchases",
            )
            add_points(
                keys=self.keys,
                buffer=self.buffer,
                customer_id=customer_id,
                order_id=order.id,
                kind=PointsEntryKind.SPENT,
                points=-order.points_used,
                at=order.placed_at,
                available_at=order.placed_at,
                note=f"Spent on order {order.number}",
            )
        if order.cancelled_at is not None:
            completed = min(order.cancelled_at + _minutes(rng, 5, 180), now)
            cancel_refund = add_cancellation_refund(
                keys=self.keys,
                buffer=self.buffer,
                order=order,
                payment=payment,
                lines=rows,
                cancelled_at=order.cancelled_at,
                completed_at=completed,
            )
            refunds += 1
            self._event(
                order,
                OrderEventKind.CANCELLED,
                order.cancelled_at,
                "Order cancelled at the customer's request.",
            )
            self._event(
                order,
                OrderEventKind.REFUND_CREATED,
                order.cancelled_at,
                "Refund issued for the cancelled order.",
            )
            self._points_returned(
                order, customer_id, cancel_refund, f"Given back: order {order.number} cancelled"
            )
        earns = plan.stage not in ("declined", "cancelled")
        earned = int(order.subtotal - order.discount_total - order.points_value) * points_rules.earn_per_unit
        if earns:
            add_points(
                keys=self.keys,
                buffer=self.buffer,
                customer_id=customer_id,
                order_id=order.id,
                kind=PointsEntryKind.EARNED,
                points=earned,
                at=order.placed_at,
                available_at=order.placed_at + dt.timedelta(days=points_rules.available_after_days),
                note=f"Earned on order {order.number}",
            )
        if plan.returned_line and payment.amount_captured > 0:
            refunds += self._return_one(rng, order, payment, packed, customer_id, earned if earns else 0)
        extra = self._payment_situations(
            plan=plan, order=order, payment=payment, decline_code=decline_code, country=country
        )
        return MoneyOutcome(payments=[payment_facts(payment)], refunds=refunds, extra=extra)

    def _payment_situations(
        self, *, plan: OrderPlan, order: Order, payment: Payment, decline_code: str, country: str
    ) -> list[str]:
        """The store's pay link on declines worth retrying, and the check of a payment awaiting verification."""
        if plan.stage == "declined" and decline_code in PAY_AGAIN_CODES:
            order.payment_url = f"{self.policy.store.website}/checkout/pay/{order.number}"
            return [Situation.DECLINED_WITH_PAY_LINK]
        if plan.stage != "verification":
            return []
        # The demo's billing address is its delivery address.
        deadline = order.placed_at + dt.timedelta(hours=self.policy.payments.verification_hours)
        self.buffer.add(
            PaymentVerification(
                id=self.keys(PaymentVerification),
                order_id=order.id,
                payment_id=payment.id,
                reasons=verification_reasons(
                    total=order.total, billing_country=country, shipping_country=country, policy=self.policy
                ),
                deadline=deadline,
                created_at=order.placed_at,
            )
        )
        return [Situation.VERIFICATION_OVERDUE] if deadline <= self.anchor else []

    def _return_one(
        self,
        rng: random.Random,
        order: Order,
        payment: object,
        packed: PackedOrder,
        customer_id: int,
        earned: int,
    ) -> int:
        returnable = [
            (row, draft, journey) for row, draft, journey in packed.delivered_lines if not draft.variant.flags
        ]
        if not returnable or packed.delivered_lines[0][2].delivered_at is None:
            return 0
        row, draft, journey = rng.choice(returnable)
        delivered_at = journey.delivered_at
        assert delivered_at is not None
        window = dt.timedelta(days=self.policy.returns.window_days - 2)
        latest = min(delivered_at + window, self.anchor - dt.timedelta(days=4))
        earliest = delivered_at + dt.timedelta(days=3)
        if latest < earliest:
            return 0
        created = earliest + (latest - earliest) * rng.random()
        created = created.replace(microsecond=0)
        completed = created + dt.timedelta(days=self.policy.returns.inspection_days) + _minutes(rng, 60, 600)
        row.quantity_returned = 1
        refund = add_return_refund(
            keys=self.keys,
            buffer=self.buffer,
            order=order,
            payment=payment,  # type: ignore[arg-type]
            row=row,
            draft=draft,
            label_fee=self.policy.returns.label_fee,
            created_at=created,
            completed_at=min(completed, self.anchor),
        )
        self._event(
            order,
            OrderEventKind.REFUND_CREATED,
            created,
            f"Refund of {refund.amount} {order.currency} for a returned {draft.variant.product_name}.",
        )
        self._points_returned(
            order, customer_id, refund, f"Given back: item returned from order {order.number}"
        )
        revoked = min(int(draft.unit_price) * self.policy.points.earn_per_unit, earned)
        add_points(
            keys=self.keys,
            buffer=self.buffer,
            customer_id=customer_id,
            order_id=order.id,
            kind=PointsEntryKind.REVOKED,
            points=-revoked,
            at=created,
            available_at=created,
            note=f"Taken back: item returned from order {order.number}",
        )
        return 1
