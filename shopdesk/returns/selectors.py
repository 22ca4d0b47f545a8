"""Reads of returns, with their lines and events fetched in the same few queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from shopdesk.core.errors import NotFound
from shopdesk.orders.models import Order
from shopdesk.payments.models import Payment
from shopdesk.policy import get_policy
from shopdesk.returns.enums import RETURN_TRANSITIONS, ReturnStatus
from shopdesk.returns.models import ReturnEvent, ReturnLine, ReturnRequest
from shopdesk.returns.progress import return_follow_up


def _with_rows(queryset: QuerySet[ReturnRequest]) -> QuerySet[ReturnRequest]:
    return queryset.prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line")),
        Prefetch("events", queryset=ReturnEvent.objects.order_by("created_at", "id")),
        "scans",
        "photos",
    )


def return_of_order(*, order: Order, rma: str) -> ReturnRequest:
    """The order's return by RMA; another order's RMA is the same NotFound as an unknown one."""
    found = _with_rows(ReturnRequest.objects.filter(order=order, rma=rma.strip().upper())).first()
    if found is None:
        raise NotFound("We could not find that return on this order.", code="unknown_return")
    return found


def returns_of_order(*, order: Order) -> list[ReturnRequest]:
    return list(_with_rows(ReturnRequest.objects.filter(order=order)).order_by("-created_at", "-id"))


def return_as_dict(return_request: ReturnRequest) -> dict[str, Any]:
    """The return as the customer sees it: status, lines, the estimate made at creation, the timeline."""
    policy = get_policy()
    warehouse = policy.warehouse(return_request.origin_warehouse)
    reasons = {reason.code: reason.label for reason in policy.returns.reasons}
    created = return_request.created_result or {}
    return {
        "rma": return_request.rma,
        "status": return_request.status,
        "status_label": ReturnStatus(return_request.status).label,
        "method": return_request.method,
        "cancellable": ReturnStatus.CANCELLED in RETURN_TRANSITIONS[ReturnStatus(return_request.status)],
        "created_at": return_request.created_at.isoformat(),
        "warehouse": {"code": warehouse.code, "name": warehouse.name} if warehouse else None,
        "lines": [
            {
                "line_id": line.order_line_id,
                "name": line.order_line.product_name,
                "quantity": line.quantity,
                "reason": line.reason,
                "reason_label": reasons.get(line.reason, line.reason),
                "resolution": line.resolution,
                "exchange_for": line.exchange_label or None,
                "outcome": line.outcome or None,
                "deduction": str(line.deduction) if line.outcome else None,
            }
            for line in return_request.lines.all()
        ],
        "refund_estimate": created.get("refund_estimate"),
        "inspection": (return_request.inspection_result or {}).get("result"),
        "timeline": [
            {
                "at": event.created_at.isoformat(),
                "kind": event.kind,
                "status": event.to_status or None,
                "message": event.message,
            }
            for event in return_request.events.all()
        ],
        # steps, tracking and scans, "have you received it?", photos (returns/progress.py)
        **return_follow_up(return_request, payments=Payment.objects.filter(order_id=return_request.order_id)),
    }
