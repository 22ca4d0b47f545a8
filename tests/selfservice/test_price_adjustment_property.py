"""Property: a price adjustment never pays back more than the difference × the units, nor more than the
payments captured, whatever the prices, quantities, points and split over payments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.orders.models import OrderLine
from shopdesk.payments.models import Payment, Refund
from shopdesk.selfservice.services.price_adjustment import price_adjustment_request
from tests import factories
from tests.selfservice.price_adjustment_fixtures import price_set

CUSTOMER = Actor.customer("shopper@example.com")
cents = st.integers(min_value=100, max_value=20000).map(lambda c: Decimal(c) / 100)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    paid=cents,
    drop_percent=st.integers(min_value=1, max_value=99),
    quantity=st.integers(min_value=1, max_value=4),
    cancelled=st.integers(min_value=0, max_value=3),
    points_share=st.integers(min_value=0, max_value=60),
    credit_share=st.integers(min_value=0, max_value=100),
    refunded_share=st.integers(min_value=0, max_value=100),
)
def test_the_refund_never_exceeds_the_difference_nor_what_was_captured(
    paid, drop_percent, quantity, cancelled, points_share, credit_share, refunded_share
):
    cancelled = min(cancelled, quantity - 1)
    total = paid * quantity
    points_value = (total * points_share / 100).quantize(Decimal("0.01"))
    money = total - points_value
    credit = (money * credit_share / 100).quantize(Decimal("0.01"))
    card = money - credit
    order = factories.OrderFactory(
        subtotal=total, total=total, points_used=int(points_value * 100), points_value=points_value
    )
    line = factories.OrderLineFactory(
        order=order, quantity=quantity, quantity_cancelled=cancelled, unit_price=paid
    )
    for method, amount in (("card", card), ("store_credit", credit)):
        if amount > 0:
            already = (amount * refunded_share / 100).quantize(Decimal("0.01")) if method == "card" else 0
            factories.PaymentFactory(order=order, method=method, amount=amount, amount_refunded=already)
    price_now = (paid * (100 - drop_percent) / 100).quantize(Decimal("0.01"))
    price_set(line, str(price_now))
    captured_left = sum(
        (p.amount_captured - p.amount_refunded for p in Payment.objects.filter(order=order)), Decimal(0)
    )
    try:
        done = price_adjustment_request(order=order, line_id=line.pk, actor=CUSTOMER)
    except NotEligible as refused:
        assert refused.code in {"difference_too_small", "not_paid"}
        assert not Refund.objects.filter(order=order).exists()
        return
    refunded = sum((r.amount for r in Refund.objects.filter(order=order)), Decimal(0))
    difference = (paid - price_now) * (quantity - cancelled)
    assert refunded == Decimal(done.data["refund_amount"])
    assert refunded <= difference
    assert refunded <= captured_left
    for payment in Payment.objects.filter(order=order):
        assert payment.amount_refunded <= payment.amount_captured
    assert OrderLine.objects.get(pk=line.pk).price_adjustment.refunded == refunded
