"""Property: whatever the prices, coupons, taxes and order of partial cancels, refunds never exceed
what was captured, the payment's refunded amount is the sum of the refunds, and every refund's lines add up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.core.actors import Actor
from shopdesk.payments.models import Payment, Refund
from shopdesk.selfservice.services.cancel import order_cancel
from tests import factories

CUSTOMER = Actor.customer("shopper@example.com")
cents = st.integers(min_value=0, max_value=20_000).map(lambda n: Decimal(n) / 100)
line_spec = st.tuples(st.integers(1, 4), cents, st.integers(0, 100), st.integers(0, 30))


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(line_spec, min_size=1, max_size=4),
    shipping=cents,
    short_by=cents,
    order_of_cancels=st.permutations(range(4)),
)
def test_refunds_never_exceed_what_was_captured(lines, shipping, short_by, order_of_cancels):
    try:
        with transaction.atomic():
            order = factories.OrderFactory(shipping_total=shipping, total=Decimal(0), subtotal=Decimal(0))
            total = shipping
            for quantity, price, discount_percent, tax_percent in lines:
                gross = price * quantity
                discount = (gross * discount_percent / 100).quantize(Decimal("0.01"))
                tax = (gross * tax_percent / 100).quantize(Decimal("0.01"))
                factories.OrderLineFactory(
                    order=order, quantity=quantity, unit_price=price, discount_amount=discount, tax_amount=tax
                )
                total += gross - discount + tax
            order.total = order.subtotal = total
            order.save()
            # The store may have captured less than the order total (data that doesn't add up).
            captured = max(total - short_by, Decimal(0))
            factories.PaymentFactory(
                order=order, amount=captured, amount_authorised=captured, amount_captured=captured
            )
            ids = list(order.lines.values_list("pk", flat=True))
            for index in order_of_cancels:
                if index < len(ids) - 1:  # all but one line one by one, then the whole rest
                    order_cancel(order=order, actor=CUSTOMER, line_ids=[ids[index]])
            order_cancel(order=order, actor=CUSTOMER, line_ids=[ids[-1]])
            payment = Payment.objects.get(order=order)
            refunds = list(Refund.objects.filter(order=order).prefetch_related("lines"))
            assert payment.amount_refunded <= payment.amount_captured
            assert payment.amount_refunded == sum((r.amount for r in refunds), Decimal(0))
            for refund in refunds:
                assert refund.amount >= 0
                assert sum((line.amount for line in refund.lines.all()), Decimal(0)) == refund.amount
            raise Rollback
    except Rollback:
        pass
