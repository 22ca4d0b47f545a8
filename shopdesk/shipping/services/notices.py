"""The shipping and delivery emails a package's progress sends, once each, and only while they are news.

A store that loads its history through the API must not mail customers about parcels delivered last
spring, so a notice goes out only when its event is fresh: at most the policy's notice_freshness_hours old.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from shopdesk.notifications.services import email_enqueue
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Shipment

# Called when a package counts as shipped (and is news), inside the transaction that shipped it: the
# returns app (a layer above, so it cannot be imported from here) sets it at start-up to send the
# "exchange shipped" email when the package belongs to an exchange order. One listener, set once:
# greppable as shipment_shipped_listener_set (the same seam as orders' order_event_listener_set).
_shipped_listener: Callable[[Order, Shipment], object] | None = None


def shipment_shipped_listener_set(listener: Callable[[Order, Shipment], object] | None) -> None:
    global _shipped_listener
    _shipped_listener = listener


def _fresh(at: dt.datetime | None, now: dt.datetime) -> bool:
    freshness = dt.timedelta(hours=get_policy().shipping.notice_freshness_hours)
    return at is not None and now - freshness <= at <= now + dt.timedelta(minutes=5)


def shipment_notices_enqueue(
    *, order: Order, shipment: Shipment, now: dt.datetime | None = None
) -> list[str]:
    """Queue the "shipped" and "delivered" emails this package now warrants; returns the templates queued.

    Safe to call after every update: the dedupe keys make a second call a no-op.
    """
    now = now or timezone.now()
    queued: list[str] = []
    if order.is_cancelled:
        return queued
    shipped_at = shipment.shipped_at or (
        shipment.last_event_at if shipment.status != TrackingStatus.LABEL_CREATED else None
    )
    if _fresh(shipped_at, now):
        per_order = get_policy().orders.shipping_email == "per_order"
        key = f"shipped:order:{order.pk}" if per_order else f"shipped:{shipment.pk}"
        email_enqueue(
            to=order.email, template="shipped", context={"shipment": shipment}, order=order, dedupe_key=key
        )
        queued.append("shipped")
        if _shipped_listener is not None:
            _shipped_listener(order, shipment)
    if shipment.status == TrackingStatus.DELIVERED and _fresh(shipment.delivered_at, now):
        email_enqueue(
            to=order.email,
            template="delivered",
            context={"shipment": shipment},
            order=order,
            dedupe_key=f"delivered:{shipment.pk}",
        )
        queued.append("delivered")
    return queued
