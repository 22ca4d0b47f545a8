"""The `order.*` and `price_adjustment.*` webhooks from the self-service services, each received once and
verified against the endpoint's secret; a cancel paid partly with points also sends `points.returned`."""

from __future__ import annotations

import pytest

from shopdesk.core.actors import Actor
from shopdesk.selfservice.services.addresses import (
    order_billing_address_change,
    order_shipping_address_change,
)
from shopdesk.selfservice.services.cancel import order_cancel
from shopdesk.selfservice.services.change import order_line_change
from tests.orders.test_services_states import (
    paid_order_of_shirt_and_scarf,
    paid_partly_with_points,
    scarf_line,
    shirt_line,
)
from tests.webhooks.conftest import Receiver, delivered

pytestmark = pytest.mark.django_db
NEW_YORK = {
    "name": "Ada Shopper",
    "line1": "500 Fifth Avenue",
    "city": "New York",
    "region": "NY",
    "postcode": "10110",
    "country": "US",
}


def test_changes_to_an_order_go_out_one_event_each(receiver: Receiver, endpoint_for) -> None:
    endpoint = endpoint_for(
        "order.lines_cancelled",
        "order.line_changed",
        "order.shipping_address_changed",
        "order.billing_address_changed",
    )
    order = paid_order_of_shirt_and_scarf()
    customer = Actor.customer(order.email)
    order_line_change(order=order, line_id=shirt_line(order).pk, actor=customer, quantity=1)
    order_cancel(order=order, actor=customer, line_ids=[scarf_line(order).pk])
    order_shipping_address_change(order=order, actor=customer, address=NEW_YORK)
    order_billing_address_change(order=order, actor=customer, address=NEW_YORK)

    received = delivered(receiver, endpoint=endpoint)
    assert [r.payload["type"] for r in received] == [
        "order.line_changed",
        "order.lines_cancelled",
        "order.shipping_address_changed",
        "order.billing_address_changed",
    ]
    for item in received:
        assert item.payload["data"]["order"]["number"] == order.number
        assert item.payload["data"]["actor"] == {"kind": "customer", "label": order.email}
    shipping = received[2].payload["data"]
    assert shipping["after"]["city"] == "New York" and shipping["before"] != shipping["after"]


def test_a_cancel_paid_partly_with_points_gives_them_back_as_points_returned(
    receiver: Receiver, endpoint_for
) -> None:
    endpoint = endpoint_for("points.returned")
    order = paid_order_of_shirt_and_scarf()
    paid_partly_with_points(order)
    order_cancel(order=order, actor=Actor.customer(order.email))

    (only,) = delivered(receiver, endpoint=endpoint)
    data = only.payload["data"]
    assert only.payload["type"] == "points.returned"
    assert data["order"]["number"] == order.number and data["entry"]["points"] > 0
    assert data["customer"]["email"] == order.customer.email
    assert (
        data["after"]["available"] + data["after"]["pending"]
        > data["before"]["available"] + data["before"]["pending"]
    )


def test_a_price_adjustment_is_received_verified(receiver: Receiver, endpoint_for) -> None:
    from shopdesk.selfservice.services.price_adjustment import price_adjustment_request
    from tests.selfservice.price_adjustment_fixtures import order_with_cheaper_shirt

    endpoint = endpoint_for("price_adjustment.created")
    order = order_with_cheaper_shirt()
    price_adjustment_request(order=order, line_id=shirt_line(order).pk, actor=Actor.customer(order.email))
    (only,) = delivered(receiver, endpoint=endpoint)
    assert only.payload["type"] == "price_adjustment.created"
    assert only.payload["data"]["after"]["amount"] == "20.00"
