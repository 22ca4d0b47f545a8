"""The order audit trail: one function per kind of event, each writing one append-only row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order, OrderEvent


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
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        actor_kind=actor.kind,
        actor_label=actor.label[:254],
        message=message[:500],
        before=before,
        after=after,
        created_at=at or timezone.now(),
    )


def order_imported(*, order: Order, actor: Actor, at: dt.datetime | None = None) -> OrderEvent:
    return order_event_record(order=order, kind=OrderEventKind.IMPORTED, actor=actor, at=at,
                              message=f"Order {order.number} received from the store.")


def order_updated(*, order: Order, actor: Actor, before: Any, after: Any) -> OrderEvent:
    return order_event_record(order=order, kind=OrderEventKind.UPDATED, actor=actor, before=before, after=after,
                              message="The store sent new details for this order.")
