"""Refund the price difference on an item that became cheaper (the policy's `[price_adjustment]`).

order_price_adjustments(order=, facts=, now=)       every line's answer (prices now, lines already adjusted)
price_adjustment_eligibility(order=, facts=, now=)  the order as a whole, for the action list
price_adjustment_preview(order=, line_id=, now=)    the refund it would make, without writing
price_adjustment_request(order=, line_id=, actor=)  lock, re-check, refund through the breakdown, record

A lead may set the window aside (`override=`, a RuleOverride naming `window_closed`, with a reason):
every other rule is checked again, and the override is recorded on the order's history with the refund.

The rule itself is `promotions.price_adjustment.line_price_adjustment`; the money goes back through the
one refund breakdown (a `price_adjustment` line split over the order's payments, the points share as
points), so a price adjustment can never pay back more than the difference, nor more than was captured.
What was paid with store credit goes back to store credit (a ledger entry under the refund's unique key),
and everything does when the policy's `paid_as` is `store_credit`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import NotFound
from shopdesk.core.money import format_money
from shopdesk.core.overrides import RuleOverride
from shopdesk.orders import events
from shopdesk.orders.models import Order, OrderLine
from shopdesk.orders.services.idempotency import action_keys, action_replay, action_store, order_lock
from shopdesk.payments.breakdown import Charge
from shopdesk.payments.breakdown_rows import payment_held
from shopdesk.payments.enums import RefundLineKind
from shopdesk.payments.order_facts import OrderFacts, order_facts
from shopdesk.payments.refund_plan import (
    CREDIT_ALL,
    CREDIT_STORE_CREDIT_PAYMENTS,
    RefundPlan,
    order_facts_locked,
    refund_plan,
    refund_plan_perform,
)
from shopdesk.policy import get_policy
from shopdesk.promotions.models import PriceAdjustment
from shopdesk.promotions.price_adjustment import (
    LineAdjustment,
    OrderAdjustmentFacts,
    line_price_adjustment,
    order_adjusted_lines,
    variant_prices_now,
)


def _delivered_at(facts: OrderFacts) -> dt.datetime | None:
    """When the order arrived: the last package's delivery, once nothing is left to arrive."""
    if facts.unshipped_lines or not facts.shipments:
        return None
    if any(shipment.delivered_at is None for shipment in facts.shipments):
        return None
    return max(shipment.delivered_at for shipment in facts.shipments if shipment.delivered_at)


def _adjustment_facts(order: Order, facts: OrderFacts, adjusted: frozenset[int]) -> OrderAdjustmentFacts:
    held = [h for p in facts.payments if (h := payment_held(p)) is not None]
    return OrderAdjustmentFacts(
        currency=order.currency,
        cancelled=order.is_cancelled,
        paid=any(h.held > 0 for h in held),
        placed_at=order.placed_at,
        delivered_at=_delivered_at(facts),
        adjusted_lines=adjusted,
        adjustments=len(adjusted),
    )


def order_price_adjustments(
    *,
    order: Order,
    facts: OrderFacts | None = None,
    now: dt.datetime | None = None,
    lines: list[OrderLine] | None = None,
    waive: frozenset[str] = frozenset(),
) -> list[LineAdjustment]:
    """Every line of the order with its answer, from two reads (prices now, adjustments made); none when
    the facts carry the answers already (the order page computes them once for its diagnosis and actions).
    `waive`: refusal codes set aside by an override (see the rule)."""
    shared = getattr(facts, "price_adjustments", None)
    if shared is not None and lines is None and not waive:
        return list(shared)
    now = now or timezone.now()
    facts = facts or order_facts(order)
    lines = lines if lines is not None else facts.lines
    prices = variant_prices_now(variant_ids=[line.variant_id for line in lines if line.variant_id], now=now)
    known = _adjustment_facts(order, facts, order_adjusted_lines(order_id=order.pk))
    policy = get_policy()
    return [
        line_price_adjustment(
            line=line,
            price_now=prices.get(line.variant_id) if line.variant_id else None,
            facts=known,
            policy=policy,
            now=now,
            waive=waive,
        )
        for line in lines
    ]


