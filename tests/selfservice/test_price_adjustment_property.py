"""Property: a price adjustment never pays back more than the difference × the units, nor more than the
payments captured, whatever the prices, quantities, points and split over payments; what goes back as
store credit is exactly what the ledger gains."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.orders.models import OrderLine
from shopdesk.payments.enums import RefundDestination
from shopdesk.payments.models import Payment, Refund, StoreCreditEntry
from shopdesk.payments.store_credit import store_credit_balance
from shopdesk.selfservice.services.price_adjustment import price_adjustment_request
from tests import factories
from tests.selfservice.price_adjustment_fixtures import price_adjustments_paid_as, price_set

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


@pytest.mark.django_db
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    paid=cents,
    drop_percent=st.integers(min_value=1, max_value=99),
    quantity=st.integers(min_value=1, max_value=4),
    points_share=st.integers(min_value=0, max_value=60),
    card_share=st.integers(min_value=0, max_value=100),
    credit_refunded_share=st.integers(min_value=0, max_value=100),
    paid_as=st.sampled_from(["original_payment", "store_credit"]),
)
def test_mixed_payments_get_no_more_than_the_difference_and_credit_goes_back_as_credit(
    paid, drop_percent, quantity, points_share, card_share, credit_refunded_share, paid_as
):
    """Card + store credit + points, in any mix: the adjustment stays within difference × units and what
    the payments still hold, and store credit comes back only as ledger entries, one per credit refund."""
    total = paid * quantity
    points_value = (total * points_share / 100).quantize(Decimal("0.01"))
    money = total - points_value
    card = (money * card_share / 100).quantize(Decimal("0.01"))
    credit = money - card
    order = factories.OrderFactory(
        subtotal=total, total=total, points_used=int(points_value * 100), points_value=points_value
    )
    line = factories.OrderLineFactory(order=order, quantity=quantity, unit_price=paid)
    if card > 0:
        factories.PaymentFactory(order=order, method="card", amount=card)
    if credit > 0:
        already = (credit * credit_refunded_share / 100).quantize(Decimal("0.01"))
        factories.PaymentFactory(order=order, method="store_credit", amount=credit, amount_refunded=already)
    price_now = (paid * (100 - drop_percent) / 100).quantize(Decimal("0.01"))
    price_set(line, str(price_now))
    held = {p.pk: p.amount_captured - p.amount_refunded for p in Payment.objects.filter(order=order)}
    try:
        with price_adjustments_paid_as(paid_as):
            done = price_adjustment_request(order=order, line_id=line.pk, actor=CUSTOMER)
    except NotEligible as refused:
        assert refused.code in {"difference_too_small", "not_paid"}
        assert not Refund.objects.filter(order=order).exists()
        assert not StoreCreditEntry.objects.filter(order=order).exists()
        return
    refunds = list(Refund.objects.filter(order=order).select_related("payment"))
    refunded = sum((r.amount for r in refunds), Decimal(0))
    assert refunded == Decimal(done.data["refund_amount"])
    assert refunded <= (paid - price_now) * quantity
    assert refunded <= sum(held.values(), Decimal(0))
    for payment in Payment.objects.filter(order=order):
        assert payment.amount_refunded <= payment.amount_captured
        assert payment.amount_refunded - (payment.amount_captured - held[payment.pk]) == sum(
            (r.amount for r in refunds if r.payment_id == payment.pk), Decimal(0)
        )
    credited = [r for r in refunds if r.destination == RefundDestination.STORE_CREDIT]
    expected = (
        refunds if paid_as == "store_credit" else [r for r in refunds if r.payment.method == "store_credit"]
    )
    assert {r.pk for r in credited} == {r.pk for r in expected}
    entries = StoreCreditEntry.objects.filter(order=order)
    assert sorted(e.refund_id for e in entries) == sorted(r.pk for r in credited)
    assert store_credit_balance(customer=order.customer) == sum((r.amount for r in credited), Decimal(0))
