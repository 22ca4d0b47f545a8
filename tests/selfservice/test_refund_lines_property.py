"""Property: whatever units agents ask for, in whatever steps, a line's units are refunded at most once,
and refunding all of them gives back exactly what the line cost (coupon share included), never more
than was captured."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.orders.models import OrderLine
from shopdesk.payments.models import Payment, Refund
from shopdesk.selfservice.services.refund_lines import order_refund_lines
from shopdesk.shipping.models import Shipment
from tests import factories
from tests.orders.test_services_states import ship

AGENT = Actor.agent("maria")
cents = st.integers(min_value=100, max_value=20000).map(lambda c: Decimal(c) / 100)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    price=cents,
    quantity=st.integers(min_value=1, max_value=5),
    discount_percent=st.integers(min_value=0, max_value=50),
    asks=st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=8),
)
def test_each_unit_goes_back_once_and_all_of_them_cost_the_line(price, quantity, discount_percent, asks):
    discount = (price * quantity * discount_percent / 100).quantize(Decimal("0.01"))
    line_total = price * quantity - discount
    order = factories.OrderFactory(subtotal=price * quantity, discount_total=discount, total=line_total)
    line = factories.OrderLineFactory(
        order=order, quantity=quantity, unit_price=price, discount_amount=discount, tax_amount=Decimal(0)
    )
    factories.PaymentFactory(order=order, amount=line_total)
    ship(order, line)
    Shipment.objects.filter(order=order).update(delivered_at=timezone.now())
    refunded_units = 0
    for units in asks:
        try:
            order_refund_lines(order=order, actor=AGENT, lines=[(line.pk, units)], reason="Goodwill")
        except NotEligible:
            assert units > quantity - refunded_units  # refused only when not enough units are left
        else:
            refunded_units += units
        assert OrderLine.objects.get(pk=line.pk).quantity_refunded == refunded_units <= quantity
        payment = Payment.objects.get(order=order)
        assert payment.amount_refunded == sum(
            Refund.objects.filter(order=order).values_list("amount", flat=True)
        )
        assert payment.amount_refunded <= payment.amount_captured
    if refunded_units == quantity:
        assert Payment.objects.get(order=order).amount_refunded == line_total
