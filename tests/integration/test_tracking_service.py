"""tracking_event_record: one row per scan, and the shipment's status fields follow the latest scan."""

from __future__ import annotations

import datetime as dt

import pytest

from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Shipment
from shopdesk.shipping.services.tracking import tracking_event_record
from tests import factories

T0 = dt.datetime(2026, 3, 3, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def label_only_shipment(db: None) -> Shipment:
    """A package whose label exists but that no carrier has scanned."""
    return factories.ShipmentFactory(status=TrackingStatus.LABEL_CREATED, shipped_at=None)


def test_the_same_scan_twice_is_one_event(label_only_shipment: Shipment) -> None:
    first = tracking_event_record(
        shipment=label_only_shipment, occurred_at=T0, status=TrackingStatus.IN_TRANSIT
    )
    again = tracking_event_record(
        shipment=label_only_shipment, occurred_at=T0, status=TrackingStatus.IN_TRANSIT
    )

    assert first[1] is True and again[1] is False
    assert label_only_shipment.events.count() == 1


def test_a_late_older_scan_does_not_move_the_status_back(label_only_shipment: Shipment) -> None:
    tracking_event_record(
        shipment=label_only_shipment, occurred_at=T0 + dt.timedelta(days=2), status=TrackingStatus.DELIVERED
    )
    tracking_event_record(shipment=label_only_shipment, occurred_at=T0, status=TrackingStatus.PICKED_UP)

    shipment = Shipment.objects.get(pk=label_only_shipment.pk)
    assert shipment.status == TrackingStatus.DELIVERED
    assert shipment.delivered_at == T0 + dt.timedelta(days=2)
    assert shipment.shipped_at == T0
    assert shipment.last_event_at == T0 + dt.timedelta(days=2)


def test_label_scan_alone_is_not_shipped(label_only_shipment: Shipment) -> None:
    tracking_event_record(shipment=label_only_shipment, occurred_at=T0, status=TrackingStatus.LABEL_CREATED)

    assert Shipment.objects.get(pk=label_only_shipment.pk).shipped_at is None


def test_returned_after_delivered_is_no_longer_delivered(label_only_shipment: Shipment) -> None:
    tracking_event_record(shipment=label_only_shipment, occurred_at=T0, status=TrackingStatus.DELIVERED)
    tracking_event_record(
        shipment=label_only_shipment,
        occurred_at=T0 + dt.timedelta(days=1),
        status=TrackingStatus.RETURNED_TO_SENDER,
    )

    shipment = Shipment.objects.get(pk=label_only_shipment.pk)
    assert (shipment.status, shipment.delivered_at) == (TrackingStatus.RETURNED_TO_SENDER, None)
