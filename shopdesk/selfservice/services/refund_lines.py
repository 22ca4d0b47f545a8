"""Refund chosen units of an order the customer keeps or never got (a lost parcel, a damaged item kept as
a goodwill gesture): the care team's answer when the items can no longer simply be cancelled.

refund_lines_units(facts=, open_returns=)            units of each line that can still be refunded
refund_lines_eligibility(order=, facts=)             the order as a whole, for the action list
refund_lines_preview(order=, lines=)                 the refund it would make, without writing
order_refund_lines(order=, actor=, lines=, reason=)  lock, re-check, refund through the one plan, record

Only units that left the warehouse count (unshipped ones are cancelled instead), less those already
returned, refunded this way, or in a return that is still open. The refunded units are recorded on the
line (`quantity_refunded`), so a later return, price adjustment or refund of the same lines sees them
gone, and the refund breakdown counts them as units before (so the last unit takes the rounding).
A line whose price was adjusted is refunded for what is still paid for it: the share of the difference
already paid back comes off its units (docs/decisions/0035).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import InvalidInput, NotEligible
from shopdesk.orders import events
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order, OrderLine
from shopdesk.orders.services.idempotency import action_keys, action_replay, action_store, order_lock
from shopdesk.payments.breakdown_rows import line_part, payment_held
from shopdesk.payments.order_facts import OrderFacts, order_facts
from shopdesk.payments.refund_plan import (
    CREDIT_STORE_CREDIT_PAYMENTS,
    RefundPlan,
    order_facts_locked,
    refund_plan,
    refund_plan_perform,
)
from shopdesk.policy import get_policy
from shopdesk.promotions.price_adjustment import order_adjustments_by_line
from shopdesk.returns.eligibility import units_in_open_returns

MAX_REASON_LENGTH = 200
MAX_LINES = 100

AGENTS_ONLY = Eligibility.no("agents_only", "Only our care team can refund items of an order.")


def refund_lines_units(*, facts: OrderFacts, open_returns: Mapping[int, int]) -> dict[int, int]:
    """Units of each line that can be refunded now: shipped, not cancelled, returned, refunded or in an
    open return (lines with none are left out)."""
    units = {}
    for line in facts.active_lines:
        shipped = min(facts.units_shipped(line), line.quantity_active)
        left = shipped - line.quantity_returned - line.quantity_refunded - open_returns.get(line.pk, 0)
        if left > 0:
            units[line.pk] = left
    return units


def _captured_left(facts: OrderFacts) -> bool:
    return any(h.captured > h.refunded for p in facts.payments if (h := payment_held(p)) is not None)


def refund_lines_eligibility(*, order: Order, facts: OrderFacts | None = None) -> Eligibility:
    if order.is_cancelled:
        return Eligibility.no("order_cancelled", "This order was cancelled, so there is nothing to refund.")
    facts = facts or order_facts(order)
    if not _captured_left(facts):
        return Eligibility.no("nothing_to_refund", "No money taken for this order is left to refund.")
    if not refund_lines_units(facts=facts, open_returns=units_in_open_returns(order)):
        return Eligibility.no(
            "nothing_to_refund",
            "No item of this order can be refunded here: none has shipped, or every unit that did was "
            "returned, refunded or is in an open return (unshipped items are cancelled instead).",
        )
    return Eligibility.yes("Refund chosen items the customer keeps or never received, with a reason.")


@dataclass(frozen=True, slots=True)
class RefundLinesPreview:
    units: dict[int, int]  # order line id -> units refunded
    plan: RefundPlan
    items: list[dict[str, Any]]

    @property
    def unit_count(self) -> int:
        return sum(self.units.values())

    def sentence(self, *, locale: str = "en_US") -> str:
        count = self.unit_count
        return f"Refund {count} item{'s' if count != 1 else ''}: {self.plan.sentence(locale=locale)}"


def _refused(line: OrderLine, code: str, message: str) -> NotEligible:
    error = NotEligible(Eligibility.no(code, message))
    error.details = {**(error.details or {}), "fields": {f"lines.{line.pk}": message}}
    return error


def _units_chosen(order: Order, facts: OrderFacts, wanted: Sequence[tuple[int, int]]) -> dict[int, int]:
    """The chosen units, each checked: unknown lines are bad input; a unit that can't go is refused,
    naming the line."""
    by_id = {line.pk: line for line in facts.lines}
    chosen: dict[int, int] = {}
    for line_id, quantity in wanted:
        if line_id not in by_id:
            raise InvalidInput(
                "Choose the items to refund from this order.",
                code="unknown_line",
                details={"fields": {"lines": f"Line {line_id} is not part of this order."}},
            )
        if line_id in chosen:
            raise InvalidInput(
                "Name each item once.",
                code="invalid_input",
                details={"fields": {"lines": f"Line {line_id} is named twice."}},
            )
        chosen[line_id] = quantity
    refundable = refund_lines_units(facts=facts, open_returns=units_in_open_returns(order))
    for line_id, quantity in chosen.items():
        line = by_id[line_id]
        left = refundable.get(line_id, 0)
        if left == 0:
            raise _refused(
                line,
                "line_not_refundable",
                f"The {line.product_name} can't be refunded here: it hasn't shipped (cancel it instead), "
                "or it was already returned, refunded or is in an open return.",
            )
        if quantity > left:
            raise _refused(
                line,
                "line_not_refundable",
                f"Only {left} unit{'s' if left != 1 else ''} of the {line.product_name} can be refunded.",
            )
    return dict(sorted(chosen.items()))


def _preview(order: Order, facts: OrderFacts, wanted: Sequence[tuple[int, int]]) -> RefundLinesPreview:
    refund_lines_eligibility(order=order, facts=facts).require()
    units = _units_chosen(order, facts, wanted)
    by_id = {line.pk: line for line in facts.lines}
    # A line whose price was adjusted gives back what is still paid for it: the difference already
    # paid back comes off its units (the breakdown's `LinePart.adjusted`), so it never moves twice.
    adjustments = order_adjustments_by_line(order_id=order.pk)
    parts = [
        line_part(by_id[line_id], n, adjustment=adjustments.get(line_id)) for line_id, n in units.items()
    ]
    # What was paid with store credit goes back to it, settled at once, like a cancel.
    plan = refund_plan(
        order=order, facts=facts, parts=parts, whole_order=False, credit=CREDIT_STORE_CREDIT_PAYMENTS
    )
    if plan.refunded <= 0 and plan.points <= 0:
        raise NotEligible(
            Eligibility.no("nothing_to_refund", "No money taken for these items is left to refund.")
        )
    items = [
        {"line_id": line_id, "name": by_id[line_id].product_name, "quantity": n}
        for line_id, n in units.items()
    ]
    return RefundLinesPreview(units=units, plan=plan, items=items)


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput(
            "Say why these items are refunded.",
            code="reason_required",
            details={"fields": {"reason": "Required."}},
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(
            f"Please keep the reason under {MAX_REASON_LENGTH} characters.", code="reason_too_long"
        )
    return reason


def refund_lines_preview(*, order: Order, lines: Sequence[tuple[int, int]]) -> RefundLinesPreview:
    """What the refund would do, without doing it (raises NotEligible / InvalidInput like the service)."""
    return _preview(order, order_facts(order), lines)


@dataclass(frozen=True, slots=True)
class RefundLinesResult:
    order: Order
    data: dict[str, Any]  # items, refund_ids, refund_amount, points_returned, payment_outcome, message
    replayed: bool

    @property
    def message(self) -> str:
        return str(self.data["message"])


def order_refund_lines(
    *,
    order: Order,
    actor: Actor,
    lines: Sequence[tuple[int, int]],
    reason: str,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> RefundLinesResult:
    """Refund the chosen units once, in one transaction. Under the order lock (then its payments, by id)
    every unit is checked again, so two agents refunding the same last unit refund it once; a retry with
    the same Idempotency-Key gets the first answer."""
    if not actor.is_agent:
        AGENTS_ONLY.require()
    reason = _reason(reason)
    now = now or timezone.now()
    request = {"lines": sorted([list(pair) for pair in lines]), "reason": reason}
    with transaction.atomic():
        locked = order_lock(order_id=order.pk)
        keys = action_keys(order=locked, action="refund_lines", client_key=idempotency_key, derived=None)
        if keys and (replay := action_replay(keys=keys, request=request)) is not None:
            return RefundLinesResult(order=locked, data=replay, replayed=True)
        facts = order_facts_locked(locked)
        preview = _preview(locked, facts, lines)
        by_id = {line.pk: line for line in facts.lines}
        before = {str(line_id): by_id[line_id].quantity_refunded for line_id in preview.units}
        # Unique per refund: the units refunded on the order before this one only ever grow.
        done_before = sum(line.quantity_refunded for line in facts.lines)
        key = f"order:{locked.pk}:refund-lines:{done_before}"
        for line_id, units in preview.units.items():
            OrderLine.objects.filter(pk=line_id).update(quantity_refunded=F("quantity_refunded") + units)
        after = {str(line_id): before[str(line_id)] + units for line_id, units in preview.units.items()}
        names = ", ".join(f"{item['quantity']} × {item['name']}" for item in preview.items)
        # A note on the order's history (the agent, the units, the reason); the refund's own event and
        # webhook (`refund.created`) come from the refund path below.
        events.order_event_record(
            order=locked,
            kind=OrderEventKind.NOTE,
            actor=actor,
            message=f"Items refunded by {actor.label} ({names}). Reason: {reason}",
            before={"quantity_refunded": before},
            after={"quantity_refunded": after, "reason": reason},
        )
        plan = preview.plan
        refund_ids = refund_plan_perform(
            order=locked, plan=plan, actor=actor, reason=reason, key=key, now=now
        )
        locale = get_policy().store.locale
        data = {
            "items": preview.items,
            "refund_id": refund_ids[0] if refund_ids else None,
            "refund_ids": refund_ids,
            "refund_amount": str(plan.refunded),
            "money_back": str(plan.money),
            "currency": locked.currency,
            "points_returned": plan.points,
            "payment_outcome": plan.outcome,
            "reason": reason,
            "message": f"{preview.unit_count} item{'s' if preview.unit_count != 1 else ''} refunded. "
            f"{plan.sentence(locale=locale)}",
        }
        if keys:
            action_store(
                order=locked, action="refund_lines", keys=keys, request=request, result=data, now=now
            )
    locked.refresh_from_db()
    return RefundLinesResult(order=locked, data=data, replayed=False)
