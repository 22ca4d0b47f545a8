"""`refund_lines`: an agent refunds chosen units of a shipped order (a lost parcel, a damaged item the
customer keeps), with a reason, through the one refund plan; each unit goes back once, whatever asks
later (this action again, a return, a price adjustment)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotEligible
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import OrderLine
from shopdesk.payments.enums import RefundDestination, RefundLineKind, RefundStatus
from shopdesk.payments.models import Payment, Refund, StoreCreditEntry
from shopdesk.payments.store_credit import store_credit_balance
from shopdesk.returns.eligibility import order_returnability
from shopdesk.returns.models import ReturnLine, ReturnRequest
from shopdesk.selfservice.registry import action_get, order_actions
from shopdesk.selfservice.services.cancel import order_cancel
from shopdesk.selfservice.services.price_adjustment import order_price_adjustments, price_adjustment_request
from shopdesk.selfservice.services.refund_lines import order_refund_lines
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Shipment
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, ship, shirt_line
from tests.selfservice.price_adjustment_fixtures import (
    order_with_cheaper_shirt,
    order_with_cheaper_shirt_paid_partly_with_store_credit,
)

pytestmark = pytest.mark.django_db
AGENT = Actor.agent("maria")
CUSTOMER = Actor.customer("shopper@example.com")
ACTION = action_get("refund_lines")


def _shipped(order, *, delivered: bool = True):  # type: ignore[no-untyped-def]
    ship(order, shirt_line(order), scarf_line(order))
    if delivered:
        Shipment.objects.filter(order=order).update(
            status=TrackingStatus.DELIVERED, delivered_at=timezone.now()
        )
    return order


def _params(*lines: tuple[OrderLine, int], reason: str = "Parcel lost by the carrier") -> dict:
    return {"lines": [{"line_id": line.pk, "quantity": n} for line, n in lines], "reason": reason}


def test_an_agent_refunds_one_unit_of_a_delivered_order_with_a_reason() -> None:
    order = _shipped(paid_order_of_shirt_and_scarf())
    shirt = shirt_line(order)
    assert ACTION.eligibility(order=order, actor=AGENT).allowed
    preview = ACTION.preview(order=order, actor=AGENT, params=_params((shirt, 1)))
    # One shirt of two: $49.00 less its half of the $10.00 coupon share.
    assert preview.data["refund_amount"] == "44.00"
    assert "$44.00 goes back to your Visa ending 4242" in preview.message
    assert Refund.objects.filter(order=order).count() == 0  # a preview writes nothing

    done = ACTION.perform(order=order, actor=AGENT, params=_params((shirt, 1)), idempotency_key="rl-1")
    assert not done.replayed and done.data["refund_amount"] == "44.00"
    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.reason) == (Decimal("44.00"), "Parcel lost by the carrier")
    assert list(refund.lines.values_list("kind", "order_line_id", "quantity", "amount")) == [
        (RefundLineKind.ITEM, shirt.pk, 1, Decimal("49.00")),
        (RefundLineKind.COUPON_SHARE, shirt.pk, 1, Decimal("-5.00")),
    ]
    assert Payment.objects.get(order=order).amount_refunded == Decimal("44.00")
    shirt.refresh_from_db()
    assert (shirt.quantity_refunded, shirt.quantity_cancelled, shirt.quantity_returned) == (1, 0, 0)
    event = order.events.get(kind=OrderEventKind.NOTE)
    assert event.actor_label == "maria" and "Reason: Parcel lost by the carrier" in event.message
    assert event.after == {"quantity_refunded": {str(shirt.pk): 1}, "reason": "Parcel lost by the carrier"}
    assert order.events.filter(kind=OrderEventKind.REFUND_CREATED).count() == 1

    again = ACTION.perform(order=order, actor=AGENT, params=_params((shirt, 1)), idempotency_key="rl-1")
    assert again.replayed and again.data == done.data
    assert Refund.objects.filter(order=order).count() == 1


def test_the_same_unit_is_never_refunded_twice() -> None:
    order = _shipped(paid_order_of_shirt_and_scarf())
    shirt, scarf = shirt_line(order), scarf_line(order)
    order_refund_lines(order=order, actor=AGENT, lines=[(shirt.pk, 2)], reason="Lost")
    with pytest.raises(NotEligible) as refused:
        order_refund_lines(order=order, actor=AGENT, lines=[(shirt.pk, 1)], reason="Lost again")
    assert refused.value.code == "line_not_refundable"
    assert refused.value.details["fields"] == {f"lines.{shirt.pk}": refused.value.message}
    assert "Linen shirt" in refused.value.message
    # Asking for more units than are left is refused too, and nothing moves.
    with pytest.raises(NotEligible) as too_many:
        order_refund_lines(order=order, actor=AGENT, lines=[(scarf.pk, 2)], reason="Lost")
    assert too_many.value.code == "line_not_refundable" and "Only 1 unit" in too_many.value.message
    assert Refund.objects.filter(order=order).count() == 1
    assert Payment.objects.get(order=order).amount_refunded == Decimal("88.00")
    # The scarf's last unit goes; then nothing of the order can be refunded this way.
    order_refund_lines(order=order, actor=AGENT, lines=[(scarf.pk, 1)], reason="Lost")
    answer = ACTION.eligibility(order=order, actor=AGENT)
    assert not answer.allowed and answer.code == "nothing_to_refund"


def test_units_not_shipped_or_in_an_open_return_are_refused() -> None:
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order))  # the scarf is still in the warehouse: it is cancelled, not refunded
    scarf = scarf_line(order)
    with pytest.raises(NotEligible) as refused:
        ACTION.preview(order=order, actor=AGENT, params=_params((scarf, 1)))
    assert refused.value.code == "line_not_refundable" and "cancel it instead" in refused.value.message

    shirt = shirt_line(order)
    request = ReturnRequest.objects.create(
        rma="RMA-RL0001", order=order, method="label", origin_warehouse="us-nj", created_at=timezone.now()
    )
    ReturnLine.objects.create(
        return_request=request, order_line=shirt, quantity=1, reason="too_small", resolution="refund"
    )
    with pytest.raises(NotEligible) as in_return:
        ACTION.preview(order=order, actor=AGENT, params=_params((shirt, 2)))
    assert in_return.value.code == "line_not_refundable" and "Only 1 unit" in in_return.value.message
    assert (
        ACTION.preview(order=order, actor=AGENT, params=_params((shirt, 1))).data["refund_amount"] == "44.00"
    )


def test_an_order_with_nothing_shipped_or_nothing_captured_has_nothing_to_refund() -> None:
    order = paid_order_of_shirt_and_scarf()
    assert ACTION.eligibility(order=order, actor=AGENT).code == "nothing_to_refund"
    shipped = _shipped(paid_order_of_shirt_and_scarf())
    Payment.objects.filter(order=shipped).update(amount_refunded=Decimal("123.95"))
    shipped.refresh_from_db()
    answer = ACTION.eligibility(order=shipped, actor=AGENT)
    assert answer.code == "nothing_to_refund"
    with pytest.raises(NotEligible):
        order_refund_lines(order=shipped, actor=AGENT, lines=[(shirt_line(shipped).pk, 1)], reason="Lost")


def test_customers_are_refused_and_never_offered_it() -> None:
    order = _shipped(paid_order_of_shirt_and_scarf())
    assert ACTION.eligibility(order=order, actor=CUSTOMER).code == "agents_only"
    for call in (ACTION.preview, ACTION.perform):
        with pytest.raises(NotEligible) as refused:
            call(order=order, actor=CUSTOMER, params=_params((shirt_line(order), 1)))
        assert refused.value.code == "agents_only"
    assert ACTION.for_agents and ACTION.moves_money  # the portal lists no for_agents action
    assert order_actions(order, CUSTOMER)["refund_lines"].code == "agents_only"
    assert Refund.objects.filter(order=order).count() == 0


@pytest.mark.parametrize(
    "params",
    [
        {"lines": [], "reason": "Lost"},
        {"lines": [{"line_id": 1, "quantity": 1}]},
        {"lines": [{"line_id": 1, "quantity": 1}], "reason": "   "},
        {"lines": [{"line_id": 1, "quantity": 0}], "reason": "Lost"},
        {"lines": [{"line_id": 1, "quantity": 1, "price": "1"}], "reason": "Lost"},
        {"lines": [{"line_id": 1, "quantity": 1}], "reason": "x" * 201},
        {"lines": [{"line_id": 1, "quantity": 1}] * 101, "reason": "Lost"},
    ],
)
def test_bad_params_are_invalid_input_and_change_nothing(params: dict) -> None:
    order = _shipped(paid_order_of_shirt_and_scarf())
    with pytest.raises(InvalidInput):
        ACTION.perform(order=order, actor=AGENT, params=params)
    assert Refund.objects.filter(order=order).count() == 0


def test_unknown_or_repeated_lines_are_invalid_input() -> None:
    order = _shipped(paid_order_of_shirt_and_scarf())
    other = paid_order_of_shirt_and_scarf()
    with pytest.raises(InvalidInput) as unknown:
        ACTION.perform(order=order, actor=AGENT, params=_params((shirt_line(other), 1)))
    assert unknown.value.code == "unknown_line"
    shirt = shirt_line(order)
    with pytest.raises(InvalidInput):
        ACTION.perform(order=order, actor=AGENT, params=_params((shirt, 1), (shirt, 1)))
    assert Refund.objects.filter(order__in=[order, other]).count() == 0


def test_a_return_after_a_refund_offers_only_the_units_left() -> None:
    order = _shipped(paid_order_of_shirt_and_scarf())
    shirt, scarf = shirt_line(order), scarf_line(order)
    order_refund_lines(order=order, actor=AGENT, lines=[(shirt.pk, 1), (scarf.pk, 1)], reason="Damaged")
    answers = {a.line.pk: a for a in order_returnability(order=order)}
    assert answers[shirt.pk].units == 1 and answers[shirt.pk].eligibility.allowed
    assert not answers[scarf.pk].eligibility.allowed and answers[scarf.pk].units == 0
    assert answers[scarf.pk].eligibility.message == "The Wool scarf has already been refunded."


def test_a_price_adjustment_after_a_refund_covers_only_the_units_kept() -> None:
    order = _shipped(order_with_cheaper_shirt())
    shirt = shirt_line(order)
    order_refund_lines(order=order, actor=AGENT, lines=[(shirt.pk, 1)], reason="Lost")
    answer = next(a for a in order_price_adjustments(order=order) if a.line.pk == shirt.pk)
    assert answer.units == 1 and answer.amount == Decimal("10.00")
    done = price_adjustment_request(order=order, line_id=shirt.pk, actor=CUSTOMER)
    assert done.data["amount"] == "10.00"
    order_refund_lines(order=order, actor=AGENT, lines=[(scarf_line(order).pk, 1)], reason="Lost")
    # The shirt's $10.00 price difference went back already: its last unit gives back $44.00 less that.
    done = order_refund_lines(order=order, actor=AGENT, lines=[(shirt.pk, 1)], reason="Lost")
    assert done.data["refund_amount"] == "34.00"
    total = sum(Refund.objects.filter(order=order).values_list("amount", flat=True))
    assert total == Decimal("44.00") + Decimal("10.00") + Decimal("30.00") + Decimal("34.00")
    assert total == Decimal("88.00") + Decimal("30.00")  # what the two lines cost, not a cent more


def test_a_price_adjusted_line_is_refunded_for_what_is_still_paid_for_it() -> None:
    """Shirt 2 × $49.00 less a $10.00 coupon share ($88.00), $20.00 adjusted back: $68.00 is still paid
    for it, $34.00 a unit, and the refund's lines say where the difference went."""
    order = _shipped(order_with_cheaper_shirt())
    shirt = shirt_line(order)
    assert price_adjustment_request(order=order, line_id=shirt.pk, actor=CUSTOMER).data["amount"] == "20.00"
    preview = ACTION.preview(order=order, actor=AGENT, params=_params((shirt, 2)))
    assert preview.data["refund_amount"] == "68.00"
    done = ACTION.perform(order=order, actor=AGENT, params=_params((shirt, 2)), idempotency_key="adj-1")
    assert done.data["refund_amount"] == "68.00"
    refund = Refund.objects.get(pk=done.data["refund_id"])
    paid_back = refund.lines.get(kind=RefundLineKind.PRICE_ADJUSTMENT)
    assert (paid_back.amount, paid_back.order_line_id) == (Decimal("-20.00"), shirt.pk)
    assert "already paid back" in paid_back.description
    shirt_money = Refund.objects.filter(order=order).values_list("lines__amount", "lines__order_line_id")
    assert sum(amount for amount, line_id in shirt_money if line_id == shirt.pk) == Decimal("88.00")
    assert OrderLine.objects.get(pk=shirt.pk).quantity_refunded == 2


