"""Refund records: lines, the payment's refunded amount under a lock, idempotency, never past captured."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from shopdesk.core.errors import Conflict
from shopdesk.payments.enums import PaymentState, RefundLineKind
from shopdesk.payments.models import Payment, Refund
from shopdesk.payments.services.refunds import RefundLineDraft, authorisation_reduce, refund_create
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf

pytestmark = pytest.mark.django_db


def _refund(order, amount: str, key: str) -> Refund:
    return refund_create(
        order=order,
        payment=order.payments.get(),
        points=0,
        reason="test",
        idempotency_key=key,
        now=timezone.now(),
        lines=[RefundLineDraft(RefundLineKind.ITEM, Decimal(amount), "1 × Wool scarf")],
    )


def test_a_refund_writes_its_lines_and_moves_the_payment():
    order = paid_order_of_shirt_and_scarf()
    refund = _refund(order, "30.00", "r-1")
    assert refund.amount == Decimal("30.00") and refund.lines.count() == 1
    assert Payment.objects.get(order=order).amount_refunded == Decimal("30.00")


def test_the_same_key_refunds_once():
    order = paid_order_of_shirt_and_scarf()
    assert _refund(order, "30.00", "r-1").pk == _refund(order, "30.00", "r-1").pk
    assert Payment.objects.get(order=order).amount_refunded == Decimal("30.00")


def test_a_refund_beyond_what_is_left_is_refused_and_nothing_moves():
    order = paid_order_of_shirt_and_scarf()
    _refund(order, "100.00", "r-1")
    with pytest.raises(Conflict) as error:
        _refund(order, "30.00", "r-2")
    assert error.value.code == "refund_exceeds_captured"
    assert Payment.objects.get(order=order).amount_refunded == Decimal("100.00")
    assert Refund.objects.count() == 1


def test_the_database_also_refuses_refunded_above_captured():
    order = paid_order_of_shirt_and_scarf()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(order=order).update(amount_refunded=Decimal("999.00"))


def test_a_negative_refund_is_refused():
    order = paid_order_of_shirt_and_scarf()
    with pytest.raises(Conflict):
        _refund(order, "-1.00", "r-1")


def test_an_authorisation_is_lowered_or_voided():
    order = paid_order_of_shirt_and_scarf()
    order.payments.update(state=PaymentState.AUTHORISED, amount_captured=Decimal(0))
    payment = authorisation_reduce(payment=order.payments.get(), amount=Decimal("30.00"), void=False)
    assert payment.amount_authorised == Decimal("93.95") and payment.state == PaymentState.AUTHORISED
    assert authorisation_reduce(payment=payment, amount=Decimal(0), void=True).state == PaymentState.VOIDED