def price_adjustment_eligibility(
    *,
    order: Order,
    facts: OrderFacts | None = None,
    now: dt.datetime | None = None,
    waive: frozenset[str] = frozenset(),
) -> Eligibility:
    """The order as a whole: allowed when some item can be adjusted; else the most telling reason
    (an item whose price did drop, else the only item's, else "nothing is cheaper today")."""
    if order.is_cancelled:
        return Eligibility.no("order_cancelled", "This order was cancelled, so there is no price to adjust.")
    answers = order_price_adjustments(order=order, facts=facts, now=now, waive=waive)
    allowed = [a for a in answers if a.eligibility.allowed]
    if allowed:
        if len(allowed) == 1:
            return allowed[0].eligibility
        names = ", ".join(a.line.product_name for a in allowed)
        return Eligibility.yes(
            f"{len(allowed)} items of this order cost less today ({names}): choose one to get the difference back.",
            code="eligible",
        )
    dropped = [a for a in answers if a.price_dropped]
    if dropped:
        return dropped[0].eligibility
    if len(answers) == 1:
        return answers[0].eligibility
    common = {a.eligibility.code for a in answers}
    if len(common) == 1 and answers and answers[0].eligibility.code != "no_price_drop":
        return answers[0].eligibility
    return Eligibility.no("no_price_drop", "None of the items of this order costs less today than you paid.")


@dataclass(frozen=True, slots=True)
class PriceAdjustmentPlan:
    answer: LineAdjustment
    refund: RefundPlan
    currency: str

    def sentence(self, *, locale: str) -> str:
        line = self.answer.line
        price_now = self.answer.price_now
        assert price_now is not None  # an eligible answer has a price now
        currency = self.currency
        return (
            f"The {line.product_name} costs {format_money(price_now.price, currency, locale)} today: "
            f"you get {format_money(self.answer.amount, currency, locale)} back. {self.refund.sentence(locale=locale)}"
        )


def _line(facts: OrderFacts, line_id: int) -> OrderLine:
    line = next((item for item in facts.lines if item.pk == line_id), None)
    if line is None:
        raise NotFound("This item is not part of the order.", code="unknown_line")
    return line


OVERRIDE_NOT_NEEDED = Eligibility.no(
    "override_not_needed",
    "This item's price adjustment window is still open: ask for it without an override.",
)


def _answer(
    order: Order, facts: OrderFacts, line: OrderLine, now: dt.datetime, override: RuleOverride | None
) -> LineAdjustment:
    """The line's answer, required to be yes. With an override, the line must be refused for a code it
    sets aside (else the override changes nothing and is refused); the rule is then asked again with
    those codes waived, so every other rule still applies."""
    answer = order_price_adjustments(order=order, facts=facts, now=now, lines=[line])[0]
    if override is None:
        answer.eligibility.require()
        return answer
    if answer.eligibility.allowed:
        OVERRIDE_NOT_NEEDED.require()
    if answer.eligibility.code not in override.codes:
        answer.eligibility.require()  # refused for a rule no one may set aside here
    waived = order_price_adjustments(order=order, facts=facts, now=now, lines=[line], waive=override.codes)
    waived[0].eligibility.require()
    return waived[0]


def _plan(
    order: Order, facts: OrderFacts, line_id: int, now: dt.datetime, override: RuleOverride | None = None
) -> PriceAdjustmentPlan:
    line = _line(facts, line_id)
    answer = _answer(order, facts, line, now, override)
    price_now = answer.price_now
    assert price_now is not None
    locale = get_policy().store.locale
    paid, cheaper = (format_money(v, order.currency, locale) for v in (line.unit_price, price_now.price))
    charge = Charge(
        RefundLineKind.PRICE_ADJUSTMENT,
        answer.amount,
        f"Price adjustment: {answer.units} × {line.product_name}, {paid} → {cheaper}",
        line.pk,
        answer.units,
    )
    credit = (
        CREDIT_ALL
        if get_policy().price_adjustment.paid_as == "store_credit"
        else CREDIT_STORE_CREDIT_PAYMENTS
    )
    plan = refund_plan(order=order, facts=facts, parts=[], charges=[charge], whole_order=False, credit=credit)
    return PriceAdjustmentPlan(answer=answer, refund=plan, currency=order.currency)