def test_refunding_every_unit_gives_back_the_lines_exactly() -> None:
    """Unit by unit, the shirt's two units add up to the line's $88.00 (the breakdown counts units before)."""
    order = _shipped(paid_order_of_shirt_and_scarf())
    shirt = shirt_line(order)
    order_refund_lines(order=order, actor=AGENT, lines=[(shirt.pk, 1)], reason="Lost")
    order_refund_lines(order=order, actor=AGENT, lines=[(shirt.pk, 1)], reason="Lost")
    assert Payment.objects.get(order=order).amount_refunded == Decimal("88.00")


def test_the_store_credit_share_goes_back_as_store_credit_once() -> None:
    """$10.00 by Visa and $113.95 of store credit: refunds go to the card first, the rest is credit."""
    order = _shipped(order_with_cheaper_shirt_paid_partly_with_store_credit())
    shirt = shirt_line(order)
    preview = ACTION.preview(order=order, actor=AGENT, params=_params((shirt, 2)))
    assert "$10.00 goes back to your Visa ending 4242" in preview.message
    assert "$78.00 is added to your store credit straight away." in preview.message
    done = ACTION.perform(order=order, actor=AGENT, params=_params((shirt, 2)), idempotency_key="sc-1")
    assert done.data["refund_amount"] == "88.00"
    card, credit = Payment.objects.filter(order=order).order_by("pk")
    assert (card.amount_refunded, credit.amount_refunded) == (Decimal("10.00"), Decimal("78.00"))
    to_credit = Refund.objects.get(order=order, payment=credit)
    assert (to_credit.destination, to_credit.status) == (
        RefundDestination.STORE_CREDIT,
        RefundStatus.SUCCEEDED,
    )
    assert store_credit_balance(customer=order.customer) == Decimal("78.00")
    again = ACTION.perform(order=order, actor=AGENT, params=_params((shirt, 2)), idempotency_key="sc-1")
    assert again.replayed
    with pytest.raises(NotEligible):
        ACTION.perform(order=order, actor=AGENT, params=_params((shirt, 1)))
    assert StoreCreditEntry.objects.filter(customer=order.customer).count() == 1
    assert Refund.objects.filter(order=order).count() == 2


