"""The returned-to-sender estimate goes through the one refund breakdown: tax, coupon share and points."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.orders.models import Order
from shopdesk.orderview.builder import order_page
from shopdesk.shipping.enums import TrackingStatus
from tests import factories
from tests.situations import ago, ship

pytestmark = pytest.mark.django_db


def returned_coat_order(*, points_used: int = 0, points_value: str = "0") -> Order:
    """A $400 coat with a $20 coupon and $40.59 tax, $16 shipping: $436.59 paid; the package came back."""
    order = factories.OrderFactory(
        placed_at=ago(days=20),
        subtotal=Decimal("400.00"),
        discount_total=Decimal("20.00"),
        tax_total=Decimal("40.59"),
        shipping_total=Decimal("16.00"),
        total=Decimal("436.59"),
        points_used=points_used,
        points_value=Decimal(points_value),
    )
    factories.OrderLineFactory(
        order=order,
        product_name="Wool coat",
        unit_price=Decimal("400.00"),
        discount_amount=Decimal("20.00"),
        tax_amount=Decimal("40.59"),
    )
    factories.PaymentFactory(order=order, amount=order.total - order.points_value)
    ship(order, status=TrackingStatus.RETURNED_TO_SENDER, shipped_days_ago=18, last_scan_days_ago=2)
    return order


def _estimate(order: Order):  # type: ignore[no-untyped-def]
    return next(d for d in order_page(order=order).diagnoses if d.code == "returned_to_sender")


def test_the_estimate_includes_tax_and_takes_off_the_coupon_share() -> None:
    diagnosis = _estimate(returned_coat_order())
    # $400 − $20 coupon + $40.59 tax − $12.00 return shipping; the $16 shipping is kept by policy.
    assert diagnosis.facts["refund_estimate"] == Decimal("408.59")
    assert "$408.59" in diagnosis.message
    lines = diagnosis.facts["refund_lines"]
    assert sum(line["amount"] for line in lines) == Decimal("408.59")
    assert {line["kind"] for line in lines} >= {"item", "coupon_share", "tax", "return_label"}


def test_the_estimate_takes_off_the_part_paid_with_points_at_the_orders_rate() -> None:
    diagnosis = _estimate(returned_coat_order(points_used=1000, points_value="10.00"))
    points = next(line for line in diagnosis.facts["refund_lines"] if line["kind"] == "points")
    # the items' $420.59 is 96.3% of the $436.59 order: their share of the $10.00 of points
    assert points["amount"] == Decimal("-9.63")
    assert diagnosis.facts["refund_estimate"] == Decimal("398.96")
