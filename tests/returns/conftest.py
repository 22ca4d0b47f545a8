"""Orders in the states a return starts from, named after the state they build."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.orders.models import Order
from shopdesk.shipping.enums import TrackingStatus
from tests import factories
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf
from tests.situations import ship


def delivered_shirt_and_scarf(*, delivered_days_ago: float = 3, **order_fields: object) -> Order:
    """Paid by Visa: 2 shirts ($49, $10 coupon share) and a scarf ($30), delivered `delivered_days_ago`."""
    order = paid_order_of_shirt_and_scarf(**order_fields)
    ship(
        order,
        status=TrackingStatus.DELIVERED,
        shipped_days_ago=delivered_days_ago + 2,
        last_scan_days_ago=delivered_days_ago,
    )
    return order


def delivered_paid_by_card_and_store_credit(card: str) -> Order:
    """The delivered shirt-and-scarf order ($123.95): `card` on the Visa 4242, the rest with store credit."""
    return factories.pay_rest_with_store_credit(delivered_shirt_and_scarf(), Decimal(card))


@pytest.fixture
def delivered_order(db: None) -> Order:
    return delivered_shirt_and_scarf()
