"""Cancels and item changes on an order paid partly with store credit: the store-credit share goes back
as store credit at once (one ledger entry per refund), the card's share goes to the provider."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.payments.enums import RefundDestination, RefundStatus
from shopdesk.payments.models import Payment, Refund, StoreCreditEntry
from shopdesk.payments.store_credit import store_credit_balance
from shopdesk.selfservice.services.cancel import cancel_preview, order_cancel
from shopdesk.selfservice.services.change import line_change_preview, order_line_change
from tests import factories
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, shirt_line

pytestmark = pytest.mark.django_db
CUSTOMER = Actor.customer("shopper@example.com")


def paid_by_card_and_store_credit(card: str) -> Order:
    """The shirt-and-scarf order ($123.95): `card` on the Visa 4242, the rest with store credit."""
    return factories.pay_rest_with_store_credit(paid_order_of_shirt_and_scarf(), Decimal(card))


def _paid_back(order: Order) -> dict[str, Decimal]:
    return {p.method: p.amount_refunded for p in Payment.objects.filter(order=order)}


def _by_destination(order: Order) -> dict[str, list[Refund]]:
    found: dict[str, list[Refund]] = {}
    for refund in Refund.objects.filter(order=order).order_by("pk"):
        found.setdefault(refund.destination, []).append(refund)
    return found


def test_a_whole_cancel_gives_the_store_credit_share_back_as_store_credit_once():
    order = paid_by_card_and_store_credit("73.95")

    result = order_cancel(order=order, actor=CUSTOMER, idempotency_key="cancel-1")

    assert _paid_back(order) == {"card": Decimal("73.95"), "store_credit": Decimal("50.00")}
    refunds = _by_destination(order)
    (credit,) = refunds[RefundDestination.STORE_CREDIT]
    (card,) = refunds[RefundDestination.ORIGINAL_PAYMENT]
    assert (credit.amount, credit.status) == (Decimal("50.00"), RefundStatus.SUCCEEDED)
    assert (card.amount, card.status) == (Decimal("73.95"), RefundStatus.PENDING)  # the provider's to settle
    entry = StoreCreditEntry.objects.get(customer=order.customer)
    assert (entry.refund_id, entry.amount, entry.order_id) == (credit.pk, Decimal("50.00"), order.pk)
    assert store_credit_balance(customer=order.customer) == Decimal("50.00")
    assert "$50.00 is added to your store credit straight away" in result.message
    assert "$73.95 goes back to your Visa ending 4242" in result.message

    replay = order_cancel(order=order, actor=CUSTOMER, idempotency_key="cancel-1")

    assert replay.replayed and replay.data == result.data
    assert StoreCreditEntry.objects.filter(customer=order.customer).count() == 1
    assert Refund.objects.filter(order=order).count() == 2
    assert store_credit_balance(customer=order.customer) == Decimal("50.00")


def test_the_preview_says_what_the_cancel_does_with_the_store_credit_share():
    order = paid_by_card_and_store_credit("73.95")

    sentence = cancel_preview(order=order).plan.sentence()

    assert "$50.00 is added to your store credit straight away" in sentence
    assert not Refund.objects.exists() and not StoreCreditEntry.objects.exists()


def test_cancelling_lines_credits_only_what_the_card_could_not_take():
    order = paid_by_card_and_store_credit("73.95")

    # The shirts: $98 − $10 coupon = $88.00; the card takes its $73.95 first, credit the other $14.05.
    order_cancel(order=order, actor=CUSTOMER, line_ids=[shirt_line(order).pk])

    assert _paid_back(order) == {"card": Decimal("73.95"), "store_credit": Decimal("14.05")}
    assert store_credit_balance(customer=order.customer) == Decimal("14.05")

    order_cancel(order=order, actor=CUSTOMER, line_ids=[scarf_line(order).pk])  # the rest: scarf + shipping

    assert _paid_back(order) == {"card": Decimal("73.95"), "store_credit": Decimal("50.00")}
    entries = list(StoreCreditEntry.objects.filter(customer=order.customer).order_by("pk"))
    assert [e.amount for e in entries] == [Decimal("14.05"), Decimal("35.95")]
    credit_refunds = _by_destination(order)[RefundDestination.STORE_CREDIT]
    assert sorted(e.refund_id for e in entries) == sorted(r.pk for r in credit_refunds)
    assert all(r.status == RefundStatus.SUCCEEDED for r in credit_refunds)


def test_a_card_only_cancel_adds_no_store_credit():
    order = paid_order_of_shirt_and_scarf()

    order_cancel(order=order, actor=CUSTOMER)

    assert not StoreCreditEntry.objects.exists()
    assert Refund.objects.get(order=order).destination == RefundDestination.ORIGINAL_PAYMENT


def _preview_sentence(order: Order, line_id: int) -> str:
    plan = line_change_preview(order=order, line_id=line_id, quantity=1).refund
    assert plan is not None
    return plan.sentence()


def test_an_item_change_gives_the_store_credit_share_back_as_store_credit():
    order = paid_by_card_and_store_credit("10.00")
    line = shirt_line(order)
    assert "$34.00 is added to your store credit" in (_preview_sentence(order, line.pk))

    # One shirt fewer: $49 less half the $10 coupon share = $44.00; the card's $10.00 first.
    result = order_line_change(order=order, line_id=line.pk, actor=CUSTOMER, quantity=1)

    assert result.data["refund_amount"] == "44.00"
    assert _paid_back(order) == {"card": Decimal("10.00"), "store_credit": Decimal("34.00")}
    (credit,) = _by_destination(order)[RefundDestination.STORE_CREDIT]
    assert (credit.amount, credit.status) == (Decimal("34.00"), RefundStatus.SUCCEEDED)
    entry = StoreCreditEntry.objects.get(customer=order.customer)
    assert (entry.refund_id, entry.amount) == (credit.pk, Decimal("34.00"))
    assert "$34.00 is added to your store credit straight away" in result.message
