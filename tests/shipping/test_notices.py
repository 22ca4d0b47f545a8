"""A package's progress mails the customer once per event, and never about old news."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.notifications.models import OutboxMessage
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.services.tracking import Scan, shipment_scans_apply
from tests.factories import OrderLineFactory, ShipmentFactory, ShipmentLineFactory

pytestmark = pytest.mark.django_db
STORE = Actor.integration("test-shop")


def _package(shipped_ago: dt.timedelta):
    line = OrderLineFactory()
    shipment = ShipmentFactory(
        order=line.order, status=TrackingStatus.LABEL_CREATED, shipped_at=timezone.now() - shipped_ago
    )
    ShipmentLineFactory(shipment=shipment, order_line=line)
    return shipment


def test_a_new_package_and_its_delivery_each_send_one_email():
    shipment = _package(dt.timedelta(hours=3))
    now = timezone.now()
    scans = [Scan(now - dt.timedelta(hours=2), TrackingStatus.IN_TRANSIT, "Edison, NJ", "Departed")]
    shipment_scans_apply(shipment=shipment, scans=scans, actor=STORE)
    shipment_scans_apply(shipment=shipment, scans=scans, actor=STORE)  # the same scan again
    delivered = [Scan(now - dt.timedelta(minutes=5), TrackingStatus.DELIVERED, "New York, NY", "Delivered")]
    shipment_scans_apply(shipment=shipment, scans=delivered, actor=STORE)

    sent = list(OutboxMessage.objects.filter(order=shipment.order).values_list("template", "to"))
    assert sorted(sent) == [("delivered", shipment.order.email), ("shipped", shipment.order.email)]


def test_history_loaded_later_mails_nobody():
    shipment = _package(dt.timedelta(days=40))
    old = timezone.now() - dt.timedelta(days=37)
    shipment_scans_apply(
        shipment=shipment, scans=[Scan(old, TrackingStatus.DELIVERED, "Paris", "Delivered")], actor=STORE
    )
    assert not OutboxMessage.objects.filter(order=shipment.order).exists()
