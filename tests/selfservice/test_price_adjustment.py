"""Price adjustments: the store's rule for each line, and the refund of the difference through the one
breakdown, once per line, replayed for the same Idempotency-Key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotEligible, NotFound
from shopdesk.orders.models import OrderLine
from shopdesk.payments.enums import RefundDestination, RefundLineKind, RefundStatus
from shopdesk.payments.models import Payment, Refund, RefundLine, StoreCreditEntry
from shopdesk.payments.store_credit import store_credit_balance
from shopdesk.promotions.models import PriceAdjustment
from shopdesk.selfservice.registry import action_get
from shopdesk.selfservice.services.cancel import order_cancel
from shopdesk.selfservice.services.price_adjustment import (
    order_price_adjustments,
    price_adjustment_eligibility,
    price_adjustment_request,
)
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, shirt_line
from tests.selfservice.price_adjustment_fixtures import (
    order_with_cheaper_shirt,
    order_with_cheaper_shirt_and_scarf,
    order_with_cheaper_shirt_paid_partly_with_store_credit,
    price_adjustments_paid_as,
    price_set,
)

pytestmark = pytest.mark.django_db
CUSTOMER = Actor.customer("shopper@example.com")


def _answer(order, line):
    return next(a for a in order_price_adjustments(order=order) if a.line.pk == line.pk)


def test_a_cheaper_shirt_can_have_its_difference_back():
    order = order_with_cheaper_shirt()
    answer = _answer(order, shirt_line(order))
    assert answer.eligibility.allowed and answer.eligibility.code == "eligible"
    assert answer.amount == Decimal("20.00") and answer.units == 2
    assert (
        "$39.00 today, $10.00 less than the $49.00 you paid: we can refund $20.00"
        in answer.eligibility.message
    )
    assert price_adjustment_eligibility(order=order).code == "eligible"


def test_an_item_at_its_price_is_no_price_drop():
    order = paid_order_of_shirt_and_scarf()
    answer = _answer(order, scarf_line(order))
    assert answer.eligibility.code == "no_price_drop"
    assert "$30.00 today, not less than the $30.00 you paid" in answer.eligibility.message
    assert price_adjustment_eligibility(order=order).code == "no_price_drop"


@pytest.mark.parametrize(
    ("kind", "price", "code", "figure"),
    [
        ("flash_sale", "30.00", "excluded_price_kind", "flash sale price"),
        ("clearance", "30.00", "excluded_price_kind", "clearance price"),
        ("sale", "48.50", "difference_too_small", "we adjust differences of $1.00 or more"),
    ],
)
def test_the_policy_refuses_excluded_prices_and_small_differences(kind, price, code, figure):
    order = paid_order_of_shirt_and_scarf()
    price_set(shirt_line(order), price, kind=kind)
    answer = _answer(order, shirt_line(order))
    assert (answer.eligibility.allowed, answer.eligibility.code) == (False, code)
    assert figure in answer.eligibility.message
    # The order-level answer names the item whose price did drop.
    assert price_adjustment_eligibility(order=order).code == code


def test_a_final_sale_item_gets_no_adjustment():
    order = order_with_cheaper_shirt()
    OrderLine.objects.filter(pk=shirt_line(order).pk).update(return_flags=["final_sale"])
    answer = _answer(order, shirt_line(order))
    assert answer.eligibility.code == "excluded_item"
    assert "final sale items don't get price adjustments" in answer.eligibility.message


def test_the_window_closes_fourteen_days_after_the_order():
    order = order_with_cheaper_shirt()
    with time_machine.travel(order.placed_at + dt.timedelta(days=14, minutes=1)):
        answer = _answer(order, shirt_line(order))
    assert answer.eligibility.code == "window_closed"
    assert "within 14 days of your order" in answer.eligibility.message


def test_a_declined_order_has_nothing_to_pay_back():
    order = order_with_cheaper_shirt()
    Payment.objects.filter(order=order).update(state="declined", amount_captured=0, amount_authorised=0)
    assert _answer(order, shirt_line(order)).eligibility.code == "not_paid"


def test_the_request_refunds_the_difference_to_the_card_once():
    order = order_with_cheaper_shirt()
    line = shirt_line(order)
    done = price_adjustment_request(order=order, line_id=line.pk, actor=CUSTOMER)
    assert done.data["amount"] == "20.00" and done.data["refund_amount"] == "20.00"
    assert "you get $20.00 back. $20.00 goes back to your Visa ending 4242" in done.message
    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal("20.00")
    assert list(refund.lines.values_list("kind", "amount", "order_line_id")) == [
        (RefundLineKind.PRICE_ADJUSTMENT, Decimal("20.00"), line.pk)
    ]
    assert Payment.objects.get(order=order).amount_refunded == Decimal("20.00")
    adjustment = PriceAdjustment.objects.get(order_line=line)
    assert (adjustment.unit_price_paid, adjustment.unit_price_now, adjustment.quantity) == (
        Decimal("49.00"),
        Decimal("39.00"),
        2,
    )
    assert order.events.filter(kind="price_adjusted", after__amount="20.00").count() == 1
    # Once per line: asking again is refused with the rule's own code, and nothing moves.
    with pytest.raises(NotEligible) as refused:
        price_adjustment_request(order=order, line_id=line.pk, actor=CUSTOMER)
    assert refused.value.code == "already_adjusted"
    assert Refund.objects.filter(order=order).count() == 1


def test_the_same_key_replays_the_first_answer_and_another_body_conflicts():
    order = order_with_cheaper_shirt_and_scarf()
    line = shirt_line(order)
    first = price_adjustment_request(order=order, line_id=line.pk, actor=CUSTOMER, idempotency_key="k-1")
    again = price_adjustment_request(order=order, line_id=line.pk, actor=CUSTOMER, idempotency_key="k-1")
    assert again.replayed and again.data == first.data
    assert Refund.objects.filter(order=order).count() == 1
    # Keys are scoped per line: the scarf's request with the same key is its own request.
    other = price_adjustment_request(
        order=order, line_id=scarf_line(order).pk, actor=CUSTOMER, idempotency_key="k-1"
    )
    assert not other.replayed and other.data["amount"] == "5.00"


def test_max_per_order_stops_further_adjustments(monkeypatch):
    from shopdesk.policy import get_policy
    from shopdesk.selfservice.services import price_adjustment

    order = order_with_cheaper_shirt_and_scarf()
    policy = get_policy()
    one = policy.model_copy(
        update={"price_adjustment": policy.price_adjustment.model_copy(update={"max_per_order": 1})}
    )
    monkeypatch.setattr(price_adjustment, "get_policy", lambda: one)
    price_adjustment_request(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER)
    answer = _answer(order, scarf_line(order))
    assert answer.eligibility.code == "max_per_order"
    assert "already had 1 price adjustment" in answer.eligibility.message


def test_points_paid_share_comes_back_as_points_not_money():
    """Paid $23.95 with points on a $123.95 order: the points share of the $20.00 goes back as points."""
    order = order_with_cheaper_shirt(points_used=2395, points_value=Decimal("23.95"))
    Payment.objects.filter(order=order).update(
        amount=Decimal("100.00"), amount_authorised=Decimal("100.00"), amount_captured=Decimal("100.00")
    )
    done = price_adjustment_request(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER)
    money = Decimal(done.data["refund_amount"])
    assert Decimal(0) < money < Decimal("20.00")
    assert done.data["points"] > 0
    assert RefundLine.objects.filter(refund__order=order, kind=RefundLineKind.POINTS).exists()


def test_the_registry_action_previews_then_performs():
    order = order_with_cheaper_shirt()
    action = action_get("price_adjustment")
    line_id = shirt_line(order).pk
    preview = action.preview(order=order, actor=CUSTOMER, params={"line_id": line_id})
    assert preview.data["amount"] == "20.00"
    assert Refund.objects.filter(order=order).count() == 0  # a preview changes nothing
    done = action.perform(order=order, actor=CUSTOMER, params={"line_id": line_id}, idempotency_key="web-1")
    assert done.message == preview.message
    with pytest.raises(InvalidInput):
        action.preview(order=order, actor=CUSTOMER, params={"line_id": "abc"})
    with pytest.raises(NotFound):
        action.perform(order=order, actor=CUSTOMER, params={"line_id": 999999})


def test_the_store_credit_share_goes_back_as_store_credit_once():
    """$10.00 to the Visa, $10.00 to the store credit it was partly paid with: a ledger entry, settled."""
    order = order_with_cheaper_shirt_paid_partly_with_store_credit()
    line = shirt_line(order)
    preview = action_get("price_adjustment").preview(order=order, actor=CUSTOMER, params={"line_id": line.pk})
    assert "$10.00 goes back to your Visa ending 4242" in preview.message
    assert "$10.00 is added to your store credit straight away." in preview.message
    done = price_adjustment_request(order=order, line_id=line.pk, actor=CUSTOMER, idempotency_key="pa-1")
    assert done.data["refund_amount"] == "20.00" and done.message == preview.message
    card, credit = Payment.objects.filter(order=order).order_by("pk")
    assert (card.amount_refunded, credit.amount_refunded) == (Decimal("10.00"), Decimal("10.00"))
    to_card = Refund.objects.get(order=order, payment=card)
    assert (to_card.destination, to_card.status) == (RefundDestination.ORIGINAL_PAYMENT, RefundStatus.PENDING)
    to_credit = Refund.objects.get(order=order, payment=credit)
    assert (to_credit.destination, to_credit.status) == (
        RefundDestination.STORE_CREDIT,
        RefundStatus.SUCCEEDED,
    )
    entry = StoreCreditEntry.objects.get(customer=order.customer)
    assert (entry.refund_id, entry.amount, entry.kind) == (to_credit.pk, Decimal("10.00"), "issued")
    assert store_credit_balance(customer=order.customer) == Decimal("10.00")
    # A retry replays, a new request is refused: the credit is never issued twice.
    again = price_adjustment_request(order=order, line_id=line.pk, actor=CUSTOMER, idempotency_key="pa-1")
    assert again.replayed
    with pytest.raises(NotEligible):
        price_adjustment_request(order=order, line_id=line.pk, actor=CUSTOMER)
    assert StoreCreditEntry.objects.filter(customer=order.customer).count() == 1
    assert Refund.objects.filter(order=order).count() == 2


def test_a_policy_paying_store_credit_credits_the_whole_difference():
    order = order_with_cheaper_shirt()
    line = shirt_line(order)
    with price_adjustments_paid_as("store_credit"):
        answer = _answer(order, line)
        assert answer.eligibility.allowed
        assert "we can add $20.00 ($10.00 each) to your store credit" in answer.eligibility.message
        done = price_adjustment_request(order=order, line_id=line.pk, actor=CUSTOMER)
    assert "$20.00 is added to your store credit straight away." in done.message
    refund = Refund.objects.get(order=order)
    assert (refund.destination, refund.status, refund.amount) == (
        RefundDestination.STORE_CREDIT,
        RefundStatus.SUCCEEDED,
        Decimal("20.00"),
    )
    assert store_credit_balance(customer=order.customer) == Decimal("20.00")
    # The card gave that money back as credit: it can't be refunded to the card a second time.
    assert Payment.objects.get(order=order).amount_refunded == Decimal("20.00")
    assert PriceAdjustment.objects.get(order_line=line).paid_as == "store_credit"


def test_the_difference_never_pays_back_more_than_the_units_cost_after_their_coupon():
    """The shirt's 2 × $49.00 cost $88.00 after its $10.00 coupon share; at $2.00 today the difference is
    $94.00, but $88.00 is all that can come back for those units."""
    order = paid_order_of_shirt_and_scarf()
    price_set(shirt_line(order), "2.00")
    answer = _answer(order, shirt_line(order))
    assert answer.eligibility.allowed and answer.amount == Decimal("88.00")
    assert "we can refund $88.00 to your original payment method" in answer.eligibility.message
    assert "each" not in answer.eligibility.message
    done = price_adjustment_request(order=order, line_id=shirt_line(order).pk, actor=CUSTOMER)
    assert done.data["amount"] == "88.00" and done.data["refund_amount"] == "88.00"


def test_cancelling_an_adjusted_item_gives_back_what_is_still_paid_for_it():
    """The shirt's $20.00 difference went back; cancelling both shirts gives back $88.00 less that."""
    order = order_with_cheaper_shirt()
    shirt = shirt_line(order)
    price_adjustment_request(order=order, line_id=shirt.pk, actor=CUSTOMER)
    done = order_cancel(order=order, actor=CUSTOMER, reason="Changed my mind", line_ids=[shirt.pk])
    refund = Refund.objects.filter(order=order).order_by("pk").last()
    assert refund.amount == Decimal("68.00"), done.message
    shirt_money = RefundLine.objects.filter(order_line_id=shirt.pk).values_list("amount", flat=True)
    assert sum(shirt_money, Decimal(0)) == Decimal("88.00")
