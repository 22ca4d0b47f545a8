"""The order audit trail: one function per kind of event, each writing one append-only row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.sync.rows import rows_insert_ids
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order, OrderEvent

# Called with every event row, inside the transaction that wrote it: the webhooks app (a layer above,
# so it cannot be imported from here) sets it at start-up and turns the rows it cares about into
# outbox deliveries. One listener, set once: greppable as order_event_listener_set.
_listener: Callable[[OrderEvent], object] | None = None


def order_event_listener_set(listener: Callable[[OrderEvent], object] | None) -> None:
    global _listener
    _listener = listener


def order_event_record(
    *,
    order: Order,
    kind: OrderEventKind,
    actor: Actor,
    message: str = "",
    before: Any = None,
    after: Any = None,
    at: dt.datetime | None = None,
) -> OrderEvent:
    event = OrderEvent.objects.create(
        order=order,
        kind=kind,
        actor_kind=actor.kind,
        actor_label=actor.label[:254],
        message=message[:500],
        before=before,
        after=after,
        created_at=at or timezone.now(),
    )
    if _listener is not None:
        _listener(event)
    return event


def order_imported_many(*, orders: list[Order], actor: Actor, now: dt.datetime | None = None) -> None:
    """`order_imported` for many new orders in a few INSERTs; the listener still sees every row."""
    at = now or timezone.now()
    rows = [
        {
            "order_id": order.pk,
            "kind": OrderEventKind.IMPORTED,
            "actor_kind": actor.kind,
            "actor_label": actor.label[:254],
            "message": f"Order {order.number} received from the store.",
            "created_at": at,
        }
        for order in orders
    ]
    ids = rows_insert_ids(OrderEvent, rows)
    if _listener is None:
        return
    for order, row, pk in zip(orders, rows, ids, strict=True):
        event = OrderEvent(id=pk, **row)
        event.order = order
        _listener(event)


def order_imported(*, order: Order, actor: Actor, at: dt.datetime | None = None) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.IMPORTED,
        actor=actor,
        at=at,
        message=f"Order {order.number} received from the store.",
    )


def order_updated(*, order: Order, actor: Actor, before: Any, after: Any) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.UPDATED,
        actor=actor,
        before=before,
        after=after,
        message="The store sent new details for this order.",
    )


# --- self-service actions (cancel, change, addresses, emails) --------------------------------------
def order_cancelled(*, order: Order, actor: Actor, reason: str, before: Any, after: Any) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.CANCELLED,
        actor=actor,
        before=before,
        after=after,
        message=f"Order cancelled{': ' + reason if reason else ''}.",
    )


def order_lines_cancelled(*, order: Order, actor: Actor, reason: str, before: Any, after: Any) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.LINES_CANCELLED,
        actor=actor,
        before=before,
        after=after,
        message=f"Items cancelled{': ' + reason if reason else ''}.",
    )


def order_line_changed(*, order: Order, actor: Actor, before: Any, after: Any, message: str) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.LINE_CHANGED,
        actor=actor,
        before=before,
        after=after,
        message=message,
    )


def order_shipping_address_changed(*, order: Order, actor: Actor, before: Any, after: Any) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.SHIPPING_ADDRESS_CHANGED,
        actor=actor,
        before=before,
        after=after,
        message="Delivery address changed.",
    )


def order_billing_address_changed(*, order: Order, actor: Actor, before: Any, after: Any) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.BILLING_ADDRESS_CHANGED,
        actor=actor,
        before=before,
        after=after,
        message="Billing address changed.",
    )


def order_email_resent(*, order: Order, actor: Actor, template: str, to: str) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.EMAIL_RESENT,
        actor=actor,
        after={"template": template, "to": to},
        message=f"Email '{template}' sent again.",
    )


def order_email_change_requested(*, order: Order, actor: Actor, old_email: str, new_email: str) -> OrderEvent:
    # The token never goes into the audit trail: only who asked, and from which address to which.
    return order_event_record(
        order=order,
        kind=OrderEventKind.EMAIL_CHANGE_REQUESTED,
        actor=actor,
        before={"email": old_email},
        after={"email": new_email},
        message="Email change requested; waiting for the new address to confirm.",
    )


def order_email_changed(*, order: Order, actor: Actor, old_email: str, new_email: str) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.EMAIL_CHANGED,
        actor=actor,
        before={"email": old_email},
        after={"email": new_email},
        message="Email address changed.",
    )


def order_refund_created(
    *, order: Order, actor: Actor, refund_id: int, amount: str, points: int
) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.REFUND_CREATED,
        actor=actor,
        after={"refund_id": refund_id, "amount": amount, "points": points},
        message=f"Refund of {amount} {order.currency} recorded.",
    )


def order_refund_status_changed(
    *, order: Order, actor: Actor, refund_id: int, before: str, after: str, reason: str = ""
) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.PAYMENT_UPDATED,
        actor=actor,
        before={"refund_id": refund_id, "status": before},
        after={"refund_id": refund_id, "status": after, "reason": reason},
        message=f"Refund {after}{': ' + reason if reason else ''}.",
    )


def order_payment_updated(*, order: Order, actor: Actor, before: Any, after: Any, message: str) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.PAYMENT_UPDATED,
        actor=actor,
        before=before,
        after=after,
        message=message,
    )


def order_points_returned(*, order: Order, actor: Actor, points: int) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.POINTS_RETURNED,
        actor=actor,
        after={"points": points},
        message=f"{points:,} points given back.",
    )


def order_shipment_created(*, order: Order, actor: Actor, shipment: Any) -> OrderEvent:
    label = f"{shipment.carrier.upper()} {shipment.tracking_number}".strip()
    return order_event_record(
        order=order,
        kind=OrderEventKind.SHIPMENT_CREATED,
        actor=actor,
        after={
            "shipment": shipment.external_id,
            "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number,
        },
        message=f"Package {label} shipped from {shipment.origin_warehouse}.",
    )


def order_shipment_updated(
    *, order: Order, actor: Actor, shipment: Any, before: Any, after: Any
) -> OrderEvent:
    label = f"{shipment.carrier.upper()} {shipment.tracking_number}".strip()
    return order_event_record(
        order=order,
        kind=OrderEventKind.SHIPMENT_UPDATED,
        actor=actor,
        before=before,
        after=after,
        message=f"Package {label} updated.",
    )


def order_price_adjusted(
    *, order: Order, actor: Actor, line_id: int, paid: str, now_price: str, amount: str, message: str
) -> OrderEvent:
    return order_event_record(
        order=order,
        kind=OrderEventKind.PRICE_ADJUSTED,
        actor=actor,
        before={"line_id": line_id, "unit_price": paid},
        after={"line_id": line_id, "unit_price": now_price, "amount": amount},
        message=message[:500],
    )


def order_rule_overridden(
    *, order: Order, actor: Actor, action_id: str, codes: list[str], reason: str, message: str
) -> OrderEvent:
    """An agent set a customer-facing rule aside for an action (a note on the history, with the reason)."""
    return order_event_record(
        order=order,
        kind=OrderEventKind.NOTE,
        actor=actor,
        message=message,
        after={"override": {"action": action_id, "codes": sorted(codes), "reason": reason}},
    )


def order_points_adjusted(
    *, order: Order, actor: Actor, points: int, reason: str, balance: int
) -> OrderEvent:
    """An agent added or removed points of the order's customer (a note on the history, with the reason)."""
    what = f"{points:,} points added" if points > 0 else f"{-points:,} points taken off"
    return order_event_record(
        order=order,
        kind=OrderEventKind.NOTE,
        actor=actor,
        message=f"{what}: {reason}"[:500],
        after={"points_adjusted": {"points": points, "reason": reason, "balance": balance}},
    )
