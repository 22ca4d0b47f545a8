"""Every refund of an order with its plain-words explanation, and what the return behind it adds.

The sentence itself is written by payments/refund_explainer.py from the refund's lines; this module adds
what only the return knows: the reasons given (why shipping stayed), items kept, refused or exchanged.
The order view, the return page and the assistant read the explanation from here.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from shopdesk.orders.models import Order
from shopdesk.payments.refund_explainer import refund_explanation
from shopdesk.payments.selectors import RefundView, refunds_for_order
from shopdesk.policy import get_policy
from shopdesk.returns.enums import InspectionOutcome, ReturnEventKind, ReturnResolution
from shopdesk.returns.models import ReturnEvent, ReturnRequest


def _notes(return_request: ReturnRequest, *, money_refund: bool) -> list[str]:
    policy = get_policy().returns
    labels = {reason.code: reason.label for reason in policy.reasons}
    lines = list(return_request.lines.all())
    notes = []
    if money_refund and return_request.order.shipping_total and not policy.original_shipping_refunded:
        reasons = sorted({labels.get(line.reason, line.reason).lower() for line in lines})
        notes.append(f"shipping not refunded ({', '.join(reasons)})")
    for line in lines:
        name = line.order_line.product_name
        if line.outcome == InspectionOutcome.REJECTED:
            why = f": {line.outcome_reason}" if line.outcome_reason else ""
            notes.append(f"{name} not refunded, the inspection refused it{why}")
        elif line.resolution == ReturnResolution.KEEP:
            notes.append(f"you keep the {name}")
        elif line.resolution == ReturnResolution.EXCHANGE and line.outcome:
            notes.append(f"{name} exchanged for {line.exchange_label or line.exchange_sku}")
    return notes


def refund_notes_by_id(order: Order) -> dict[int, list[str]]:
    """The notes of each refund that came from a return (two queries)."""
    returns = {
        r.pk: r
        for r in ReturnRequest.objects.filter(order=order)
        .prefetch_related("lines__order_line")
        .select_related("order")
    }
    found: dict[int, list[str]] = defaultdict(list)
    events = ReturnEvent.objects.filter(
        return_request__order=order,
        kind__in=[ReturnEventKind.REFUND_CREATED, ReturnEventKind.STORE_CREDIT_ISSUED],
    )
    for event in events:
        data = event.data or {}
        ids = data.get("refund_ids") or ([data["refund_id"]] if data.get("refund_id") else [])
        money = event.kind == ReturnEventKind.REFUND_CREATED
        for refund_id in ids[:1]:  # the first refund carries the lines; the others are a payment's share
            found[refund_id] = _notes(returns[event.return_request_id], money_refund=money)
    return found


def refunds_explained(*, order: Order, refunds: list[RefundView] | None = None) -> list[dict[str, Any]]:
    """The order's refunds as the API lists them, each with `explanation`."""
    refunds = refunds if refunds is not None else refunds_for_order(order=order)
    if not refunds:
        return []
    notes = refund_notes_by_id(order)
    lines = list(order.lines.all())
    return [
        {
            **dataclasses.asdict(refund),
            "explanation": refund_explanation(
                order=order, lines=lines, refund=refund, notes=notes.get(refund.id, ())
            ),
        }
        for refund in refunds
    ]


def refunds_of_return(return_request: ReturnRequest) -> list[dict[str, Any]]:
    """The refunds the return made (to the payment, to store credit), each explained."""
    ids: set[int] = set()
    for event in return_request.events.all():
        data = event.data or {}
        if event.kind == ReturnEventKind.REFUND_CREATED:
            ids.update(data.get("refund_ids") or [])
        elif event.kind == ReturnEventKind.STORE_CREDIT_ISSUED and data.get("refund_id"):
            ids.add(data["refund_id"])
    if not ids:
        return []
    order = return_request.order
    return [r for r in refunds_explained(order=order) if r["id"] in ids]
