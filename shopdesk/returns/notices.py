"""The emails of a return, queued in the outbox inside the transaction of the change they report.

return_status_notice(...)              approved (with the slip's link) and received: called by the one
                                       status-change function, whoever moved the return
return_inspection_notice(...)          the outcome of every line, then the refund with its lines and date
return_exchange_shipped_notice(...)    the replacement items of an exchange are on their way

Each email has a dedupe key per return and kind, so a retried request never sends it twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse

from shopdesk.core.calendar import local_date
from shopdesk.notifications.services import email_enqueue
from shopdesk.payments.models import Payment
from shopdesk.policy import get_policy
from shopdesk.policy.dates import day_text
from shopdesk.policy.money import money_text
from shopdesk.returns.enums import InspectionOutcome, ReturnMethod, ReturnStatus
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.progress import return_received_answer


def _absolute(path: str) -> str:
    return settings.SHOPDESK_BASE_URL.rstrip("/") + path


def _common(return_request: ReturnRequest) -> dict[str, Any]:
    number, rma = return_request.order.number, return_request.rma
    return {
        "rma": rma,
        "return_url": _absolute(reverse("portal:return_detail", args=[number, rma])),
        "slip_url": _absolute(reverse("portal:return_slip", args=[number, rma])),
        "items": [
            {"quantity": line.quantity, "name": line.order_line.product_name}
            for line in return_request.lines.select_related("order_line").order_by("id")
        ],
    }


def _send(return_request: ReturnRequest, template: str, context: dict[str, Any]) -> None:
    order = return_request.order
    email_enqueue(
        to=order.email,
        template=template,
        context={**_common(return_request), **context},
        order=order,
        dedupe_key=f"return:{return_request.rma}:{template}",
    )


def return_status_notice(*, return_request: ReturnRequest, after: str, now: dt.datetime) -> None:
    """Approved: how to send the items back, with the slip. Received: when the refund is expected."""
    if after == ReturnStatus.APPROVED:
        _send(
            return_request,
            "return_approved",
            {"own_carrier": return_request.method == ReturnMethod.OWN_CARRIER},
        )
    elif after == ReturnStatus.RECEIVED:
        answer = return_received_answer(
            return_request, payments=Payment.objects.filter(order_id=return_request.order_id), now=now
        )
        # The answer's first sentence says "we received it"; the email says that itself.
        message = answer["message"].split(". ", 1)[1] if ". " in answer["message"] else ""
        received = return_request.received_at or now
        _send(
            return_request,
            "return_received",
            {"received_on": day_text(local_date(received, get_policy())), "received_message": message},
        )


def _outcome_sentence(outcome: dict[str, Any], currency: str) -> str:
    reason = f" ({outcome['reason']})" if outcome.get("reason") else ""
    if outcome["outcome"] == InspectionOutcome.ACCEPTED:
        return "accepted."
    if outcome["outcome"] == InspectionOutcome.DEDUCTED:
        return f"accepted with a deduction of {money_text(outcome['deduction'], currency)}{reason}."
    return f"not accepted{reason}; nothing is refunded for it."


def return_inspection_notice(*, return_request: ReturnRequest, result: dict[str, Any]) -> None:
    """After the inspection: each line's outcome; and, when money goes back, the refund line by line."""
    order = return_request.order
    currency = order.currency
    names = {line.order_line_id: line.order_line.product_name for line in return_request.lines.all()}
    refund = result.get("refund") or {}
    total = Decimal(str(refund.get("total") or 0))
    _send(
        return_request,
        "return_inspected",
        {
            "outcomes": [
                {
                    "quantity": item["quantity"],
                    "name": names.get(item["line_id"], ""),
                    "sentence": _outcome_sentence(item, currency),
                }
                for item in result.get("lines", [])
            ],
            "refund_total": money_text(total, currency) if total > 0 else "",
        },
    )
    if total > 0 and refund.get("refund_ids"):
        expected = refund.get("expected_by")
        _send(
            return_request,
            "return_refunded",
            {
                "refund_total": money_text(total, currency),
                "refund_lines": [
                    {"description": line["description"], "amount": money_text(line["amount"], currency)}
                    for line in refund.get("lines", [])
                ],
                "refund_destinations": _destinations(refund, currency),
                "expected_by": day_text(dt.date.fromisoformat(expected)) if expected else "",
            },
        )


DESTINATION_SENTENCES = {
    "payment": "Back to your {label}",
    "store_credit": "Added to your store credit",
    "hold_released": "Hold on your {label} released",
    "hold_lowered": "Hold on your {label} lowered",
}


def _destinations(refund: dict[str, Any], currency: str) -> list[dict[str, str]]:
    """Where the refund went, share by share (the plan's `destinations`), then the points given back."""
    rows = [
        {
            "where": DESTINATION_SENTENCES[share["kind"]].format(label=share["label"]),
            "amount": money_text(share["amount"], currency),
        }
        for share in refund.get("destinations", [])
    ]
    points = int(refund.get("points") or 0)
    if points:
        rows.append({"where": "Points back to your account", "amount": f"{points:,} points"})
    return rows


def return_exchange_shipped_notice(
    *,
    return_request: ReturnRequest,
    items: list[dict[str, Any]],
    tracking_number: str = "",
    carrier: str = "",
) -> None:
    """The replacement items of an exchange left the warehouse: `items` as [{quantity, name}]."""
    known = get_policy().carrier(carrier) if carrier else None
    url = known.tracking_url.format(number=tracking_number) if known and tracking_number else ""
    _send(
        return_request,
        "return_exchange_shipped",
        {
            "items": items,
            "tracking_number": tracking_number,
            "carrier_name": known.name if known else carrier.upper(),
            "tracking_url": url,
        },
    )
