"""Twenty requests for the price difference on one line at the same instant: one refund, on PostgreSQL.

Half send their own Idempotency-Key, half none; the real service runs on real threads and connections.
An order paid partly with store credit gets its credit back in the ledger once.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest

from shopdesk.catalog.models import Variant
from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.payments.models import Payment, Refund, RefundLine, StoreCreditEntry
from shopdesk.promotions.models import PriceAdjustment
from shopdesk.selfservice.services.cancel import order_cancel
from shopdesk.selfservice.services.change import LineChangeResult, order_line_change
from shopdesk.selfservice.services.price_adjustment import PriceAdjustmentResult, price_adjustment_request
from tests.orders.test_services_states import shirt_line
from tests.races.conftest import postgres_only, race, server_errors
from tests.selfservice.price_adjustment_fixtures import (
    order_with_cheaper_shirt,
    order_with_cheaper_shirt_paid_partly_with_store_credit,
    price_adjustments_paid_as,
)

pytestmark = [postgres_only, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CUSTOMER = Actor.customer("shopper@example.com")


def test_twenty_concurrent_price_adjustments_of_one_line_make_one_refund() -> None:
    order = order_with_cheaper_shirt()
    line_id = shirt_line(order).pk
    writes = [
        partial(
            price_adjustment_request,
            order=order,
            line_id=line_id,
            actor=CUSTOMER,
            idempotency_key="same-key" if index % 2 else None,
        )
        for index in range(20)
    ]
    results = race(writes)
    assert not server_errors(results)
    done = [r for r in results if isinstance(r, PriceAdjustmentResult)]
    refused = [r for r in results if isinstance(r, NotEligible)]
    assert len(done) + len(refused) == 20
    assert len([r for r in done if not r.replayed]) == 1
    assert all(r.code == "already_adjusted" for r in refused)
    assert Refund.objects.filter(order=order).count() == 1
    assert PriceAdjustment.objects.filter(order=order).count() == 1
    assert Payment.objects.get(order=order).amount_refunded == Decimal("20.00")


@pytest.mark.parametrize("paid_as", ["original_payment", "store_credit"])
def test_twenty_concurrent_price_adjustments_issue_store_credit_once(paid_as: str) -> None:
    """Paid $10.00 by card and the rest with store credit: whatever the policy, one adjustment, and the
    credit share enters the ledger once."""
    order = order_with_cheaper_shirt_paid_partly_with_store_credit()
    line_id = shirt_line(order).pk
    writes = [
        partial(
            price_adjustment_request,
            order=order,
            line_id=line_id,
            actor=CUSTOMER,
            idempotency_key="same-key" if index % 2 else None,
        )
        for index in range(20)
    ]
    with price_adjustments_paid_as(paid_as):
        results = race(writes)
    assert not server_errors(results)
    done = [r for r in results if isinstance(r, PriceAdjustmentResult)]
    refused = [r for r in results if isinstance(r, NotEligible)]
    assert len(done) + len(refused) == 20
    assert len([r for r in done if not r.replayed]) == 1
    assert all(r.code == "already_adjusted" for r in refused)
    assert PriceAdjustment.objects.filter(order=order).count() == 1
    card, credit = Payment.objects.filter(order=order).order_by("pk")
    assert card.amount_refunded + credit.amount_refunded == Decimal("20.00")
    entries = StoreCreditEntry.objects.filter(order=order)
    expected_credit = Decimal("20.00") if paid_as == "store_credit" else Decimal("10.00")
    # One entry per refund paid as credit: the store-credit share, plus the card's share under the policy.
    assert entries.count() == (1 if paid_as == "original_payment" else 2)
    assert Refund.objects.filter(order=order).count() == 2
    assert sum((e.amount for e in entries), Decimal(0)) == expected_credit


def test_price_adjustments_racing_fewer_pieces_of_the_line_pay_the_difference_once() -> None:
    """Five requests for the shirt's difference and five for one shirt fewer, at the same instant. In
    either order the shirts give back $54.00: $20.00 + ($49.00 − $5.00 − $10.00) when the adjustment comes
    first, $44.00 + $10.00 (one shirt kept) when the change does; and cancelling the last shirt then
    brings the line to exactly its $88.00."""
    order = order_with_cheaper_shirt()
    line_id = shirt_line(order).pk
    writes = [
        partial(price_adjustment_request, order=order, line_id=line_id, actor=CUSTOMER) for _ in range(5)
    ] + [
        partial(order_line_change, order=order, line_id=line_id, actor=CUSTOMER, quantity=1) for _ in range(5)
    ]
    results = race(writes)
    assert not server_errors(results)
    assert len([r for r in results if isinstance(r, PriceAdjustmentResult)]) == 1
    assert all(r.code == "already_adjusted" for r in results if isinstance(r, NotEligible))
    changes = [r for r in results if isinstance(r, LineChangeResult)]
    assert len([r for r in changes if r.data["changed"]]) == 1
    assert Payment.objects.get(order=order).amount_refunded == Decimal("54.00")
    order_cancel(order=order, actor=CUSTOMER, reason="Changed my mind", line_ids=[line_id])
    shirt_money = RefundLine.objects.filter(order_line_id=line_id).values_list("amount", flat=True)
    assert sum(shirt_money, Decimal(0)) == Decimal("88.00")


def test_price_adjustments_racing_a_variant_below_the_coupon_pay_the_shirts_once() -> None:
    """Five requests for the shirt's difference and five moves to a $3.00 size, below the shirts' $10.00
    coupon share, at the same instant. In either order the shirts give back what they cost, $88.00, never
    more: $20.00 then $68.00 (the coupon above the $6.00 they now cost is not paid back), or $88.00 at once
    and no difference left to pay; cancelling them then gives back nothing more."""
    order = order_with_cheaper_shirt()
    line_id = shirt_line(order).pk
    Variant.objects.filter(product=shirt_line(order).variant.product, size="S").update(price=Decimal("3.00"))
    writes = [
        partial(price_adjustment_request, order=order, line_id=line_id, actor=CUSTOMER) for _ in range(5)
    ] + [partial(order_line_change, order=order, line_id=line_id, actor=CUSTOMER, size="S") for _ in range(5)]
    results = race(writes)
    assert not server_errors(results)
    assert len([r for r in results if isinstance(r, PriceAdjustmentResult)]) <= 1
    changes = [r for r in results if isinstance(r, LineChangeResult)]
    assert len([r for r in changes if r.data["changed"]]) == 1
    assert Payment.objects.get(order=order).amount_refunded == Decimal("88.00")
    order_cancel(order=order, actor=CUSTOMER, reason="Changed my mind", line_ids=[line_id])
    shirt_money = RefundLine.objects.filter(order_line_id=line_id).values_list("amount", flat=True)
    assert sum(shirt_money, Decimal(0)) == Decimal("88.00")
    assert Payment.objects.get(order=order).amount_refunded == Decimal("88.00")
