"""Record carrier scans on a shipment and keep its status fields in step with the latest one.

`tracking_event_record` is the one way to add a tracking event: the store integration, carrier
webhooks and the demo loader all call it, so `Shipment.status` never disagrees with the events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from shopdesk.core.actors import Actor
from shopdesk.core.sync.errors import ShipmentNotFound
from shopdesk.core.sync.outcome import atomic_with_retry
from shopdesk.orders import events
from shopdesk.orders.models import Order
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Shipment, TrackingEvent
from shopdesk.shipping.services.notices import shipment_notices_enqueue


@dataclass(frozen=True, slots=True)
class Scan:
    occurred_at: dt.datetime
    status: TrackingStatus | str
    location: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class ScansRecorded:
    shipment: Shipment
    created: int
    unchanged: int


def tracking_event_record(
    *,
    shipment: Shipment,
    occurred_at: dt.datetime,
    status: TrackingStatus | str,
    location: str = "",
    description: str = "",
) -> tuple[TrackingEvent, bool]:
    """Append one event (the same scan twice is one row) and re-derive the shipment's status fields.

    Call it inside a transaction that holds the shipment row (select_for_update), as the callers here do.
    Returns the event and whether it was new.
    """
    # get_or_create retries a lost race on the unique key (shipment, occurred_at, status) itself.
    event, created = TrackingEvent.objects.get_or_create(
        shipment=shipment,
        occurred_at=occurred_at,
        status=status,
        defaults={"location": location[:200], "description": description[:500]},
    )
    if created:
        shipment_status_sync(shipment=shipment)
    return event, created


def shipment_status_sync(*, shipment: Shipment) -> bool:
    """Set status, last_event_at, shipped_at and delivered_at from the events; True if any changed.

    Computed from every event rather than the one just added, because carriers send scans out of order.
    """
    scans = list(
        TrackingEvent.objects.filter(shipment=shipment)
        .order_by("occurred_at", "id")
        .values_list("occurred_at", "status")
    )
    if not scans:
        return False
    last_at, last_status = scans[-1]
    moving = [at for at, status in scans if status != TrackingStatus.LABEL_CREATED]
    wanted = {
        "status": last_status,
        "last_event_at": last_at,
        # A delivery later followed by a return or an exception is no longer "delivered".
        "delivered_at": last_at if last_status == TrackingStatus.DELIVERED else None,
        # The earlier of what the store said and the first real scan: a scan proves it had left.
        "shipped_at": min(filter(None, (shipment.shipped_at, moving[0] if moving else None)), default=None),
    }
    changed = [name for name, value in wanted.items() if getattr(shipment, name) != value]
    for name in changed:
        setattr(shipment, name, wanted[name])
    if changed:
        shipment.save(update_fields=changed)
    return bool(changed)


def tracking_events_record(
    *, shipment_external_id: str, scans: Iterable[Scan], actor: Actor
) -> ScansRecorded:
    """Record several scans of one shipment in one transaction; an order event when its status moves."""

    def write() -> ScansRecorded:
        shipment = (
            Shipment.objects.select_for_update().filter(external_id=shipment_external_id).order_by().first()
        )
        if shipment is None:
            raise ShipmentNotFound(shipment_external_id)
        return shipment_scans_apply(shipment=shipment, scans=scans, actor=actor)

    return atomic_with_retry(write, what=f'Shipment "{shipment_external_id}"')


def shipment_scans_apply(*, shipment: Shipment, scans: Iterable[Scan], actor: Actor) -> ScansRecorded:
    """Inside the caller's transaction, with the shipment row locked."""
    status_before = shipment.status
    created = unchanged = 0
    for scan in scans:
        _event, new = tracking_event_record(
            shipment=shipment,
            occurred_at=scan.occurred_at,
            status=scan.status,
            location=scan.location,
            description=scan.description,
        )
        created += new
        unchanged += not new
    order = Order.objects.get(pk=shipment.order_id)
    if shipment.status != status_before:
        events.order_shipment_updated(
            order=order,
            actor=actor,
            shipment=shipment,
            before={"status": status_before},
            after={"status": shipment.status},
        )
    shipment_notices_enqueue(order=order, shipment=shipment)
    return ScansRecorded(shipment=shipment, created=created, unchanged=unchanged)
