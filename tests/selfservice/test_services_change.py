"""Changing the size, colour or quantity of an unshipped item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shopdesk.catalog.models import Variant
from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotEligible, NotFound
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.enums import OrderEventKind
from shopdesk.payments.enums import RefundLineKind
from shopdesk.payments.models import Payment, Refund, RefundLine
from shopdesk.promotions.models import PriceAdjustment
from shopdesk.selfservice.services.cancel import order_cancel
from shopdesk.selfservice.services.change import line_change_preview, order_line_change
from shopdesk.selfservice.services.price_adjustment import price_adjustment_request
from tests import factories
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, ship, shirt_line
from tests.selfservice.price_adjustment_fixtures import order_with_cheaper_shirt

pytestmark = pytest.mark.django_db
CUSTOMER = Actor.customer("shopper@example.com")


def _variant(order, size: str) -> Variant:
    return Variant.objects.get(product=shirt_line(order).variant.product, size=size)


def test_swapping_to_another_size_at_the_same_price_moves_stock_and_nothing_else():
    order = paid_order_of_shirt_and_scarf()
    line = shirt_line(order)
    small, medium = _variant(order, "S"), _variant(order, "M")
    result = order_line_change(order=order, line_id=line.pk, actor=CUSTOMER, size="S")
    line.refresh_from_db()
    assert (line.size, line.sku, line.variant_id) == ("S", small.sku, small.pk)
    small.refresh_from_db()
    medium.refresh_from_db()
    assert (small.stock, medium.stock) == (8, 12)
    assert not Refund.objects.exists() and result.data["refund_amount"] == "0"
    assert order.events.get(kind=OrderEventKind.LINE_CHANGED).before["sku"] == medium.sku
    email = OutboxMessage.objects.get(template="line_changed")
    assert "size S" in email.body_text and email.to == order.email


def test_a_cheaper_variant_refunds_the_difference():
    order = paid_order_of_shirt_and_scarf()
    small = _variant(order, "S")
    Variant.objects.filter(pk=small.pk).update(price=Decimal("39.00"))
    result = order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="S")
    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal("20.00")  # 2 × $10
    assert refund.lines.get().kind == RefundLineKind.PRICE_ADJUSTMENT
    assert Payment.objects.get(order=order).amount_refunded == Decimal("20.00")
    assert "$20.00 goes back to your Visa ending 4242" in result.message


def test_fewer_pieces_refund_the_pieces_with_their_coupon_share():
    order = paid_order_of_shirt_and_scarf()
    line = shirt_line(order)
    order_line_change(order=order, line_id=line.pk, actor=CUSTOMER, quantity=1)
    line.refresh_from_db()
    assert line.quantity_active == 1
    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal("44.00")  # $49 less half the $10 coupon share
    assert line.variant.stock == 11


def test_a_more_expensive_variant_needs_an_agent_and_nothing_changes():
    order = paid_order_of_shirt_and_scarf()
    Variant.objects.filter(pk=_variant(order, "L").pk).update(price=Decimal("59.00"))
    with pytest.raises(NotEligible) as error:
        order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="L")
    assert error.value.code == "costs_more" and "an agent" in error.value.message
    assert shirt_line(order).size == "M" and not OutboxMessage.objects.exists()


def test_more_pieces_need_a_new_order():
    order = paid_order_of_shirt_and_scarf()
    with pytest.raises(NotEligible) as error:
        order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, quantity=3)
    assert error.value.code == "costs_more"


def test_a_sold_out_size_is_refused():
    order = paid_order_of_shirt_and_scarf()
    Variant.objects.filter(pk=_variant(order, "S").pk).update(stock=1)
    with pytest.raises(NotEligible) as error:
        order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="S")
    assert error.value.code == "out_of_stock"


def test_a_size_the_product_does_not_come_in_is_refused():
    order = paid_order_of_shirt_and_scarf()
    with pytest.raises(InvalidInput) as error:
        order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="XXL")
    assert error.value.code == "variant_not_found"


@pytest.mark.parametrize("quantity", [0, 11, -1, True, "2"])
def test_quantities_outside_the_policy_are_refused(quantity):
    order = paid_order_of_shirt_and_scarf()
    with pytest.raises(InvalidInput):
        order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, quantity=quantity)


def test_another_products_variant_is_never_used():
    order = paid_order_of_shirt_and_scarf()
    factories.VariantFactory(size="XS", colour="Navy")  # another product in XS
    with pytest.raises(InvalidInput):
        order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="XS")


def test_a_shipped_item_or_a_closed_window_is_refused():
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order))
    with pytest.raises(NotEligible):
        order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="S")
    late = paid_order_of_shirt_and_scarf(placed_at=timezone.now() - dt.timedelta(hours=20))
    with pytest.raises(NotEligible) as error:
        order_line_change(order=late, line_id=shirt_line(late).pk, actor=CUSTOMER, size="S")
    assert error.value.code == "change_window_closed"


def test_a_line_of_another_order_is_not_found():
    order = paid_order_of_shirt_and_scarf()
    other = paid_order_of_shirt_and_scarf()
    with pytest.raises(NotFound):
        order_line_change(order=order, line_id=scarf_line(other).pk, actor=CUSTOMER, quantity=1)


def test_asking_for_what_is_already_there_changes_nothing():
    order = paid_order_of_shirt_and_scarf()
    result = order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="M")
    assert not result.data["changed"] and "already" in result.message
    assert not OutboxMessage.objects.exists()


def test_a_client_key_replays_the_first_answer():
    order = paid_order_of_shirt_and_scarf()
    line = shirt_line(order)
    first = order_line_change(order=order, line_id=line.pk, actor=CUSTOMER, quantity=1, idempotency_key="abc")
    again = order_line_change(order=order, line_id=line.pk, actor=CUSTOMER, quantity=1, idempotency_key="abc")
    assert again.replayed and again.data == first.data
    assert Refund.objects.count() == 1


def test_the_preview_writes_nothing():
    order = paid_order_of_shirt_and_scarf()
    plan = line_change_preview(order=order, line_id=shirt_line(order).pk, quantity=1)
    assert plan.sentence().startswith(
        "You're about to change 2 × Linen shirt (Navy, size M) to 1 × Linen shirt"
    )
    assert "$44.00 goes back" in plan.sentence()
    assert shirt_line(order).quantity_active == 2 and not Refund.objects.exists()


# A line whose price was adjusted: the difference already paid back never goes back twice
# (docs/decisions/0035). The shirt (2 × $49.00, $10.00 coupon) costs $39.00 today: $20.00 came back.


def _adjusted_shirt():
    order = order_with_cheaper_shirt()
    price_adjustment_request(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER)
    return order


def _shirt_money(order) -> Decimal:
    amounts = RefundLine.objects.filter(order_line_id=shirt_line(order).pk).values_list("amount", flat=True)
    return sum(amounts, Decimal(0))


def test_fewer_pieces_of_an_adjusted_item_take_off_their_share_of_the_difference():
    order = _adjusted_shirt()
    result = order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, quantity=1)
    refund = Refund.objects.filter(order=order).order_by("pk").last()
    assert refund.amount == Decimal("34.00"), result.message  # $49 less $5 coupon less $10 already back
    assert refund.lines.filter(kind=RefundLineKind.PRICE_ADJUSTMENT).get().amount == Decimal("-10.00")
    order_cancel(order=order, actor=CUSTOMER, reason="Changed my mind", line_ids=[shirt_line(order).pk])
    assert _shirt_money(order) == Decimal("88.00")  # every unit gone: exactly what the shirts cost


def test_a_cheaper_variant_of_an_adjusted_item_refunds_only_what_is_left_of_the_difference():
    order = _adjusted_shirt()
    Variant.objects.filter(pk=_variant(order, "S").pk).update(price=Decimal("35.00"))
    result = order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="S")
    refund = Refund.objects.filter(order=order).order_by("pk").last()
    assert refund.amount == Decimal("8.00"), result.message  # 2 × ($49 − $35) less the $20 already back
    assert result.data["refund_amount"] == "8.00"
    assert shirt_line(order).unit_price == Decimal("35.00")
    assert PriceAdjustment.objects.get(order_line=shirt_line(order)).settled_at is not None
    # The adjustment is settled: the shirts now go back at $35.00 each, with nothing more taken off.
    order_cancel(order=order, actor=CUSTOMER, reason="Changed my mind", line_ids=[shirt_line(order).pk])
    assert Refund.objects.filter(order=order).order_by("pk").last().amount == Decimal("60.00")
    assert _shirt_money(order) == Decimal("88.00")
    assert Payment.objects.get(order=order).amount_refunded == Decimal("88.00")


def test_fewer_pieces_in_a_cheaper_variant_of_an_adjusted_item():
    order = _adjusted_shirt()
    Variant.objects.filter(pk=_variant(order, "S").pk).update(price=Decimal("30.00"))
    order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="S", quantity=1)
    refund = Refund.objects.filter(order=order).order_by("pk").last()
    # One shirt goes ($49 − $5 − $10) and the other moves to $30 ($19 less its $10 already back).
    assert refund.amount == Decimal("43.00")
    order_cancel(order=order, actor=CUSTOMER, reason="Changed my mind", line_ids=[shirt_line(order).pk])
    assert _shirt_money(order) == Decimal("88.00")


def test_a_variant_at_the_adjusted_price_moves_no_money():
    order = _adjusted_shirt()
    Variant.objects.filter(pk=_variant(order, "S").pk).update(price=Decimal("39.00"))
    before = list(Refund.objects.filter(order=order).values_list("pk", flat=True))
    order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="S")
    assert list(Refund.objects.filter(order=order).values_list("pk", flat=True)) == before
    assert Payment.objects.get(order=order).amount_refunded == Decimal("20.00")
    assert shirt_line(order).size == "S"
    order_cancel(order=order, actor=CUSTOMER, reason="Changed my mind", line_ids=[shirt_line(order).pk])
    assert _shirt_money(order) == Decimal("88.00")  # $20.00 back, then the two shirts at $39.00 less $10


@pytest.mark.parametrize("price", ["45.00", "49.00"])
def test_a_variant_costing_more_than_what_is_left_paid_needs_an_agent(price):
    """Cheaper than the $49.00 paid, or the same, but dearer than the $39.00 left paid after the
    adjustment: it would charge, so nothing changes and no money moves."""
    order = _adjusted_shirt()
    Variant.objects.filter(pk=_variant(order, "S").pk).update(price=Decimal(price))
    refunds = Refund.objects.filter(order=order).count()
    with pytest.raises(NotEligible) as error:
        order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="S")
    assert (
        error.value.code == "costs_more"
        and "$20.00 price difference already paid back" in error.value.message
    )
    assert shirt_line(order).size == "M" and Refund.objects.filter(order=order).count() == refunds
    assert PriceAdjustment.objects.get(order_line=shirt_line(order)).settled_at is None
    with pytest.raises(NotEligible):
        line_change_preview(order=order, line_id=shirt_line(order).pk, size="S")
