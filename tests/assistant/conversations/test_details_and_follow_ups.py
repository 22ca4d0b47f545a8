"""An order number and email with no question, slots answered once, follow-ups that stay in the topic just
answered, the one-package "other package", and the transcript a person gets at the hand-off."""

from __future__ import annotations

from typing import Any

import pytest

from shopdesk.assistant.conversations.models import Conversation
from shopdesk.core.actors import Actor
from shopdesk.desk.enums import TicketChannel
from shopdesk.desk.models import Ticket
from shopdesk.orders.models import Order
from shopdesk.selfservice.registry import action_get
from tests.assistant.conversations.conftest import Chat, demo_orders
from tests.situations import order_with_lines, ship

pytestmark = pytest.mark.django_db


def test_number_and_email_alone_verify_and_offer_what_can_be_done(
    chat: Chat, order_unfulfilled: Order
) -> None:
    answer = chat.say(f"{order_unfulfilled.number} {order_unfulfilled.email}")
    assert answer["intent"] == "track_order"
    assert "handoff" not in chat.types()
    assert not Ticket.objects.filter(customer_email=order_unfulfilled.email).exists()
    assert f"I found order {order_unfulfilled.number}" in chat.text
    assert chat.reply("order")["data"]["number"] == order_unfulfilled.number
    assert "intent:track_order" in chat.payloads() and "intent:cancel_order" in chat.payloads()
    conversation = Conversation.objects.get()
    assert not conversation.handed_over and conversation.unsure_count == 0

    chat.press("intent:cancel_order")
    assert chat.types()[-1] == "confirm"  # the order is known: straight to the preview
    assert "number" not in chat.text.lower() or "email" not in chat.text.lower()


def test_email_alone_first_then_the_number_then_a_question_never_asks_again(
    chat: Chat, order_in_transit: Order
) -> None:
    chat.say(order_in_transit.email)
    assert "handoff" not in chat.types()
    assert "order number" in chat.text and Conversation.objects.get().unsure_count == 0
    chat.say(order_in_transit.number)
    assert f"I found order {order_in_transit.number}" in chat.text

    for question in ("where is my order", "when will it arrive?", "was it shipped already"):
        chat.say(question)
        assert "email address" not in chat.text and "order number" not in chat.text.lower(), question
        assert not any(kind == "handoff" for kind in chat.types())


def test_a_wrong_email_is_said_and_both_are_asked_again(chat: Chat, order_in_transit: Order) -> None:
    chat.say(f"{order_in_transit.number} someone.else@example.com")
    assert "order" not in chat.types() and "handoff" not in chat.types()
    assert "magic_link" in chat.payloads()
    assert Conversation.objects.get().access_session_id is None


def test_another_number_alone_carries_on_the_topic_with_the_email_kept(chat: Chat) -> None:
    first = order_with_lines(1, placed_days_ago=3, email="two.orders@example.com")
    ship(first, shipped_days_ago=2)
    second = order_with_lines(1, placed_days_ago=2, email="two.orders@example.com")
    ship(second, shipped_days_ago=1)
    chat.say(f"where is my order {first.number} {first.email}")
    assert chat.reply("order")["data"]["number"] == first.number

    chat.say(f"what about {second.number}?")
    assert chat.last["intent"] == "track_order"
    assert chat.reply("order")["data"]["number"] == second.number
    assert "email address" not in chat.text


def test_the_email_asked_for_by_the_hand_off_opens_the_ticket(chat: Chat) -> None:
    chat.say("talk to a person")
    assert "email address" in chat.reply("handoff")["text"]
    chat.say("shopper@example.com")
    assert chat.last["intent"] == "contact_support"
    ticket = Ticket.objects.get(channel=TicketChannel.CHAT, customer_email="shopper@example.com")
    assert ticket.reference in chat.reply("handoff")["text"]


def test_the_desk_gets_what_the_assistant_said_and_the_buttons_pressed(
    chat: Chat, order_unfulfilled: Order
) -> None:
    chat.say(f"{order_unfulfilled.number} {order_unfulfilled.email}")
    chat.press("intent:cancel_order")
    chat.say("talk to a person")
    ticket = Ticket.objects.get(channel=TicketChannel.CHAT, customer_email=order_unfulfilled.email)
    body = ticket.messages.order_by("id").first().body  # type: ignore[union-attr]
    assert f"Assistant: Thank you, I found order {order_unfulfilled.number}." in body
    assert "Customer: [Cancel items]" in body
    assert "Shall I go ahead?" in body  # the preview the shopper was shown
    assert "\nAssistant: \n" not in body + "\n"


