"""A variant cheaper than the kept units' coupon share (docs/decisions/0035): the units cost nothing, never
less, so the change gives back what was paid for them and no more, and a later cancel or refund of the same
units gives back exactly what is left paid (their tax)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.catalog.models import Variant
from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.payments.breakdown import LinePart, coupon_cap, repriced_units
from shopdesk.payments.enums import RefundLineKind
from shopdesk.payments.models import Payment, Refund, RefundLine
from shopdesk.selfservice.services.cancel import order_cancel
from shopdesk.selfservice.services.change import line_change_preview, order_line_change
from shopdesk.selfservice.services.price_adjustment import price_adjustment_request
from shopdesk.selfservice.services.refund_lines import order_refund_lines
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, ship, shirt_line
from tests.selfservice.price_adjustment_fixtures import order_with_cheaper_shirt

pytestmark = pytest.mark.django_db
CUSTOMER = Actor.customer("shopper@example.com")
AGENT = Actor.agent("maria")


def _small_at(order, price: str) -> None:
    Variant.objects.filter(product=shirt_line(order).variant.product, size="S").update(price=Decimal(price))


def _shirt_money(order) -> Decimal:
    amounts = RefundLine.objects.filter(order_line_id=shirt_line(order).pk).values_list("amount", flat=True)
    return sum(amounts, Decimal(0))


def _last_refund(order) -> Refund:
    return Refund.objects.filter(order=order).order_by("pk").last()


def _one_shirt_with_tax():
    """One shirt at $49.00 with a $10.00 coupon share and $4.90 tax: $43.90 paid for it."""
    order = paid_order_of_shirt_and_scarf(
        subtotal=Decimal("79.00"), tax_total=Decimal("4.90"), total=Decimal("108.85")
    )
    shirt_line(order).__class__.objects.filter(pk=shirt_line(order).pk).update(
        quantity=1, tax_amount=Decimal("4.90")
    )
    return order


def test_the_breakdown_caps_the_coupon_share_at_the_new_price():
    part = LinePart(None, "Linen shirt", 1, Decimal("49.00"), Decimal("10.00"), Decimal("0"), units=1)
    cap = coupon_cap(part, Decimal("5.00"), "USD")
    assert (cap.share, cap.over, cap.capped, cap.capped_units) == (
        Decimal("10.00"),
        Decimal("5.00"),
        Decimal("5.00"),
        1,
    )
    charges = repriced_units(part, Decimal("5.00"), "Price difference", "USD")
    # $44 of price difference, less the $5 of coupon above the new $5 price: the $39 paid for it.
    assert [c.amount for c in charges] == [Decimal("44.00"), Decimal("-5.00")]
    assert charges[1].kind == RefundLineKind.COUPON_SHARE
    # Above the coupon share, nothing is capped.
    assert coupon_cap(part, Decimal("10.00"), "USD").over == 0


def test_one_unit_below_its_coupon_gives_back_what_it_cost_then_its_tax():
    order = _one_shirt_with_tax()
    _small_at(order, "5.00")
    preview = line_change_preview(order=order, line_id=shirt_line(order).pk, size="S")
    result = order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="S")
    refund = _last_refund(order)
    assert refund.amount == Decimal("39.00")  # $49 less its $10 coupon: never the $44 of price difference
    assert preview.refund.money == refund.amount and result.data["refund_amount"] == "39.00"
    assert [line.amount for line in preview.refund.lines] == list(
        refund.lines.order_by("pk").values_list("amount", flat=True)
    )
    line = shirt_line(order)
    assert (line.unit_price, line.coupon_capped, line.coupon_capped_units) == (
        Decimal("5.00"),
        Decimal("5.00"),
        1,
    )
    order_cancel(order=order, actor=CUSTOMER, reason="Changed my mind", line_ids=[line.pk])
    assert _last_refund(order).amount == Decimal("4.90")  # what is left paid: its tax
    assert _shirt_money(order) == Decimal("43.90")


def test_two_units_below_their_coupon_then_fewer_pieces_then_the_last():
    order = paid_order_of_shirt_and_scarf(tax_total=Decimal("9.80"), total=Decimal("133.75"))
    shirt_line(order).__class__.objects.filter(pk=shirt_line(order).pk).update(tax_amount=Decimal("9.80"))
    _small_at(order, "4.00")
    preview = line_change_preview(order=order, line_id=shirt_line(order).pk, size="S")
    order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="S")
    assert _last_refund(order).amount == Decimal("88.00") == preview.refund.money  # 2 × $49 less $10
    # One piece less: $4 less what is left of its coupon share ($5 less the $1 above its price), its tax.
    order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, quantity=1)
    assert _last_refund(order).amount == Decimal("4.90")
    order_cancel(order=order, actor=CUSTOMER, reason="Changed my mind", line_ids=[shirt_line(order).pk])
    assert _last_refund(order).amount == Decimal("4.90")
    assert _shirt_money(order) == Decimal("97.80")  # every unit gone: exactly what the shirts cost
    assert Payment.objects.get(order=order).amount_refunded == Decimal("97.80")


def test_two_units_below_their_coupon_refunded_later_by_an_agent():
    order = paid_order_of_shirt_and_scarf()
    _small_at(order, "3.00")
    order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="S")
    assert _last_refund(order).amount == Decimal("88.00")  # all the shirts cost: they cost nothing now
    ship(order, shirt_line(order))
    refunds = Refund.objects.filter(order=order).count()
    with pytest.raises(NotEligible) as refused:  # nothing is left paid on them: nothing goes back
        order_refund_lines(order=order, actor=AGENT, lines=[(shirt_line(order).pk, 2)], reason="Lost")
    assert refused.value.code == "nothing_to_refund"
    assert Refund.objects.filter(order=order).count() == refunds
    assert _shirt_money(order) == Decimal("88.00")


def test_an_adjusted_line_below_its_coupon_gives_back_only_what_is_left():
    order = order_with_cheaper_shirt()  # 2 × $49, $10 coupon: $20 came back as a price adjustment
    price_adjustment_request(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER)
    _small_at(order, "3.00")
    preview = line_change_preview(order=order, line_id=shirt_line(order).pk, size="S")
    order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="S")
    # 2 × $46 difference, less the $20 already back, less the $4 of coupon above the new $6: $68 left.
    assert _last_refund(order).amount == Decimal("68.00") == preview.refund.money
    assert _shirt_money(order) == Decimal("88.00")
    assert Payment.objects.get(order=order).amount_refunded == Decimal("88.00")


def test_fewer_pieces_of_an_adjusted_line_in_a_variant_below_its_coupon():
    order = order_with_cheaper_shirt()
    price_adjustment_request(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER)
    _small_at(order, "3.00")
    order_line_change(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER, size="S", quantity=1)
    # One shirt goes ($49 − $5 − $10); the other moves to $3: $46 − $10 already back − $2 above its price.
    assert _last_refund(order).amount == Decimal("68.00")
    line = shirt_line(order)
    assert (line.coupon_capped, line.coupon_capped_units) == (Decimal("2.00"), 1)
    order_cancel(order=order, actor=CUSTOMER, reason="Changed my mind", line_ids=[line.pk])
    assert _shirt_money(order) == Decimal("88.00")
