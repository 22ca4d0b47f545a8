"""The shipping and delivery emails a package's progress sends, once each, and only while they are news.

A store that loads its history through the API must not mail customers about parcels delivered last
spring, so a notice goes out only when its event is fresh: at most the policy's notice_freshness_hours old.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shopdesk.notifications.services import email_enqueue
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Shipment


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
