"""Scripted conversations on demo orders for declined payments, payment checks, refunds (line by line, and a
dispute after a yes) and price adjustments; each with a typo variant and a fragment read in context."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.orderview.builder import order_page
from shopdesk.payments.declines import decline_explain
from shopdesk.payments.models import Refund
from shopdesk.policy.money import money_text
from shopdesk.promotions.models import PriceAdjustment
from shopdesk.returns.refund_explanations import refunds_explained
from shopdesk.selfservice.registry import action_get
from shopdesk.shipping.models import Case, CaseKind
from tests.assistant.conversations.conftest import Chat, demo_orders

pytestmark = pytest.mark.django_db


def identify(chat: Chat, order: Order) -> dict[str, Any]:
    return chat.say(f"{order.number} {order.email}")


def track(chat: Chat, order: Order) -> dict[str, Any]:
    """Start on the order: where it is (the order the later fragments refer to)."""
    chat.say(f"where is my order {order.number} {order.email}")
    assert chat.last["intent"] == "track_order" and "order" in chat.types()
    return chat.last


def texts(chat: Chat) -> list[str]:
    return [reply["text"] for reply in chat.last["replies"]]


# --- payment declined ----------------------------------------------------------------------------------


def _declined(rows: list[dict[str, Any]], *, pay_link: bool) -> Order:
    for order in demo_orders(rows, "payment_declined"):
        if bool(order.payment_url) == pay_link:
            return order
    pytest.skip("no declined demo order of that kind")


def test_payment_declined_explains_the_reason_the_money_and_the_pay_again_link(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order = _declined(demo_store, pay_link=True)
    chat.say("why was my payment declined?")
    assert chat.last["intent"] == "payment_declined"
    assert chat.types()[0] == "article" and "Decline" not in chat.text  # no order data before verifying
    identify(chat, order)
    explained = decline_explain(order=order, payments=list(order.payments.order_by("id")), now=timezone.now())
    assert explained is not None
    assert f"{explained.reason}." in chat.text
    assert explained.money_message in texts(chat)
    link = next(r["data"]["pay_again_url"] for r in chat.last["replies"] if r["data"].get("pay_again_url"))
    assert link == f"/orders/{order.number}/pay-again/"
    assert any(r["data"].get("decline_code") == explained.code for r in chat.last["replies"])


def test_payment_declined_without_a_pay_link_says_how_to_pay_otherwise(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order = _declined(demo_store, pay_link=False)
    chat.say(f"my paymnet got declined {order.number} {order.email}")  # typo variant
    assert chat.last["intent"] == "payment_declined"
    assert not any(r["data"].get("pay_again_url") for r in chat.last["replies"])
    refusal = action_get("pay_again").eligibility(order=order, actor=Actor.assistant(order.email))
    assert any(r["data"].get("code") == refusal.code for r in chat.last["replies"])
    assert order.number in chat.text


def test_payment_declined_fragment_in_context_and_a_paid_order(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order = _declined(demo_store, pay_link=True)
    track(chat, order)
    chat.say("it got declined")
    assert chat.last["intent"] == "payment_declined"
    chat.say("and the money?")  # a fragment, read in the topic of the conversation
    assert chat.last["intent"] == "payment_declined"
    assert any("account" in text for text in texts(chat))

    paid = demo_orders(demo_store, "delivered")[0]
    other = Chat(chat.client.__class__())
    other.say(f"why was my payment declined {paid.number} {paid.email}")
    answer = action_get("pay_again").eligibility(order=paid, actor=Actor.assistant(paid.email))
    assert any(r["data"].get("code") == answer.code for r in other.last["replies"])


@pytest.mark.parametrize("pay_link", [True, False])
def test_the_card_of_a_declined_order_is_followed_by_what_to_do(
    chat: Chat, demo_store: list[dict[str, Any]], pay_link: bool
) -> None:
    """The card's sentence says "see below what to do": in the chat, the steps come right after it."""
    order = _declined(demo_store, pay_link=pay_link)
    track(chat, order)
    explained = decline_explain(order=order, payments=list(order.payments.order_by("id")), now=timezone.now())
    assert explained is not None
    replies = chat.last["replies"]
    card = next(i for i, r in enumerate(replies) if r["type"] == "order")
    assert "see below what to do" in replies[card]["text"]
    after = [r["text"] for r in replies[card + 1 :]]
    assert any(f"{explained.reason}." in text for text in after)
    assert explained.money_message in after
    assert any(explained.next_step in text for text in after)
    links = [r["data"].get("pay_again_url") for r in replies[card + 1 :] if r["data"].get("pay_again_url")]
    assert links == ([f"/orders/{order.number}/pay-again/"] if pay_link else [])
    if pay_link:  # the widget links the path its text names
        step = next(r for r in replies[card + 1 :] if r["data"].get("pay_again_url"))
        assert step["data"]["url"] == links[0] and links[0] in step["text"]
    else:
        assert order.number in explained.next_step  # contact us, naming the order
        assert "handoff" in chat.payloads()  # and a person is one press away

    other = Chat(chat.client.__class__())
    identify(other, order)  # the card shown when the order is found has the steps under it too
    kinds = other.types()
    assert kinds.index("order") < len(kinds) - 1
    assert explained.money_message in texts(other)


