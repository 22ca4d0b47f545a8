"""An order's refunds, with the day the policy promises the money by."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shopdesk.payments.enums import RefundLineKind, RefundStatus
from shopdesk.payments.models import Refund, RefundLine
from shopdesk.payments.selectors import refunds_for_order
from tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def _refund(status: str) -> Refund:
    payment = PaymentFactory(method="paypal")  # the demo policy: 1 to 3 business days
    friday = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)
    refund = Refund.objects.create(
        order=payment.order,
        payment=payment,
        amount=Decimal("49.00"),
        status=status,
        reason="Cancelled",
        idempotency_key=f"test:{status}",
        created_at=friday,
    )
    RefundLine.objects.create(
        refund=refund,
        kind=RefundLineKind.ITEM,
        quantity=1,
        amount=Decimal("49.00"),
        description="Linen shirt",
    )
    return refund


def test_a_pending_refund_is_due_within_the_methods_business_days():
    refund = _refund(RefundStatus.PENDING)
    [view] = refunds_for_order(order=refund.order)
    assert view.expected_by == dt.date(2026, 12, 2)  # Friday + 3 business days skips the weekend
    assert [(line.kind, line.amount) for line in view.lines] == [("item", Decimal("49.00"))]


def test_a_settled_refund_has_no_due_date(django_assert_max_num_queries):
    refund = _refund(RefundStatus.SUCCEEDED)
    with django_assert_max_num_queries(2):
        [view] = refunds_for_order(order=refund.order)
    assert view.expected_by is None
