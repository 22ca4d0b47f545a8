"""Ten agents refund the same last unit of an order at the same instant: one refund, on PostgreSQL; a
price adjustment racing refunds of the same line pays the line once.

Half send their own Idempotency-Key, half none; the real service runs on real threads and connections.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.orders.models import OrderLine
from shopdesk.payments.models import Payment, Refund, RefundLine, StoreCreditEntry
from shopdesk.selfservice.services.price_adjustment import price_adjustment_request
from shopdesk.selfservice.services.refund_lines import RefundLinesResult, order_refund_lines
from shopdesk.shipping.models import Shipment
from tests.orders.test_services_states import scarf_line, ship, shirt_line
from tests.races.conftest import postgres_only, race, server_errors
from tests.selfservice.price_adjustment_fixtures import (
    order_with_cheaper_shirt,
    order_with_cheaper_shirt_paid_partly_with_store_credit,
)

pytestmark = [postgres_only, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_ten_concurrent_refunds_of_the_last_unit_make_one_refund() -> None:
    """Paid $10.00 by card, the rest with store credit; the shirt's first unit is refunded already."""
    order = order_with_cheaper_shirt_paid_partly_with_store_credit()
    shirt = shirt_line(order)
    ship(order, shirt, scarf_line(order))
    Shipment.objects.filter(order=order).update(delivered_at=timezone.now())
    order_refund_lines(order=order, actor=Actor.agent("setup"), lines=[(shirt.pk, 1)], reason="Lost")
    writes = [
        partial(
            order_refund_lines,
            order=order,
            actor=Actor.agent(f"agent-{index}"),
            lines=[(shirt.pk, 1)],
            reason="Lost",
            idempotency_key="same-key" if index % 2 else None,
        )
        for index in range(10)
    ]
    results = race(writes)
    assert not server_errors(results)
    done = [r for r in results if isinstance(r, RefundLinesResult)]
    refused = [r for r in results if isinstance(r, NotEligible)]
    assert len(done) + len(refused) == 10
    assert len([r for r in done if not r.replayed]) == 1
    assert all(r.code in ("line_not_refundable", "nothing_to_refund") for r in refused)
    assert OrderLine.objects.get(pk=shirt.pk).quantity_refunded == 2
    # The setup's $44.00 went $10.00 to the card and $34.00 to credit; the last unit's $44.00 to credit.
    assert Refund.objects.filter(order=order).count() == 3
    card, credit = Payment.objects.filter(order=order).order_by("pk")
    assert (card.amount_refunded, credit.amount_refunded) == (Decimal("10.00"), Decimal("78.00"))
    assert StoreCreditEntry.objects.filter(customer=order.customer).count() == 2


def test_a_price_adjustment_and_refunds_of_the_same_line_at_once_pay_it_once() -> None:
    """The shirt (2 × $49.00, $10.00 coupon share: $88.00) costs $39.00 today. A customer asks for the
    $20.00 difference while four agents refund both units: whatever order the lock gives them, the
    line gives back $88.00 at most, and exactly $88.00 when its units went back."""
    order = order_with_cheaper_shirt()
    shirt = shirt_line(order)
    ship(order, shirt, scarf_line(order))
    Shipment.objects.filter(order=order).update(delivered_at=timezone.now())
    adjust = partial(
        price_adjustment_request, order=order, line_id=shirt.pk, actor=Actor.customer(order.email)
    )
    refunds = [
        partial(
            order_refund_lines,
            order=order,
            actor=Actor.agent(f"agent-{i}"),
            lines=[(shirt.pk, 2)],
            reason="Lost",
        )
        for i in range(4)
    ]
    results = race([adjust, *refunds])
    assert not server_errors(results)
    assert sum(isinstance(r, RefundLinesResult) for r in results) == 1  # both units went back once
    assert OrderLine.objects.get(pk=shirt.pk).quantity_refunded == 2
    shirt_money = RefundLine.objects.filter(order_line_id=shirt.pk).values_list("amount", flat=True)
    assert sum(shirt_money, Decimal(0)) == Decimal("88.00")
    payment = Payment.objects.get(order=order)
    assert payment.amount_refunded == Decimal("88.00") <= payment.amount_captured
