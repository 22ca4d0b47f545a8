"""Cancelling an order or its unshipped items: refunds, holds, points, stock, events, email, idempotency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict, InvalidInput, NotEligible
from shopdesk.loyalty.models import PointsEntry, PointsEntryKind
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.enums import OrderEventKind
from shopdesk.payments.enums import PaymentState, RefundLineKind
from shopdesk.payments.models import Payment, Refund
from shopdesk.selfservice.services.cancel import cancel_preview, order_cancel
from tests.orders.test_services_states import (
    authorised_only,
    awaiting_verification,
    declined,
    paid_order_of_shirt_and_scarf,
    paid_partly_with_points,
    scarf_line,
    ship,
    shirt_line,
)

pytestmark = pytest.mark.django_db
CUSTOMER = Actor.customer("shopper@example.com")


def test_cancelling_a_paid_order_refunds_everything_and_puts_stock_back():
    order = paid_order_of_shirt_and_scarf()
    shirt = shirt_line(order)
    stock_before = shirt.variant.stock

    result = order_cancel(order=order, actor=CUSTOMER, reason="Ordered by mistake")

    order.refresh_from_db()
    assert order.is_cancelled and order.cancel_reason == "Ordered by mistake"
    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal("123.95") == Decimal(result.data["refund_amount"])
    kinds = sorted(refund.lines.values_list("kind", flat=True))
    assert kinds == sorted(
        [RefundLineKind.ITEM, RefundLineKind.COUPON_SHARE, RefundLineKind.ITEM, RefundLineKind.SHIPPING]
    )
    assert sum(line.amount for line in refund.lines.all()) == refund.amount
    assert Payment.objects.get(order=order).amount_refunded == Decimal("123.95")
    shirt.variant.refresh_from_db()
    assert shirt.variant.stock == stock_before + 2
    assert all(line.quantity_cancelled == line.quantity for line in order.lines.all())
    assert order.events.filter(kind=OrderEventKind.CANCELLED).count() == 1
    assert order.events.filter(kind=OrderEventKind.REFUND_CREATED).count() == 1
    email = OutboxMessage.objects.get(order=order, template="cancelled")
    assert email.to == order.email and "$123.95 goes back to your Visa ending 4242" in email.body_text
    assert "within 5–10 business days" in result.message


def test_cancelling_twice_returns_the_same_answer_and_refunds_once():
    order = paid_order_of_shirt_and_scarf()
    first = order_cancel(order=order, actor=CUSTOMER)
    second = order_cancel(order=order, actor=CUSTOMER)
    assert second.replayed and second.data == first.data
    assert Refund.objects.filter(order=order).count() == 1
    assert OutboxMessage.objects.filter(order=order, template="cancelled").count() == 1
    assert Payment.objects.get(order=order).amount_refunded == Decimal("123.95")


def test_a_client_key_replays_and_refuses_another_body():
    order = paid_order_of_shirt_and_scarf()
    scarf = scarf_line(order)
    first = order_cancel(order=order, actor=CUSTOMER, line_ids=[scarf.pk], idempotency_key="k-1")
    again = order_cancel(order=order, actor=CUSTOMER, line_ids=[scarf.pk], idempotency_key="k-1")
    assert again.replayed and again.data == first.data
    with pytest.raises(Conflict) as error:
        order_cancel(order=order, actor=CUSTOMER, line_ids=[shirt_line(order).pk], idempotency_key="k-1")
    assert error.value.code == "idempotency_key_reused"
    assert Refund.objects.filter(order=order).count() == 1


def test_cancelling_the_unshipped_scarf_of_a_partly_shipped_order():
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order))
    scarf = scarf_line(order)

    with pytest.raises(NotEligible) as whole:
        order_cancel(order=order, actor=CUSTOMER)
    assert whole.value.code == "partially_dispatched"

    result = order_cancel(order=order, actor=CUSTOMER, line_ids=[scarf.pk])
    order.refresh_from_db()
    assert not order.is_cancelled and not result.data["whole_order"]
    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal("30.00")  # the scarf; shipping stays, the shirt travelled
    assert order.events.filter(kind=OrderEventKind.LINES_CANCELLED).count() == 1


def test_a_shipped_line_cannot_be_cancelled():
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order))
    with pytest.raises(NotEligible) as error:
        order_cancel(order=order, actor=CUSTOMER, line_ids=[shirt_line(order).pk])
    assert error.value.code == "line_dispatched"
    assert not Refund.objects.exists()


def test_a_fully_shipped_order_cannot_be_cancelled_and_nothing_changes():
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order), scarf_line(order))
    with pytest.raises(NotEligible) as error:
        order_cancel(order=order, actor=CUSTOMER)
    assert error.value.code == "already_dispatched"
    order.refresh_from_db()
    assert not order.is_cancelled and not OutboxMessage.objects.exists()


def test_unknown_line_ids_are_refused():
    order = paid_order_of_shirt_and_scarf()
    with pytest.raises(InvalidInput):
        order_cancel(order=order, actor=CUSTOMER, line_ids=[999999])
    with pytest.raises(InvalidInput):
        order_cancel(order=order, actor=CUSTOMER, line_ids=[])


def test_an_authorised_order_is_voided_not_refunded():
    order = paid_order_of_shirt_and_scarf()
    authorised_only(order)
    result = order_cancel(order=order, actor=CUSTOMER)
    assert Payment.objects.get(order=order).state == PaymentState.VOIDED
    assert not Refund.objects.exists()
    assert result.data["payment_outcome"] == "void" and "hold" in result.message


def test_cancelling_part_of_an_authorised_order_lowers_the_hold():
    order = paid_order_of_shirt_and_scarf()
    authorised_only(order)
    order_cancel(order=order, actor=CUSTOMER, line_ids=[scarf_line(order).pk])
    payment = Payment.objects.get(order=order)
    assert payment.state == PaymentState.AUTHORISED
    assert payment.amount_authorised == Decimal("123.95") - Decimal("30.00")


@pytest.mark.parametrize("state", [declined, awaiting_verification])
def test_declined_or_unverified_orders_cancel_without_a_refund(state):
    order = paid_order_of_shirt_and_scarf()
    state(order)
    result = order_cancel(order=order, actor=CUSTOMER)
    order.refresh_from_db()
    assert order.is_cancelled and not Refund.objects.exists()
    assert result.data["refund_amount"] == "0"


def test_points_spent_come_back_and_earned_points_are_revoked():
    order = paid_order_of_shirt_and_scarf()
    paid_partly_with_points(order)
    result = order_cancel(order=order, actor=CUSTOMER)
    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal("103.95") and refund.points == 2000
    assert refund.lines.get(kind=RefundLineKind.POINTS).amount == Decimal("-20.00")
    returned = PointsEntry.objects.get(order=order, kind=PointsEntryKind.RETURNED)
    assert returned.points == 2000 and result.data["points_returned"] == 2000
    assert PointsEntry.objects.get(order=order, kind=PointsEntryKind.REVOKED).points == -123


def test_refund_never_exceeds_what_is_left_on_the_payment():
    order = paid_order_of_shirt_and_scarf()
    Payment.objects.filter(order=order).update(
        amount_refunded=Decimal("100.00")
    )  # refunded earlier elsewhere
    result = order_cancel(order=order, actor=CUSTOMER)
    payment = Payment.objects.get(order=order)
    assert payment.amount_refunded == payment.amount_captured
    assert Decimal(result.data["refund_amount"]) == Decimal("23.95")
    refund = Refund.objects.get(order=order)
    assert sum(line.amount for line in refund.lines.all()) == refund.amount == Decimal("23.95")


def test_the_preview_says_what_will_happen():
    order = paid_order_of_shirt_and_scarf()
    preview = cancel_preview(order=order, line_ids=[shirt_line(order).pk])
    assert preview.sentence() == (
        "You're about to cancel 2 items. $88.00 goes back to your Visa ending 4242 within 5–10 business days."
    )
    assert not Refund.objects.exists()


def test_an_overlong_reason_is_refused_before_anything_changes():
    order = paid_order_of_shirt_and_scarf()
    with pytest.raises(InvalidInput):
        order_cancel(order=order, actor=CUSTOMER, reason="x" * 500)
    order.refresh_from_db()
    assert not order.is_cancelled
