"""Orders whose items cost less today: the states the price-adjustment tests build on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from shopdesk.orders.models import Order, OrderLine
from tests import factories
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, shirt_line


def price_set(line: OrderLine, price: str, *, kind: str = "sale", days_ago: float = 1) -> None:
    """The line's own variant costs `price` from `days_ago` days ago (a price-history row)."""
    assert line.variant is not None
    factories.PriceChangeFactory(
        variant=line.variant,
        price=Decimal(price),
        kind=kind,
        starts_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def order_with_cheaper_shirt(**order_fields: object) -> Order:
    """Paid by Visa 4242; the shirt (2 × $49.00) is on sale at $39.00 since yesterday: $20.00 back."""
    order = paid_order_of_shirt_and_scarf(**order_fields)
    price_set(shirt_line(order), "39.00")
    return order


def order_with_cheaper_shirt_and_scarf() -> Order:
    order = order_with_cheaper_shirt()
    price_set(scarf_line(order), "25.00")
    return order
