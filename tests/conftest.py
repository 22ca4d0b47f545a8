"""Shared fixtures. Named after the state they build; each area adds its own in its test folder."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.orders.models import Order
from tests import factories


@pytest.fixture
def unfulfilled_order(db: None) -> Order:
    """A paid order of two items, nothing shipped yet."""
    order = factories.OrderFactory(subtotal=Decimal("98.00"), total=Decimal("98.00"))
    factories.OrderLineFactory(order=order, unit_price=Decimal("49.00"))
    factories.OrderLineFactory(order=order, unit_price=Decimal("49.00"))
    factories.PaymentFactory(order=order)
    return order
