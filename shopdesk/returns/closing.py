"""A refunded return closes once every refund it recorded has gone through (docs/decisions/0034).

return_close_if_settled(return_request=..., now=...)   after the inspection: its refunds may be settled already
return_close_on_refund_succeeded(refund, now)          the payments layer's listener: one of them just succeeded

Both close through `return_transition` (the event row, `return.closed`), and only a return still `refunded`
under its row lock: a replayed or concurrent success finds it closed and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from shopdesk.core.actors import Actor
from shopdesk.payments.enums import RefundStatus
from shopdesk.payments.models import Refund
from shopdesk.returns.enums import ReturnEventKind, ReturnStatus
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.services import return_transition

SETTLED_NOTE = "Every refund went through."


def return_refund_ids(return_request: ReturnRequest) -> set[int]:
    """The refunds the return recorded: its inspection's refunds and its store credit, from its events."""
    ids: set[int] = set()
    rows = return_request.events.filter(
        kind__in=(ReturnEventKind.REFUND_CREATED, ReturnEventKind.STORE_CREDIT_ISSUED)
    ).values_list("kind", "data")
    for kind, data in rows:
        facts = data or {}
        if kind == ReturnEventKind.REFUND_CREATED:
            ids.update(int(refund_id) for refund_id in facts.get("refund_ids") or [])
        elif facts.get("refund_id") is not None:
            ids.add(int(facts["refund_id"]))
    return ids


def return_close_if_settled(*, return_request: ReturnRequest, now: dt.datetime) -> bool:
    """Inside the caller's transaction: close the return if it is refunded and none of its refunds is still
    pending, processing or failed (a return whose refund gave back points alone has none). True if closed."""
    locked = ReturnRequest.objects.select_for_update().filter(pk=return_request.pk).first()
    if locked is None or locked.status != ReturnStatus.REFUNDED:
        return False
    ids = return_refund_ids(locked)
    if Refund.objects.filter(pk__in=ids).exclude(status=RefundStatus.SUCCEEDED).exists():
        return False
    return_transition(
        return_request=locked, to_status=ReturnStatus.CLOSED, actor=Actor.system(), now=now, note=SETTLED_NOTE
    )
    return_request.status, return_request.updated_at = locked.status, locked.updated_at
    return True


def return_close_on_refund_succeeded(refund: Refund, now: dt.datetime) -> None:
    """A refund succeeded (called by payments' `refund_transition`, in its transaction): the refunded
    return it belongs to closes if it was the last one outstanding."""
    candidates = ReturnRequest.objects.filter(order_id=refund.order_id, status=ReturnStatus.REFUNDED)
    for return_request in candidates.order_by("pk"):
        if refund.pk in return_refund_ids(return_request):
            return_close_if_settled(return_request=return_request, now=now)
            return
