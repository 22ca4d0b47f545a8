"""Fixtures for every shipping situation, named after the state they build (used by shipping, web and API tests).

Times are relative to now with wide margins, so the windows hold whatever the day of the week.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shopdesk.orders.models import Order
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Shipment
from tests import factories

VALID_UPS_NUMBER = "1Z999AA10123456784"


def ago(**kwargs: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


def order_with_lines(count: int = 2, *, placed_days_ago: float = 0.1, **order_fields: object) -> Order:
    order = factories.OrderFactory(placed_at=ago(days=placed_days_ago), **order_fields)
    for index in range(count):
        factories.OrderLineFactory(
            order=order,
            product_name=["Linen shirt", "Wool scarf", "Canvas tote"][index % 3]
            + ("" if index < 3 else f" {index}"),
        )
    factories.PaymentFactory(order=order)
    return order


def ship(
    order: Order,
    *,
    lines: list | None = None,
    status: str = TrackingStatus.IN_TRANSIT,
    shipped_days_ago: float = 1,
    last_scan_days_ago: float | None = None,
    warehouse: str = "us-nj",
    carrier: str = "ups",
    tracking_number: str | None = None,
    events: list[tuple] | None = None,
) -> Shipment:
    last = ago(days=last_scan_days_ago if last_scan_days_ago is not None else shipped_days_ago)
    fields: dict[str, object] = {}
    if tracking_number:
        fields["tracking_number"] = tracking_number
    shipment = factories.ShipmentFactory(
        order=order,
        status=status,
        shipped_at=ago(days=shipped_days_ago),
        origin_warehouse=warehouse,
        carrier=carrier,
        last_event_at=None if status == TrackingStatus.LABEL_CREATED else last,
        delivered_at=last if status == TrackingStatus.DELIVERED else None,
        **fields,
    )
    for line in lines if lines is not None else list(order.lines.all()):
        factories.ShipmentLineFactory(shipment=shipment, order_line=line, quantity=line.quantity)
    if status != TrackingStatus.LABEL_CREATED:
        factories.TrackingEventFactory(
            shipment=shipment,
            occurred_at=ago(days=shipped_days_ago),
            status=TrackingStatus.PICKED_UP,
            description="Picked up",
        )
        for when, event_status, description in events or [(last, status, "Scanned")]:
            factories.TrackingEventFactory(
                shipment=shipment, occurred_at=when, status=event_status, description=description
            )
    return shipment


@pytest.fixture
def order_unfulfilled(db: None) -> Order:
    return order_with_lines(2)


@pytest.fixture
def order_partially_shipped(db: None) -> Order:
    order = order_with_lines(3, placed_days_ago=2)
    lines = list(order.lines.all())
    ship(order, lines=lines[:2], shipped_days_ago=1)
    return order


@pytest.fixture
def order_with_split_shipment(db: None) -> Order:
    order = order_with_lines(2, placed_days_ago=3)
    first, second = order.lines.all()
    ship(order, lines=[first], shipped_days_ago=1, warehouse="us-nj")
    ship(order, lines=[second], shipped_days_ago=1, warehouse="eu-nl", carrier="dhl")
    return order


@pytest.fixture
def order_in_transit(db: None) -> Order:
    order = order_with_lines(1, placed_days_ago=2)
    ship(order, shipped_days_ago=1, last_scan_days_ago=0.2)
    return order


@pytest.fixture
def order_delivered(db: None) -> Order:
    order = order_with_lines(1, placed_days_ago=8)
    ship(order, status=TrackingStatus.DELIVERED, shipped_days_ago=6, last_scan_days_ago=3)
    return order


@pytest.fixture
def order_with_delivery_attempted(db: None) -> Order:
    order = order_with_lines(1, placed_days_ago=5)
    ship(
        order,
        status=TrackingStatus.DELIVERY_ATTEMPTED,
        shipped_days_ago=3,
        last_scan_days_ago=0.5,
        events=[(ago(days=0.5), TrackingStatus.DELIVERY_ATTEMPTED, "Receiver not available, notice left")],
    )
    return order


@pytest.fixture
def order_returned_to_sender(db: None) -> Order:
    order = order_with_lines(1, placed_days_ago=20, shipping_total=Decimal("5.95"))
    ship(
        order,
        status=TrackingStatus.RETURNED_TO_SENDER,
        shipped_days_ago=18,
        last_scan_days_ago=2,
        events=[
            (ago(days=9), TrackingStatus.EXCEPTION, "Address incomplete: apartment number missing"),
            (ago(days=2), TrackingStatus.RETURNED_TO_SENDER, "Returned to shipper: address incomplete"),
        ],
    )
    return order


@pytest.fixture
def order_with_stale_tracking(db: None) -> Order:
    order = order_with_lines(1, placed_days_ago=7)
    ship(order, shipped_days_ago=6, last_scan_days_ago=5.5)
    return order


@pytest.fixture
def order_lost(db: None) -> Order:
    order = order_with_lines(1, placed_days_ago=25)
    ship(order, shipped_days_ago=22, last_scan_days_ago=15)
    return order


@pytest.fixture
def order_late(db: None) -> Order:
    order = order_with_lines(1, placed_days_ago=22)
    ship(order, shipped_days_ago=20, last_scan_days_ago=1)
    return order


@pytest.fixture
def order_with_tracking_not_active(db: None) -> Order:
    order = order_with_lines(1, placed_days_ago=1)
    ship(order, status=TrackingStatus.LABEL_CREATED, shipped_days_ago=0.4, tracking_number=VALID_UPS_NUMBER)
    return order


def _abroad(country: str, city: str) -> dict[str, object]:
    address = factories.AddressFactory(country=country, city=city, region="", postcode="SW1A 1AA")
    return {"shipping_address": address, "billing_address": address}


@pytest.fixture
def order_held_at_customs(db: None) -> Order:
    order = order_with_lines(
        2,
        placed_days_ago=6,
        subtotal=Decimal("200.00"),
        total=Decimal("208.95"),
        shipping_total=Decimal("8.95"),
        **_abroad("GB", "London"),
    )
    ship(
        order,
        status=TrackingStatus.HELD_AT_CUSTOMS,
        shipped_days_ago=4,
        last_scan_days_ago=1,
        warehouse="eu-nl",
        carrier="dhl",
        events=[(ago(days=1), TrackingStatus.HELD_AT_CUSTOMS, "Held at customs: duties to pay")],
    )
    return order


@pytest.fixture
def order_with_duties_paid_by_store(db: None) -> Order:
    order = order_with_lines(1, placed_days_ago=3, duties_total=Decimal("6.10"), **_abroad("CA", "Toronto"))
    ship(order, shipped_days_ago=1, last_scan_days_ago=0.5)
    return order


# The diagnosis code the order page must show for each situation (None: no panel, the sentence says it all).
EXPECTED_DIAGNOSIS = {
    "order_unfulfilled": None,
    "order_partially_shipped": "split_ready_times",
    "order_with_split_shipment": "split_warehouses",
    "order_in_transit": "package_not_yet_due",
    "order_delivered": "delivered_not_received",
    "order_with_delivery_attempted": "delivery_attempted",
    "order_returned_to_sender": "returned_to_sender",
    "order_with_stale_tracking": "tracking_stale",
    "order_lost": "package_lost",
    "order_late": "package_late",
    "order_with_tracking_not_active": "tracking_not_active_yet",
    "order_held_at_customs": "held_at_customs",
    "order_with_duties_paid_by_store": "duties_paid_by_store",
}
