"""The return audit trail: one function per kind of event, each writing one append-only row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shopdesk.core.actors import Actor
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


def _record(
    *,
    return_request: ReturnRequest,
    kind: ReturnEventKind,
    actor: Actor,
    at: dt.datetime,
    message: str,
    from_status: str = "",
    to_status: str = "",
    data: Any = None,
) -> ReturnEvent:
    return ReturnEvent.objects.create(
        return_request=return_request,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor_kind=actor.kind,
        actor_label=actor.label[:254],
        message=message[:500],
        data=data,
        created_at=at,
    )


def return_created(*, return_request: ReturnRequest, actor: Actor, at: dt.datetime) -> ReturnEvent:
    units = sum(line.quantity for line in return_request.lines.all())
    return _record(
        return_request=return_request,
        kind=ReturnEventKind.CREATED,
        actor=actor,
        at=at,
        to_status=ReturnStatus.REQUESTED,
        message=f"Return {return_request.rma} requested for {units} item{'s' if units != 1 else ''}.",
    )


def return_status_changed(
    *, return_request: ReturnRequest, actor: Actor, at: dt.datetime, before: str, after: str, note: str = ""
) -> ReturnEvent:
    sentence = STATUS_SENTENCES.get(ReturnStatus(after), "")
    return _record(
        return_request=return_request,
        kind=ReturnEventKind.STATUS_CHANGED,
        actor=actor,
        at=at,
        from_status=before,
        to_status=after,
        message=f"{sentence} {note}".strip(),
    )


def return_inspected(
    *, return_request: ReturnRequest, actor: Actor, at: dt.datetime, outcomes: list[dict[str, Any]]
) -> ReturnEvent:
    return _record(
        return_request=return_request,
        kind=ReturnEventKind.INSPECTED,
        actor=actor,
        at=at,
        message="Inspection recorded for every item.",
        data={"lines": outcomes},
    )


def return_refund_created(
    *, return_request: ReturnRequest, actor: Actor, at: dt.datetime, refund_ids: list[int], amount: str
) -> ReturnEvent:
    return _record(
        return_request=return_request,
        kind=ReturnEventKind.REFUND_CREATED,
        actor=actor,
        at=at,
        message=f"Refund of {amount} recorded.",
        data={"refund_ids": refund_ids, "amount": amount},
    )


def return_photos_added(
    *, return_request: ReturnRequest, actor: Actor, at: dt.datetime, keys: list[str]
) -> ReturnEvent:
    count = len(keys)
    return _record(
        return_request=return_request,
        kind=ReturnEventKind.PHOTOS_ADDED,
        actor=actor,
        at=at,
        message=f"{count} photo{'s' if count != 1 else ''} added.",
        data={"photos": keys},
    )


def return_tracking_added(
    *, return_request: ReturnRequest, actor: Actor, at: dt.datetime, carrier_name: str, number: str
) -> ReturnEvent:
    return _record(
        return_request=return_request,
        kind=ReturnEventKind.TRACKING_ADDED,
        actor=actor,
        at=at,
        message=f"Sent with {carrier_name}, tracking number {number}.",
        data={"carrier_name": carrier_name, "number": number},
    )


def return_store_credit_issued(
    *, return_request: ReturnRequest, actor: Actor, at: dt.datetime, refund_id: int, amount: str
) -> ReturnEvent:
    return _record(
        return_request=return_request,
        kind=ReturnEventKind.STORE_CREDIT_ISSUED,
        actor=actor,
        at=at,
        message=f"Store credit of {amount} added to your balance.",
        data={"refund_id": refund_id, "amount": amount},
    )


def return_exchange_order(
    *, return_request: ReturnRequest, actor: Actor, at: dt.datetime, order_number: str, created_here: bool
) -> ReturnEvent:
    verb = "created" if created_here else "placed on the store"
    return _record(
        return_request=return_request,
        kind=ReturnEventKind.EXCHANGE_ORDER,
        actor=actor,
        at=at,
        message=f"Exchange order {order_number} {verb}: your new items are on their way soon.",
        data={"order_number": order_number, "created_here": created_here},
    )
