"""Invariants the database itself enforces, whatever code writes the rows."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.factories import OrderLineFactory, PaymentFactory, VariantFactory


@pytest.mark.django_db
def test_refunded_can_never_exceed_captured(unfulfilled_order):
    payment = unfulfilled_order.payments.get()
    payment.amount_refunded = payment.amount_captured + Decimal("0.01")
    with pytest.raises(IntegrityError), transaction.atomic():
        payment.save()


@pytest.mark.django_db
def test_captured_can_never_exceed_authorised():
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentFactory(amount_authorised=Decimal("10"), amount_captured=Decimal("11"))


@pytest.mark.django_db
def test_cancelled_units_stay_within_the_quantity():
    line = OrderLineFactory(quantity=2)
    line.quantity_cancelled = 3
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


@pytest.mark.django_db
def test_stock_never_goes_negative():
    variant = VariantFactory(stock=0)
    variant.stock = -1
    with pytest.raises(IntegrityError), transaction.atomic():
        variant.save()
