"""Cancel an order, or the items of it that haven't shipped: refund (or release the hold), points, stock.

cancel_preview(order=..., line_ids=...)   what would happen, for the confirmation step
order_cancel(order=..., actor=..., ...)   do it: idempotent and race-safe (see services/idempotency.py)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shopdesk.catalog.stock import stock_release
from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import InvalidInput, NotEligible
from shopdesk.notifications.services import email_enqueue
from shopdesk.orders import events
from shopdesk.orders.models import Order, OrderLine
from shopdesk.orders.services.idempotency import action_keys, action_replay, action_store, order_lock
from shopdesk.payments.breakdown_rows import line_part
from shopdesk.payments.refund_plan import (
    CREDIT_STORE_CREDIT_PAYMENTS,
    RefundPlan,
    order_facts_locked,
    refund_plan,
    refund_plan_perform,
)
from shopdesk.policy.money import money_locale
from shopdesk.promotions.price_adjustment import order_adjustments_by_line
from shopdesk.selfservice.eligibility import OrderFacts, cancel_eligibility, order_facts

MAX_REASON_LENGTH = 200


@dataclass(frozen=True, slots=True)
class CancelPreview:
    units: dict[int, int]  # order line id -> units to cancel
    whole_order: bool
    plan: RefundPlan
    items: list[dict[str, Any]]

    @property
    def unit_count(self) -> int:
        return sum(self.units.values())

    def sentence(self, *, locale: str = "en_US") -> str:
        count = self.unit_count
        what = "this order" if self.whole_order else f"{count} item{'s' if count != 1 else ''}"
        return f"You're about to cancel {what}. {self.plan.sentence(locale=locale)}"


@dataclass(frozen=True, slots=True)
class CancelResult:
    order: Order
    data: dict[
        str, Any
    ]  # stored for replays: whole_order, items, refund_id, refund_amount, points, outcome, message
    replayed: bool

    @property
    def message(self) -> str:
        return str(self.data["message"])


def _units_to_cancel(facts: OrderFacts, line_ids: list[int] | None) -> dict[int, int]:
    unshipped = {line.pk: facts.units_unshipped(line) for line in facts.unshipped_lines}
    if line_ids is None:
        if facts.any_shipped:
            # "Cancel my order" after part of it left must not quietly become "cancel the rest".
            raise NotEligible(cancel_eligibility(order=facts.order, facts=facts))
        return unshipped
    known = {line.pk for line in facts.lines}
    unknown = [line_id for line_id in line_ids if line_id not in known]
    if unknown or not line_ids:
        raise InvalidInput("Choose the items to cancel from this order.", code="unknown_line")
    shipped = [line_id for line_id in line_ids if line_id not in unshipped]
    if shipped:
        names = ", ".join(line.product_name for line in facts.lines if line.pk in shipped)
        raise NotEligible(
            Eligibility.no(
                "line_dispatched",
                f"{names} can't be cancelled: it has left our warehouse or was already cancelled.",
            )
        )
    return {line_id: unshipped[line_id] for line_id in sorted(set(line_ids))}


def _preview(order: Order, facts: OrderFacts, line_ids: list[int] | None) -> CancelPreview:
    units = _units_to_cancel(facts, line_ids)
    remaining = sum(line.quantity_active for line in facts.active_lines) - sum(units.values())
    whole_order = remaining == 0 and not facts.any_shipped
    by_id = {line.pk: line for line in facts.lines}
    # A line whose price was adjusted gives back what is still paid for it (docs/decisions/0035).
    adjustments = order_adjustments_by_line(order_id=order.pk) if units else {}
    parts = [
        line_part(by_id[line_id], n, adjustment=adjustments.get(line_id)) for line_id, n in units.items()
    ]
    # What was paid with store credit goes back to it, settled at once, like a price adjustment.
    plan = refund_plan(
        order=order, facts=facts, parts=parts, whole_order=whole_order, credit=CREDIT_STORE_CREDIT_PAYMENTS
    )
    items = [
        {"line_id": line_id, "name": by_id[line_id].product_name, "quantity": n}
        for line_id, n in units.items()
    ]
    return CancelPreview(units=units, whole_order=whole_order, plan=plan, items=items)


def cancel_preview(
    *, order: Order, line_ids: list[int] | None = None, now: dt.datetime | None = None
) -> CancelPreview:
    """What a cancel would do, without doing it (raises NotEligible / InvalidInput like the service)."""
    facts = order_facts(order)
    cancel_eligibility(order=order, now=now, facts=facts).require()
    return _preview(order, facts, line_ids)


def order_cancel(
    *,
    order: Order,
    actor: Actor,
    line_ids: list[int] | None = None,
    reason: str = "",
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> CancelResult:
    """Cancel the whole order (line_ids None) or the given unshipped lines, in one transaction."""
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(
            f"Please keep the reason under {MAX_REASON_LENGTH} characters.", code="reason_too_long"
        )
    now = now or timezone.now()
    request = {"line_ids": sorted(set(line_ids)) if line_ids is not None else None, "reason": reason}
    derived = "all" if line_ids is None else "lines:" + ",".join(str(i) for i in request["line_ids"] or [])
    with transaction.atomic():
        locked = order_lock(order_id=order.pk)
        keys = action_keys(order=locked, action="cancel", client_key=idempotency_key, derived=derived)
        replay = action_replay(keys=keys, request=request)
        if replay is not None:
            return CancelResult(order=locked, data=replay, replayed=True)
        # Re-read the facts under the locks (order, then payments by id): a shipment or a capture
        # recorded a moment ago is seen here.
        facts = order_facts_locked(locked)
        cancel_eligibility(order=locked, now=now, facts=facts).require()
        preview = _preview(locked, facts, line_ids)
        data = _apply(locked, preview, facts=facts, actor=actor, reason=reason, key=keys[-1], now=now)
        action_store(order=locked, action="cancel", keys=keys, request=request, result=data, now=now)
    locked.refresh_from_db()
    return CancelResult(order=locked, data=data, replayed=False)


def _apply(
    order: Order,
    preview: CancelPreview,
    *,
    facts: OrderFacts,
    actor: Actor,
    reason: str,
    key: str,
    now: dt.datetime,
) -> dict[str, Any]:
    before = {str(line.pk): line.quantity_cancelled for line in facts.lines}
    by_id: dict[int, OrderLine] = {line.pk: line for line in facts.lines}
    for line_id, units in preview.units.items():
        OrderLine.objects.filter(pk=line_id).update(quantity_cancelled=F("quantity_cancelled") + units)
        stock_release(variant_id=by_id[line_id].variant_id, quantity=units)
    if preview.whole_order:
        order.cancelled_at = now
        order.cancel_reason = reason[:200]
        order.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    after = {str(line_id): before[str(line_id)] + units for line_id, units in preview.units.items()}
    if preview.whole_order:
        events.order_cancelled(order=order, actor=actor, reason=reason, before=before, after=after)
    else:
        events.order_lines_cancelled(order=order, actor=actor, reason=reason, before=before, after=after)

    plan = preview.plan
    refund_ids = refund_plan_perform(
        order=order, plan=plan, actor=actor, reason=reason or "Cancelled by the customer", key=key, now=now
    )

    message = _done_sentence(preview, order)
    email_enqueue(
        to=order.email,
        template="cancelled",
        order=order,
        context={
            "whole_order": preview.whole_order,
            "cancelled_items": preview.items,
            "money_message": message,
        },
        dedupe_key=f"{key}:email",
    )
    return {
        "whole_order": preview.whole_order,
        "items": preview.items,
        "refund_id": refund_ids[0] if refund_ids else None,
        "refund_ids": refund_ids,
        "refund_amount": str(plan.refunded),
        "currency": order.currency,
        "points_returned": plan.points,
        "payment_outcome": plan.outcome,
        "message": message,
    }


def _done_sentence(preview: CancelPreview, order: Order) -> str:
    locale = money_locale()  # the page's language, not the destination's
    count = preview.unit_count
    what = (
        "Your order is cancelled."
        if preview.whole_order
        else (f"{count} item{'s are' if count != 1 else ' is'} cancelled.")
    )
    return f"{what} {preview.plan.sentence(locale=locale)}"
