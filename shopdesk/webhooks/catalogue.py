"""The webhook event types shopdesk sends: name, version, when it is sent, and an example payload.

docs/webhooks.md shows the same catalogue; tests/webhooks/test_catalogue.py keeps the two in step.
A type's version goes up when a field is removed or changes meaning; adding a field keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shopdesk.orders.enums import OrderEventKind


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    version: int
    description: str
    before: Any
    after: Any


_ADDRESS_BEFORE = {"name": "Ada Shopper", "line1": "1 Old Road", "city": "Boston", "postcode": "02101"}
_ADDRESS_AFTER = {"name": "Ada Shopper", "line1": "500 Fifth Avenue", "city": "New York", "postcode": "10110"}

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
            "A failed refund was sent again by the care team or the store: the payment provider should "
            "send it once more.",
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
    "succeeded": "refund.succeeded",
    "failed": "refund.failed",
    "pending": "refund.retried",  # only a retry moves a refund back to pending
}

# Announced in the issue but not sent yet (returns land later): an endpoint may already filter on them.
RESERVED_TYPES = frozenset({"return.created", "return.received", "return.closed"})


def event_type_for(*, kind: str, after: Any) -> str | None:
    """The webhook type an order event row becomes, or None when it is not one we send."""
    if kind == OrderEventKind.PAYMENT_UPDATED and isinstance(after, dict) and "refund_id" in after:
        return REFUND_STATUS_TYPES.get(str(after.get("status")))
    return KIND_TO_TYPE.get(kind)


def example_payload(name: str) -> dict[str, Any]:
    """The documented example of one event type (the same shape the worker sends)."""
    event_type = EVENT_TYPES[name]
    return {
        "id": "evt_2Jq8c0mXh3V9rT1kP4sW7yZb",
        "type": event_type.name,
        "version": event_type.version,
        "timestamp": "2026-11-29T14:05:09Z",
        "data": {
            "order": {"number": "SD-100042", "external_id": "5012345678", "customer_external_id": "c-881"},
            "actor": {"kind": "customer", "label": "ada@example.com"},
            "message": "",
            "before": event_type.before,
            "after": event_type.after,
        },
    }


def events_parse(text: str) -> list[str]:
    """`order.cancelled,return.created` → a checked list; `*` means every type."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    known = set(EVENT_TYPES) | RESERVED_TYPES | {"*"}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"unknown event type(s): {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}")
    if not names:
        raise ValueError("name at least one event type, or * for all")
    return names