def price_adjustment_preview(
    *,
    order: Order,
    line_id: int,
    now: dt.datetime | None = None,
    override: RuleOverride | None = None,
) -> PriceAdjustmentPlan:
    return _plan(order, order_facts(order), line_id, now or timezone.now(), override)


@dataclass(frozen=True, slots=True)
class PriceAdjustmentResult:
    order: Order
    data: dict[str, Any]  # line_id, amount, refund_amount, points, payment_outcome, message
    replayed: bool

    @property
    def message(self) -> str:
        return str(self.data["message"])


def price_adjustment_request(
    *,
    order: Order,
    line_id: int,
    actor: Actor,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    override: RuleOverride | None = None,
) -> PriceAdjustmentResult:
    """Refund the difference on one line, once. Under the order lock (then its payments, by id), the rule
    is asked again: a second request for the line finds it adjusted (`already_adjusted`); a retry with the
    same Idempotency-Key gets the first answer. With `override` (a lead's, naming `window_closed`), a
    closed window is set aside, every other rule re-checked, and the override recorded on the order."""
    now = now or timezone.now()
    request = {"line_id": line_id}
    with transaction.atomic():
        locked = order_lock(order_id=order.pk)
        keys = action_keys(
            order=locked, action=f"price_adjustment:{line_id}", client_key=idempotency_key, derived=None
        )
        if keys and (replay := action_replay(keys=keys, request=request)) is not None:
            return PriceAdjustmentResult(order=locked, data=replay, replayed=True)
        facts = order_facts_locked(locked)
        change = _plan(locked, facts, line_id, now, override)
        answer, plan = change.answer, change.refund
        line = answer.line
        assert answer.price_now is not None
        refund_plan_perform(
            order=locked,
            plan=plan,
            actor=actor,
            reason="Price adjustment",
            key=f"order:{locked.pk}:price-adjustment:{line.pk}",
            now=now,
        )
        PriceAdjustment.objects.create(
            order=locked,
            order_line=line,
            unit_price_paid=line.unit_price,
            unit_price_now=answer.price_now.price,
            price_kind_now=answer.price_now.kind,
            quantity=answer.units,
            amount=answer.amount,
            refunded=plan.refunded,
            points=plan.points,
            paid_as=get_policy().price_adjustment.paid_as,
            actor_label=actor.label,
            created_at=now,
        )
        locale = get_policy().store.locale
        message = change.sentence(locale=locale)
        events.order_price_adjusted(
            order=locked,
            actor=actor,
            line_id=line.pk,
            paid=str(line.unit_price),
            now_price=str(answer.price_now.price),
            amount=str(answer.amount),
            message=f"Price adjustment on {line.product_name}: {format_money(answer.amount, locked.currency, locale)}.",
        )
        if override is not None:
            events.order_rule_overridden(
                order=locked,
                actor=override.actor,
                action_id="price_adjustment",
                codes=list(override.codes),
                reason=override.reason,
                message=f"Price adjustment on {line.product_name}: adjustment window set aside by "
                f"{override.actor.label}. Reason: {override.reason}",
            )
        data = _result_data(answer, plan, message)
        if keys:
            action_store(
                order=locked, action="price_adjustment", keys=keys, request=request, result=data, now=now
            )
    locked.refresh_from_db()
    return PriceAdjustmentResult(order=locked, data=data, replayed=False)


def _result_data(answer: LineAdjustment, plan: RefundPlan, message: str) -> dict[str, Any]:
    return {
        "line_id": answer.line.pk,
        "unit_price_paid": str(answer.line.unit_price),
        "unit_price_now": str(answer.price_now.price) if answer.price_now else None,
        "units": answer.units,
        "amount": str(answer.amount),
        "refund_amount": str(plan.refunded),
        "money_back": str(plan.money),
        "points": plan.points,
        "payment_outcome": plan.outcome,
        "message": message,
    }
