"""The webhook event types shopdesk sends: name, version, when it is sent, and an example payload.

docs/webhooks.md shows the same catalogue; tests/webhooks/test_catalogue.py keeps the two in step.
A type's version goes up when a field is removed or changes meaning; adding a field keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shopdesk.orders.enums import OrderEventKind


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    version: int
    description: str
    before: Any
    after: Any
    # The family's own blocks beside order/actor/message/before/after (`return`, `customer` and `entry`,
    # `ticket`, `payment`), as the example shows them.
    subject: dict[str, Any] = field(default_factory=dict)
    # False when the example has no order (points not tied to one, a ticket about no order).
    with_order: bool = True


_ADDRESS_BEFORE = {"name": "Ada Shopper", "line1": "1 Old Road", "city": "Boston", "postcode": "02101"}
_ADDRESS_AFTER = {"name": "Ada Shopper", "line1": "500 Fifth Avenue", "city": "New York", "postcode": "10110"}


def _return_type(status: str, description: str, before: str | None) -> EventType:
    line = {
        "sku": "TS-100-M",
        "external_id": "li-5012",
        "quantity": 1,
        "reason": "too_small",
        "resolution": "refund",
        "outcome": "accepted" if status in {"inspected", "refunded", "closed"} else "",
    }
    return EventType(
        f"return.{status}",
        1,
        description,
        {"status": before} if before else None,
        {"status": status},
        {"return": {"rma": "RMA-7KQ2M9XA", "status": status, "method": "label", "lines": [line]}},
    )


_CUSTOMER = {"email": "ada@example.com", "external_id": "c-881"}


def _points_type(
    name: str, description: str, kind: str, points: int, before: dict[str, int], after: dict[str, int]
) -> EventType:
    return EventType(
        f"points.{name}",
        1,
        description,
        before,
        after,
        with_order=name != "adjusted",
        subject={
            "customer": _CUSTOMER,
            "entry": {
                "id": 311,
                "kind": kind,
                "points": points,
                "available_at": "2026-12-29T14:05:09Z",
                "expires_at": "2027-12-29T14:05:09Z" if points > 0 else None,
                "note": "",
            },
        },
    )


_TICKET = {
    "reference": "T-4KQ2MX",
    "subject": "Where is my parcel?",
    "channel": "contact_form",
    "topic": "order_status",
    "priority": "normal",
}


def _ticket_type(
    name: str, description: str, before: Any, after: Any, status: str, *, version: int = 1
) -> EventType:
    return EventType(
        f"ticket.{name}",
        version,
        description,
        before,
        after,
        {"customer": _CUSTOMER, "ticket": {**_TICKET, "status": status}},
    )


EVENT_TYPES: dict[str, EventType] = {
    t.name: t
    for t in (
        EventType(
            "order.cancelled",
            1,
            "The whole order was cancelled (by the customer, an agent or the assistant).",
            {"lines": [{"sku": "TS-100-M", "quantity": 2}]},
            {"lines": [{"sku": "TS-100-M", "quantity": 0}], "refund_amount": "59.80"},
        ),
        EventType(
            "order.lines_cancelled",
            1,
            "Some items of the order were cancelled; the rest still ships.",
            {"lines": [{"sku": "SC-200", "quantity": 1}]},
            {"lines": [{"sku": "SC-200", "quantity": 0}]},
        ),
        EventType(
            "order.line_changed",
            1,
            "An item was changed (size, colour or quantity).",
            {"sku": "TS-100-M", "quantity": 1},
            {"sku": "TS-100-L", "quantity": 1},
        ),
        EventType(
            "order.shipping_address_changed",
            1,
            "The delivery address changed.",
            _ADDRESS_BEFORE,
            _ADDRESS_AFTER,
        ),
        EventType(
            "order.billing_address_changed",
            1,
            "The billing address changed.",
            _ADDRESS_BEFORE,
            _ADDRESS_AFTER,
        ),
        EventType(
            "order.email_changed",
            1,
            "The order's email changed (after the new address confirmed it).",
            {"email": "ada@example.com"},
            {"email": "ada.shopper@example.com"},
        ),
        EventType(
            "case.opened",
            1,
            "A case (a request for a person) was opened on the order.",
            None,
            {"case": "damaged_item", "ticket": 17},
        ),
        EventType(
            "refund.created",
            1,
            "shopdesk recorded a refund; the store's payment provider should now send it.",
            None,
            {"refund_id": 42, "amount": "59.80", "points": 0},
        ),
        EventType(
            "refund.processing",
            1,
            "The refund was sent to the payment provider, which is working on it.",
            {"refund_id": 42, "status": "pending"},
            {"refund_id": 42, "status": "processing", "reason": ""},
        ),
        EventType(
            "refund.succeeded",
            1,
            "The payment provider confirmed the refund.",
            {"refund_id": 42, "status": "processing"},
            {"refund_id": 42, "status": "succeeded", "reason": ""},
        ),
        EventType(
            "refund.failed",
            1,
            "The payment provider refused the refund; it may be sent again.",
            {"refund_id": 42, "status": "processing"},
            {"refund_id": 42, "status": "failed", "reason": "card_expired"},
        ),
        EventType(
            "refund.retried",
            1,
            "A failed refund was sent again: by the care team or the store (back to pending, the payment "
            "provider should send it once more) or straight back to the provider (processing).",
            {"refund_id": 42, "status": "failed"},
            {"refund_id": 42, "status": "pending", "reason": "sent again by ana@store.example"},
        ),
        EventType(
            "price_adjustment.created",
            1,
            "An item cost less than the customer paid: the difference was refunded (a refund.created follows).",
            {"line_id": 7, "unit_price": "49.00"},
            {"line_id": 7, "unit_price": "39.00", "amount": "20.00"},
        ),
        EventType(
            "payment.chargeback_opened",
            1,
            "The customer disputed a captured payment with their bank; the money moves when it is decided.",
            {"chargeback_amount": "0.00", "chargeback_reason": "", "chargeback_opened_at": None},
            {
                "chargeback_amount": "59.80",
                "chargeback_reason": "product_not_received",
                "chargeback_opened_at": "2026-11-29T14:05:09Z",
            },
            {
                "payment": {
                    "external_id": "pay_3Hk29",
                    "method": "card",
                    "state": "captured",
                    "currency": "USD",
                    "amount_captured": "59.80",
                }
            },
        ),
        _return_type("created", "A return was requested; its approval follows in the same moment.", None),
        _return_type(
            "pending_approval", "The return waits for an agent to approve it (policy threshold).", "requested"
        ),
        _return_type(
            "approved", "The return is approved: the customer may send the items back.", "requested"
        ),
        _return_type("rejected", "An agent refused the return (the message says why).", "pending_approval"),
        _return_type("cancelled", "The customer withdrew the return before sending it.", "approved"),
        _return_type("in_transit", "The carrier scanned the returned parcel.", "approved"),
        _return_type("received", "The warehouse has the returned parcel.", "in_transit"),
        _return_type("inspected", "Every returned item has an inspection outcome.", "received"),
        _return_type(
            "refunded",
            "The refund of the inspected items is recorded (a refund.created follows).",
            "inspected",
        ),
        _return_type(
            "closed",
            "Nothing more will happen to the return: every refund it recorded went through (or the "
            "inspection left nothing to refund).",
            "refunded",
        ),
        _points_type(
            "earned",
            "Points were earned on a delivered order; they are pending until the policy's days pass.",
            "earned",
            120,
            {"available": 300, "pending": 0},
            {"available": 300, "pending": 120},
        ),
        _points_type(
            "available",
            "Pending points became usable (the balances are the customer's, around that release).",
            "earned",
            120,
            {"available": 300, "pending": 120},
            {"available": 420, "pending": 0},
        ),
        _points_type(
            "spent",
            "Points were spent at checkout or on an order.",
            "spent",
            -200,
            {"available": 420, "pending": 0},
            {"available": 220, "pending": 0},
        ),
        _points_type(
            "returned",
            "Points spent on cancelled or returned items were given back.",
            "returned",
            200,
            {"available": 220, "pending": 0},
            {"available": 420, "pending": 0},
        ),
        _points_type(
            "revoked",
            "Points earned on cancelled or returned items were taken back.",
            "revoked",
            -120,
            {"available": 420, "pending": 0},
            {"available": 300, "pending": 0},
        ),
        _points_type(
            "expired",
            "Points older than the policy's months expired.",
            "expired",
            -300,
            {"available": 300, "pending": 0},
            {"available": 0, "pending": 0},
        ),
        _points_type(
            "adjusted",
            "An agent added or removed points (the message says why).",
            "adjusted",
            50,
            {"available": 0, "pending": 0},
            {"available": 50, "pending": 0},
        ),
        _ticket_type(
            "created",
            "A support ticket was opened (contact form, email, a case or a chat handoff).",
            None,
            {"status": "new"},
            "new",
        ),
        _ticket_type(
            "status_changed",
            "A ticket's status changed.",
            {"status": "open"},
            {"status": "pending"},
            "pending",
        ),
        _ticket_type(
            "replied",
            "A message the customer and the store both read was added to the ticket: an agent's reply "
            "(`author_kind` agent) or the customer's message (`author_kind` customer), with its text. "
            "Internal notes are not sent.",
            None,
            {  # the customer's message, as the example's actor; an agent's reply has `author_kind` agent
                "author": "ada@example.com",
                "author_kind": "customer",
                "message_id": 58,
                "body": "Thank you! Could it come to my office instead?",
            },
            "open",
            version=2,
        ),
    )
}

# Order event kinds that become a webhook; refund status changes are told apart by their `after`.
KIND_TO_TYPE: dict[str, str] = {
    OrderEventKind.CANCELLED: "order.cancelled",
    OrderEventKind.LINES_CANCELLED: "order.lines_cancelled",
    OrderEventKind.LINE_CHANGED: "order.line_changed",
    OrderEventKind.SHIPPING_ADDRESS_CHANGED: "order.shipping_address_changed",
    OrderEventKind.BILLING_ADDRESS_CHANGED: "order.billing_address_changed",
    OrderEventKind.EMAIL_CHANGED: "order.email_changed",
    OrderEventKind.CASE_OPENED: "case.opened",
    OrderEventKind.REFUND_CREATED: "refund.created",
    OrderEventKind.PRICE_ADJUSTED: "price_adjustment.created",
}
REFUND_STATUS_TYPES = {
    "processing": "refund.processing",
    "succeeded": "refund.succeeded",
    "failed": "refund.failed",
    "pending": "refund.retried",  # only a retry moves a refund back to pending
}


def event_type_for(*, kind: str, after: Any, before: Any = None) -> str | None:
    """The webhook type an order event row becomes, or None when it is not one we send."""
    if kind == OrderEventKind.PAYMENT_UPDATED and isinstance(after, dict) and "refund_id" in after:
        status = str(after.get("status"))
        if status == "processing" and isinstance(before, dict) and before.get("status") == "failed":
            return "refund.retried"  # the state table's failed → processing: the provider tries again
        return REFUND_STATUS_TYPES.get(status)
    return KIND_TO_TYPE.get(kind)


_EXAMPLE_ORDER = {"number": "SD-100042", "external_id": "5012345678", "customer_external_id": "c-881"}


def example_payload(name: str) -> dict[str, Any]:
    """The documented example of one event type (the same shape the worker sends)."""
    event_type = EVENT_TYPES[name]
    return {
        "id": "evt_2Jq8c0mXh3V9rT1kP4sW7yZb",
        "type": event_type.name,
        "version": event_type.version,
        "timestamp": "2026-11-29T14:05:09Z",
        "data": {
            "order": _EXAMPLE_ORDER if event_type.with_order else None,
            "actor": {"kind": "customer", "label": "ada@example.com"},
            "message": "",
            "before": event_type.before,
            "after": event_type.after,
            **event_type.subject,
        },
    }


def events_parse(text: str) -> list[str]:
    """`order.cancelled,return.created` → a checked list; `*` means every type."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    known = set(EVENT_TYPES) | {"*"}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"unknown event type(s): {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}")
    if not names:
        raise ValueError("name at least one event type, or * for all")
    return names
