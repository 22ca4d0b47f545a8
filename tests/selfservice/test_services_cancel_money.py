"""Money regressions of cancel and item changes: split payments, the order's points rate, tax lines,
the payment named in the sentence, a void never overwriting a capture, currencies without two decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict
from shopdesk.loyalty.models import PointsEntry, PointsEntryKind
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order
from shopdesk.payments.enums import PaymentState, RefundLineKind
from shopdesk.payments.models import Payment, Refund
from shopdesk.payments.services.refunds import authorisation_reduce
from shopdesk.selfservice.services.cancel import cancel_preview, order_cancel
from shopdesk.selfservice.services.change import order_line_change
from tests import factories
from tests.orders.test_services_states import (
    authorised_only,
    paid_order_of_shirt_and_scarf,
    paid_partly_with_points,
    scarf_line,
    shirt_line,
)

pytestmark = pytest.mark.django_db
CUSTOMER = Actor.customer("shopper@example.com")


def paid_with_store_credit_and_card() -> Order:
    """The shirt-and-scarf order ($123.95): $50.00 of store credit, $73.95 on the Visa 4242."""
    order = paid_order_of_shirt_and_scarf()
    order.payments.update(
        amount=Decimal("73.95"), amount_authorised=Decimal("73.95"), amount_captured=Decimal("73.95")
    )
    factories.PaymentFactory(
        order=order,
        method="store_credit",
        provider="shopdesk",
        card_brand="",
        card_last4="",
        amount=Decimal("50.00"),
    )
    return order


def test_whole_cancel_of_a_split_payment_refunds_each_method_what_it_paid():
    order = paid_with_store_credit_and_card()

    result = order_cancel(order=order, actor=CUSTOMER)

    paid_back = {p.method: p.amount_refunded for p in Payment.objects.filter(order=order)}
    assert paid_back == {"card": Decimal("73.95"), "store_credit": Decimal("50.00")}
    refunds = list(Refund.objects.filter(order=order).prefetch_related("lines"))
    assert sum(r.amount for r in refunds) == Decimal("123.95") == Decimal(result.data["refund_amount"])
    for refund in refunds:
        assert sum(line.amount for line in refund.lines.all()) == refund.amount
    assert "$73.95 goes back to your Visa ending 4242" in result.message
    assert "$50.00 is added to your store credit straight away" in result.message


def test_partial_cancel_of_a_split_payment_goes_to_the_card_first():
    order = paid_with_store_credit_and_card()

    order_cancel(order=order, actor=CUSTOMER, line_ids=[shirt_line(order).pk])  # $98 − $10 coupon = $88

    paid_back = {p.method: p.amount_refunded for p in Payment.objects.filter(order=order)}
    assert paid_back == {"card": Decimal("73.95"), "store_credit": Decimal("14.05")}


def test_whole_cancel_values_points_at_the_orders_rate_not_todays():
    # 2,000 points paid $30.00 on this order; today's policy values them at $20.00.
    order = paid_order_of_shirt_and_scarf()
    paid_partly_with_points(order)
    Order.objects.filter(pk=order.pk).update(points_value=Decimal("30.00"))
    order.payments.update(
        amount_captured=Decimal("93.95"), amount_authorised=Decimal("93.95"), amount=Decimal("93.95")
    )
    order.refresh_from_db()

    order_cancel(order=order, actor=CUSTOMER)

    refund = Refund.objects.get(order=order)
    points_line = refund.lines.get(kind=RefundLineKind.POINTS)
    assert points_line.amount == Decimal("-30.00")
    assert refund.amount == Decimal("93.95") and refund.points == 2000
    returned = PointsEntry.objects.get(order=order, kind=PointsEntryKind.RETURNED)
    assert returned.points == 2000


def test_tax_comes_back_as_a_tax_line_not_duties():
    order = paid_order_of_shirt_and_scarf()
    scarf = scarf_line(order)
    scarf.tax_amount = Decimal("2.40")
    scarf.save()
    Order.objects.filter(pk=order.pk).update(tax_total=Decimal("2.40"), total=Decimal("126.35"))
    order.payments.update(amount_captured=Decimal("126.35"), amount_authorised=Decimal("126.35"))

    order_cancel(order=order, actor=CUSTOMER, line_ids=[scarf.pk])

    refund = Refund.objects.get(order=order)
    assert list(refund.lines.filter(kind=RefundLineKind.TAX).values_list("amount", flat=True)) == [
        Decimal("2.40")
    ]
    assert not refund.lines.filter(kind=RefundLineKind.DUTIES).exists()


def test_cancelling_a_google_pay_order_names_google_pay_not_the_card_behind_it():
    order = paid_order_of_shirt_and_scarf()
    order.payments.update(method="google_pay", card_brand="visa", card_last4="3611")
    authorised_only(order)

    preview = cancel_preview(order=order)
    result = order_cancel(order=order, actor=CUSTOMER)

    for sentence in (preview.sentence(), result.message):
        assert "the hold on your Google Pay is released" in sentence
        assert "3611" not in sentence
    email = OutboxMessage.objects.get(order=order, template="cancelled")
    assert "Google Pay" in email.body_text and "Visa ending 3611" not in email.body_text


def test_a_void_never_overwrites_a_capture_that_landed_a_moment_ago():
    order = paid_order_of_shirt_and_scarf()
    authorised_only(order)
    stale = Payment.objects.get(order=order)  # read while still authorised
    Payment.objects.filter(pk=stale.pk).update(
        state=PaymentState.CAPTURED, amount_captured=stale.amount_authorised
    )

    with pytest.raises(Conflict):
        authorisation_reduce(payment=stale, amount=stale.amount_authorised, void=True)

    assert Payment.objects.get(pk=stale.pk).state == PaymentState.CAPTURED


def _yen_order() -> Order:
    order = factories.OrderFactory(
        currency="JPY",
        subtotal=Decimal("9000"),
        discount_total=Decimal("1000"),
        total=Decimal("8500"),
        tax_total=Decimal("500"),
        points_used=300,
        points_value=Decimal("300"),
    )
    factories.OrderLineFactory(
        order=order,
        quantity=3,
        unit_price=Decimal("3000"),
        discount_amount=Decimal("1000"),
        tax_amount=Decimal("500"),
    )
    factories.PaymentFactory(order=order, currency="JPY", amount=Decimal("8200"))
    return order


def test_a_yen_order_is_cancelled_in_whole_yen_and_adds_up():
    order = _yen_order()
    line = order.lines.get()

    first = order_line_change(order=order, line_id=line.pk, actor=CUSTOMER, quantity=2)
    order_cancel(order=order, actor=CUSTOMER)

    payment = Payment.objects.get(order=order)
    refunds = list(Refund.objects.filter(order=order).prefetch_related("lines"))
    assert first.data["refund_amount"] == "2734"  # 3000 − 333 coupon + 167 tax − 100 points share
    for refund in refunds:
        assert refund.amount == refund.amount.to_integral_value()
        for line in refund.lines.all():
            assert line.amount == line.amount.to_integral_value()
    assert payment.amount_refunded == Decimal("8200") == sum(r.amount for r in refunds)
    returned = sum(
        PointsEntry.objects.filter(order=order, kind=PointsEntryKind.RETURNED).values_list(
            "points", flat=True
        )
    )
    assert returned == 300


def test_a_quantity_cut_gives_back_the_points_it_takes_off_the_refund():
    order = paid_order_of_shirt_and_scarf()
    paid_partly_with_points(order)  # 2,000 points paid $20.00 of $123.95; 123 points earned

    result = order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, quantity=1)

    refund = Refund.objects.get(order=order)
    points_line = refund.lines.get(kind=RefundLineKind.POINTS)
    returned = PointsEntry.objects.get(order=order, kind=PointsEntryKind.RETURNED)
    # $49 − $5 coupon share = $44.00, 35.5% of the order: $7.10 of it was paid with 710 points.
    assert points_line.amount == Decimal("-7.10") and returned.points == refund.points == 710
    assert result.data["refund_amount"] == "36.90"
    revoked = PointsEntry.objects.get(order=order, kind=PointsEntryKind.REVOKED)
    assert revoked.points == -int(123 * Decimal("49.00") / Decimal("128.00"))


def test_a_hold_beside_a_captured_payment_is_worded_without_nothing_was_charged():
    order = paid_with_store_credit_and_card()
    authorised_only_card = Payment.objects.get(order=order, method="card")
    Payment.objects.filter(pk=authorised_only_card.pk).update(
        state=PaymentState.AUTHORISED, amount_captured=Decimal(0)
    )

    result = order_cancel(order=order, actor=CUSTOMER)

    assert "The hold on your Visa ending 4242 is released." in result.message
    assert "$50.00 is added to your store credit straight away." in result.message
    assert "Nothing was charged" not in result.message
    assert Payment.objects.get(pk=authorised_only_card.pk).state == PaymentState.VOIDED


@pytest.mark.parametrize("locale", ["fr_FR", "fr_CA"])
def test_a_french_order_s_cancel_preview_and_result_write_the_refund_the_same_way(locale):
    """The registry's preview and its result use the store's format, whatever the order's locale."""
    from shopdesk.selfservice.registry import action_get

    order = paid_order_of_shirt_and_scarf(locale=locale)
    action = action_get("cancel")
    actor = Actor.customer(order.email)
    preview = action.preview(order=order, actor=actor, params={})
    result = action.perform(order=order, actor=actor, params={})
    for message in (preview.message, result.message):
        assert "$123.95 goes back to your Visa ending 4242" in message
        assert "123,95" not in message and "US" not in message