def test_a_cancel_after_a_refund_takes_only_the_unshipped_unit_and_the_line_adds_up() -> None:
    """One shirt of two shipped and lost: refunded; the other is cancelled; together the line's $88.00."""
    order = paid_order_of_shirt_and_scarf()
    shirt = shirt_line(order)
    ship(order, shirt, quantity=1)
    with pytest.raises(NotEligible):
        order_refund_lines(order=order, actor=AGENT, lines=[(shirt.pk, 2)], reason="Lost")
    order_refund_lines(order=order, actor=AGENT, lines=[(shirt.pk, 1)], reason="Lost")
    order_cancel(order=order, actor=CUSTOMER, line_ids=[shirt.pk])
    shirt.refresh_from_db()
    assert (shirt.quantity_refunded, shirt.quantity_cancelled) == (1, 1)
    assert Payment.objects.get(order=order).amount_refunded == Decimal("88.00")
    with pytest.raises(NotEligible):
        order_refund_lines(order=order, actor=AGENT, lines=[(shirt.pk, 1)], reason="Lost")


def test_the_store_hears_of_the_refund_not_of_a_line_change(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The refund path sends `refund.created`; the note on the history is not a webhook."""
    from shopdesk.webhooks.models import WebhookEvent
    from shopdesk.webhooks.services.endpoints import endpoint_create

    monkeypatch.setenv("SHOPDESK_WEBHOOKS_ALLOW_PRIVATE", "1")
    endpoint_create(url="http://127.0.0.1:9/hooks", events=["*"])
    order = _shipped(paid_order_of_shirt_and_scarf())
    order_refund_lines(order=order, actor=AGENT, lines=[(scarf_line(order).pk, 1)], reason="Lost")
    sent = [event.payload["type"] for event in WebhookEvent.objects.all()]
    assert sent == ["refund.created"]


def test_a_french_order_s_item_refund_writes_money_in_the_store_s_format_before_and_after() -> None:
    order = _shipped(paid_order_of_shirt_and_scarf(locale="fr_CA"))
    params = _params((shirt_line(order), 1))
    preview = ACTION.preview(order=order, actor=AGENT, params=params)
    done = ACTION.perform(order=order, actor=AGENT, params=params, idempotency_key="rl-fr")
    for message in (preview.message, done.message):
        assert "$44.00 goes back to your Visa ending 4242" in message
        assert "44,00" not in message and "US" not in message