def test_was_i_charged_after_a_decline_stays_on_that_payment(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order = demo_orders(demo_store, "payment_declined")[0]
    chat.say(f"my payment was declined {order.number} {order.email}")
    assert chat.last["intent"] == "payment_declined"
    explained = chat.text
    chat.say("was I charged?")
    assert chat.last["intent"] == "payment_declined"
    assert len(chat.last["replies"]) == 1 and chat.text in explained  # only whether money left the account
    chat.say("where is my order")
    assert chat.last["intent"] == "track_order"  # a real change of topic still is one


def test_the_other_package_of_a_one_package_order_says_what_is_still_waiting(chat: Chat) -> None:
    order = order_with_lines(2, placed_days_ago=2)
    lines = list(order.lines.order_by("id"))
    ship(order, lines=lines[:1], shipped_days_ago=1)
    chat.say(f"where is my order {order.number} {order.email}")
    chat.say("and the other package?")
    assert chat.last["intent"] == "track_order"
    assert (
        f"Order {order.number} has one package so far. Not shipped yet: {lines[1].product_name}" in chat.text
    )


def test_no_the_other_one_goes_back_to_the_other_order_looked_at(chat: Chat) -> None:
    first = order_with_lines(1, placed_days_ago=3, email="two.orders@example.com")
    second = order_with_lines(1, placed_days_ago=2, email="two.orders@example.com")
    chat.say(f"where is my order {first.number} {first.email}")
    chat.say("no, the other order")
    chat.say(second.number)
    assert chat.reply("order")["data"]["number"] == second.number
    chat.say("no, the other one")
    assert chat.last["intent"] == "track_order"
    assert chat.reply("order")["data"]["number"] == first.number
    assert "email address" not in chat.text


def test_the_email_given_after_a_hand_off_mid_flow_opens_the_ticket(chat: Chat) -> None:
    chat.say("cancel my order")
    chat.say("talk to a person")
    chat.say("shopper@example.com")
    ticket = Ticket.objects.get(channel=TicketChannel.CHAT, customer_email="shopper@example.com")
    assert ticket.reference in chat.reply("handoff")["text"]


def test_too_late_to_change_offers_a_return_when_the_order_can_go_back(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order = next(
        (
            o
            for o in demo_orders(demo_store, "return_window_open")
            if action_get("return_start").eligibility(order=o, actor=Actor.assistant(o.email)).allowed
        ),
        None,
    )
    if order is None:
        pytest.skip("no delivered demo order that can go back")
    chat.say(f"can i cahnge the colour {order.number} {order.email}")
    assert chat.last["intent"] == "change_order" and "confirm" not in chat.types()
    assert "intent:return_item" in chat.payloads()
    chat.press("intent:return_item")
    assert chat.last["intent"] == "return_item" and "returns" in chat.types()


def test_number_and_email_after_a_question_are_read_without_the_model(
    chat: Chat, order_in_transit: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shopdesk.assistant.nlu import pipeline

    chat.say("where is my order?")
    read: list[Any] = []
    understand_many = pipeline.understand_many

    def counted(messages: Any, **kwargs: Any) -> Any:
        read.append(list(messages))
        return understand_many(messages, **kwargs)

    monkeypatch.setattr(pipeline, "understand_many", counted)
    chat.say(f"it's {order_in_transit.number}, and my email is {order_in_transit.email}")
    assert read == []  # nothing in it for the model to read
    assert chat.last["intent"] == "track_order"
    assert chat.reply("order")["data"]["number"] == order_in_transit.number

    # The same details again, alone: they still name the order (not a message it can't understand).
    chat.say(f"{order_in_transit.number} {order_in_transit.email}")
    assert chat.last["intent"] == "track_order"
    assert chat.reply("order")["data"]["number"] == order_in_transit.number
    assert Conversation.objects.get().unsure_count == 0

    # A request beside the details is read by the model.
    chat.say(f"cancel {order_in_transit.number} {order_in_transit.email}")
    assert read and chat.last["intent"] == "cancel_order"
