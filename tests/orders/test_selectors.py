"""The order page selector: number normalisation and a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise
from shopdesk.orderview.builder import order_page
from tests import factories


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("KW00012345", "KW00012345"),
        ("kw 0001 2345", "KW00012345"),
        ("#12345", "KW00012345"),
        ("12345", "KW00012345"),
        ("  kw-00012345 ", "KW00012345"),
        ("KW123456789", None),
        ("hello", None),
        ("", None),
        ("0", None),
        ("١٢٣", None),
    ],
)
def test_order_number_normalise(typed: str, expected: str | None) -> None:
    assert order_number_normalise(typed) == expected


def _order(lines: int, packages: int) -> Order:
    order = factories.OrderFactory()
    made = [factories.OrderLineFactory(order=order) for _ in range(lines)]
    factories.PaymentFactory(order=order)
    for index in range(packages):
        shipment = factories.ShipmentFactory(order=order)
        for line in made[index::packages]:
            factories.ShipmentLineFactory(shipment=shipment, order_line=line)
        for _ in range(3):
            factories.TrackingEventFactory(shipment=shipment)
    return Order.objects.select_related("shipping_address", "billing_address").get(pk=order.pk)


def _queries(order: Order, *, with_actions: bool) -> int:
    with CaptureQueriesContext(connection) as captured:
        order_page(order=order, with_actions=with_actions)
    return len(captured)


@pytest.mark.django_db
def test_order_page_queries_are_constant() -> None:
    small, large = _order(1, 1), _order(10, 3)
    # Six row reads, the codes applied, the prices now with the adjustments made (price_dropped), and the
    # units refunded per line.
    assert _queries(small, with_actions=False) == _queries(large, with_actions=False) <= 10
    small, large = _order(1, 1), _order(10, 3)
    assert _queries(small, with_actions=True) == _queries(large, with_actions=True)