# --- payment verification ------------------------------------------------------------------------------


def test_payment_verification_gives_status_reasons_deadline_and_the_form(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order = demo_orders(demo_store, "payment_verification")[0]
    chat.say(f"why do i have to verfy my payement? {order.number} {order.email}")  # typo variant
    assert chat.last["intent"] == "payment_verification"
    check = order_page(order=order, actor=Actor.assistant(order.email)).verification
    assert check is not None
    assert check.status_label in chat.text
    for sentence in check.reason_sentences:
        assert sentence in chat.text
    assert any(r["data"].get("deadline") == check.deadline.isoformat() for r in chat.last["replies"])
    assert check.step in chat.text
    assert f"/orders/{order.number}/verification/" in chat.text
    assert "don't type card numbers" in chat.text
    chat.say("by when?")  # fragment in context
    assert chat.last["intent"] == "payment_verification"
    assert check.deadline_text in chat.text


def test_payment_verification_on_an_order_without_a_check(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order = demo_orders(demo_store, "delivered")[0]
    chat.say(f"why do I need to verify my payment {order.number} {order.email}")
    assert chat.last["intent"] == "payment_verification"
    assert "has no payment check" in chat.text


# --- refunds -------------------------------------------------------------------------------------------


def _refunded(rows: list[dict[str, Any]]) -> Order:
    for order in demo_orders(rows, "refunded_partially"):
        if Refund.objects.filter(order=order).exists():
            return order
    pytest.skip("no partly refunded demo order")


def test_partial_refund_shows_each_refund_line_by_line_with_its_explanation(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order = _refunded(demo_store)
    chat.say("why didn't I get my full refund?")
    assert chat.last["intent"] == "partial_refund"
    assert "refund" not in chat.types()
    identify(chat, order)
    expected = refunds_explained(order=order)
    tables = [r for r in chat.last["replies"] if r["type"] == "refund"]
    assert [t["text"] for t in tables] == [refund["explanation"] for refund in expected]
    assert [len(t["data"]["lines"]) for t in tables] == [len(refund["lines"]) for refund in expected]
    assert [line["label"] for line in tables[0]["data"]["lines"]] == [
        line["description"] for line in expected[0]["lines"]
    ]
    assert f"rfd:{expected[0]['id']}" in chat.payloads()
    assert not Case.objects.filter(kind=CaseKind.REFUND_DISPUTE, order=order).exists()


def test_each_refunds_dispute_button_names_its_amount(chat: Chat, demo_store: list[dict[str, Any]]) -> None:
    order = next(
        (o for o in demo_orders(demo_store, "refunded_partially") if len(refunds_explained(order=o)) > 1),
        None,
    )
    if order is None:
        pytest.skip("no demo order with two refunds")
    identify(chat, order)
    chat.say("why didn't I get my full refund?")
    expected = refunds_explained(order=order)
    amounts = [money_text(refund["amount"], refund["currency"]) for refund in expected]
    assert len(set(amounts)) == len(amounts)
    labels = {button["payload"]: button["label"] for button in chat.last["actions"]}
    assert [labels[f"rfd:{refund['id']}"] for refund in expected] == [
        f"Report the {amount} refund" for amount in amounts
    ]
    chat.say("and the other one?")  # the refunds' topic still: "one", not "package"
    assert chat.last["intent"] == "partial_refund"
    assert all(amount in chat.text for amount in amounts) and "package" not in chat.text


def test_refund_wrong_offers_a_dispute_and_opens_it_only_on_yes(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order = _refunded(demo_store)
    chat.say(f"my refnud amount is wrong {order.number} {order.email}")  # typo variant
    assert chat.last["intent"] == "refund_wrong"
    assert "refund" in chat.types()
    disputes = Case.objects.filter(kind=CaseKind.REFUND_DISPUTE, order=order)
    before = disputes.count()
    if "confirm" not in chat.types():
        chat.press(next(p for p in chat.payloads() if p.startswith("rfd:")))
    assert chat.reply("confirm")["data"]["action"] == "refund_dispute"
    assert disputes.count() == before  # nothing before the yes
    chat.say("no")
    assert disputes.count() == before
    chat.say("wrong amount")  # a fragment after the refund was shown: the dispute is offered again
    assert chat.last["intent"] == "refund_wrong"
    if "confirm" not in chat.types():
        chat.press(next(p for p in chat.payloads() if p.startswith("rfd:")))
    chat.say("yes")
    assert disputes.count() == before + 1 or "already have" in chat.text
    assert "case" in chat.text.lower()


def test_partial_refund_fragment_in_context_then_the_dispute_button(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order = _refunded(demo_store)
    track(chat, order)
    chat.say("why didnt i get my ful refund")
    assert chat.last["intent"] == "partial_refund"
    chat.say("that's not enough")  # fragment in context
    assert chat.last["intent"] == "partial_refund"
    payload = next(p for p in chat.payloads() if p.startswith("rfd:"))
    chat.press(payload)
    assert chat.reply("confirm")["data"]["refund_id"] == int(payload.split(":")[1])


def test_another_order_s_refund_can_t_be_disputed_or_shown(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    mine, theirs = _refunded(demo_store), None
    for order in demo_orders(demo_store, "cancelled"):
        if order.email != mine.email and Refund.objects.filter(order=order).exists():
            theirs = order
    if theirs is None:
        pytest.skip("no refunded demo order of another customer")
    other_refund = Refund.objects.filter(order=theirs).first()
    assert other_refund is not None
    chat.say(f"my refund is wrong {mine.number} {mine.email}")
    assert theirs.number not in chat.text
    shown = {r["data"]["refund_id"] for r in chat.last["replies"] if r["type"] == "refund"}
    assert other_refund.pk not in shown
    error = chat.press(f"rfd:{other_refund.pk}", status=422)
    assert error["error"]["code"] == "button_unknown"


def test_refund_questions_on_an_order_without_a_refund(chat: Chat, demo_store: list[dict[str, Any]]) -> None:
    order = demo_orders(demo_store, "unfulfilled")[0]
    chat.say(f"my refund is wrong {order.number} {order.email}")
    assert chat.last["intent"] == "refund_wrong"
    assert any(r["data"].get("code") == "no_refund" for r in chat.last["replies"])
    assert "confirm" not in chat.types()


# --- price adjustment ----------------------------------------------------------------------------------


def test_price_adjustment_checks_the_items_previews_and_refunds_on_yes(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order = demo_orders(demo_store, "price_adjustment_eligible")[0]
    chat.say("can you refund the price difference?")
    assert chat.last["intent"] == "price_adjustment"
    identify(chat, order)
    if "confirm" not in chat.types():
        chat.press(next(p for p in chat.payloads() if p.startswith("pa:")))
    confirm = chat.reply("confirm")
    assert confirm["data"]["action"] == "price_adjustment"
    assert not PriceAdjustment.objects.filter(order=order).exists()
    chat.say("yes")
    assert PriceAdjustment.objects.filter(order=order).count() == 1
    assert f"/orders/{order.number}/" in chat.text


def test_price_adjustment_typo_and_fragment_and_refusal(chat: Chat, demo_store: list[dict[str, Any]]) -> None:
    refused = demo_orders(demo_store, "price_adjustment_ineligible")[0]
    chat.say(f"the price droped can i get the diffrence back {refused.number} {refused.email}")
    assert chat.last["intent"] == "price_adjustment"
    assert "confirm" not in chat.types()
    codes = {r["data"].get("code") for r in chat.last["replies"]} - {None}
    assert codes and codes <= {
        a.eligibility.code
        for a in order_page(order=refused, actor=Actor.assistant(refused.email)).price_adjustments
    } | {"not_eligible"}
    chat.say("cheaper now")  # a fragment in context: the same order checked again
    assert chat.last["intent"] == "price_adjustment"
    assert "confirm" not in chat.types()
    assert not PriceAdjustment.objects.filter(order=refused).exists()
