"""The `return.*` webhooks: one per status change of a return, sent from `return_transition` (and
`return.created` from `return_create`), in the change's transaction through the webhooks outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shopdesk.core.actors import Actor
from shopdesk.returns.enums import ReturnStatus
from shopdesk.returns.models import ReturnRequest
from shopdesk.webhooks.services.events import webhook_event_emit

# Every status a return can reach has its type; `requested` is the state return.created announces.
STATUS_TYPES: dict[str, str] = {
    ReturnStatus.REQUESTED: "return.created",
    ReturnStatus.PENDING_APPROVAL: "return.pending_approval",
    ReturnStatus.APPROVED: "return.approved",
    ReturnStatus.REJECTED: "return.rejected",
    ReturnStatus.IN_TRANSIT: "return.in_transit",
    ReturnStatus.RECEIVED: "return.received",
    ReturnStatus.INSPECTED: "return.inspected",
    ReturnStatus.REFUNDED: "return.refunded",
    ReturnStatus.CANCELLED: "return.cancelled",
    ReturnStatus.CLOSED: "return.closed",
}


def _return_block(return_request: ReturnRequest) -> dict[str, Any]:
    lines = return_request.lines.select_related("order_line").order_by("pk")
    return {
        "rma": return_request.rma,
        "status": return_request.status,
        "method": return_request.method,
        "lines": [
            {
                "sku": line.order_line.sku,
                "external_id": line.order_line.external_id,
                "quantity": line.quantity,
                "reason": line.reason,
                "resolution": line.resolution,
                "outcome": line.outcome,
            }
            for line in lines
        ],
    }


def return_webhook_emit(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    before: str | None,
    after: str,
    at: dt.datetime,
    message: str = "",
) -> None:
    webhook_event_emit(
        type_name=STATUS_TYPES[after],
        order=lambda: return_request.order,
        actor=actor,
        before={"status": before} if before else None,
        after={"status": after},
        message=message,
        subject=lambda: {"return": _return_block(return_request)},
        at=at,
    )
