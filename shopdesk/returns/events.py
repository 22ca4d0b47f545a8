"""The return audit trail: one append-only row per change, written by `return_event_record` from a table
that says, per kind of event, the sentence the customer reads and which facts the row keeps.

    return_event_record(ReturnEventKind.TRACKING_ADDED, return_request=..., actor=..., at=...,
                        carrier_name="UPS", number="1Z…")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shopdesk.core.actors import Actor
from shopdesk.policy.money import money_text
from shopdesk.returns.enums import ReturnEventKind, ReturnStatus
from shopdesk.returns.models import ReturnEvent, ReturnRequest

STATUS_SENTENCES = {
    ReturnStatus.PENDING_APPROVAL: "Waiting for our team to approve the return.",
    ReturnStatus.APPROVED: "Return approved: send the items back with the return slip.",
    ReturnStatus.REJECTED: "The return was not approved.",
    ReturnStatus.IN_TRANSIT: "The parcel is on its way back to us.",
    ReturnStatus.RECEIVED: "We received your return.",
    ReturnStatus.INSPECTED: "We inspected the items.",
    ReturnStatus.REFUNDED: "Your refund is on its way.",
    ReturnStatus.CANCELLED: "The return was cancelled.",
    ReturnStatus.CLOSED: "The return is closed.",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


@dataclass(frozen=True, slots=True)
class EventShape:
    # The sentence, from the return, the status it moved to (if any) and the facts the caller gave.
    message: Callable[[ReturnRequest, str, Mapping[str, Any]], str]
    data: tuple[str, ...] = ()  # the facts kept in the row's `data` (None when there are none)
    status_after: str = ""  # a kind that always ends in one status (a new return is requested)


def _created(return_request: ReturnRequest, after: str, facts: Mapping[str, Any]) -> str:
    units = sum(line.quantity for line in return_request.lines.all())
    return f"Return {return_request.rma} requested for {_plural(units, 'item')}."


def _status_changed(return_request: ReturnRequest, after: str, facts: Mapping[str, Any]) -> str:
    return f"{STATUS_SENTENCES.get(ReturnStatus(after), '')} {facts.get('note', '')}".strip()


def _exchange_order(return_request: ReturnRequest, after: str, facts: Mapping[str, Any]) -> str:
    verb = "created" if facts["created_here"] else "placed on the store"
    return f"Exchange order {facts['order_number']} {verb}: your new items are on their way soon."


def _exchange_shipped(return_request: ReturnRequest, after: str, facts: Mapping[str, Any]) -> str:
    sent = f", tracking number {facts['tracking_number']}" if facts["tracking_number"] else ""
    return f"Your exchange items left the warehouse (order {facts['order_number']}{sent})."


def _money(ret: ReturnRequest, amount: str) -> str:
    return money_text(amount, ret.order.currency)


EVENT_SHAPES: dict[str, EventShape] = {
    ReturnEventKind.CREATED: EventShape(_created, status_after=ReturnStatus.REQUESTED),
    ReturnEventKind.STATUS_CHANGED: EventShape(_status_changed),
    ReturnEventKind.INSPECTED: EventShape(
        lambda ret, after, facts: "Inspection recorded for every item.", data=("lines",)
    ),
    ReturnEventKind.REFUND_CREATED: EventShape(
        lambda ret, after, facts: f"Refund of {_money(ret, facts['amount'])} recorded.",
        data=("refund_ids", "amount"),
    ),
    ReturnEventKind.PHOTOS_ADDED: EventShape(
        lambda ret, after, facts: f"{_plural(len(facts['photos']), 'photo')} added.", data=("photos",)
    ),
    ReturnEventKind.TRACKING_ADDED: EventShape(
        lambda ret, after, facts: f"Sent with {facts['carrier_name']}, tracking number {facts['number']}.",
        data=("carrier_name", "number"),
    ),
    ReturnEventKind.STORE_CREDIT_ISSUED: EventShape(
        lambda ret, after, facts: f"Store credit of {_money(ret, facts['amount'])} added to your balance.",
        data=("refund_id", "amount"),
    ),
    ReturnEventKind.EXCHANGE_ORDER: EventShape(_exchange_order, data=("order_number", "created_here")),
    ReturnEventKind.EXCHANGE_SHIPPED: EventShape(_exchange_shipped, data=("order_number", "tracking_number")),
}


def return_event_record(
    kind: ReturnEventKind,
    *,
    return_request: ReturnRequest,
    actor: Actor,
    at: dt.datetime,
    before: str = "",
    after: str = "",
    **facts: Any,
) -> ReturnEvent:
    """Write one event row of `kind`: its sentence and data come from EVENT_SHAPES; `before`/`after` are
    the statuses of a status change."""
    shape = EVENT_SHAPES[kind]
    missing = [name for name in shape.data if name not in facts]
    if missing:
        raise TypeError(f"a {kind} event needs {', '.join(missing)}")
    after = after or shape.status_after
    return ReturnEvent.objects.create(
        return_request=return_request,
        kind=kind,
        from_status=before,
        to_status=after,
        actor_kind=actor.kind,
        actor_label=actor.label[:254],
        message=shape.message(return_request, after, facts)[:500],
        data={name: facts[name] for name in shape.data} if shape.data else None,
        created_at=at,
    )
