"""Scripted conversations for changing an item (demo orders), personal-data and wholesale requests (desk
tickets after a yes) and the orders of a signed-in email; each with a typo variant and a fragment in context."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shopdesk.core.actors import Actor
from shopdesk.desk.enums import TicketChannel, TicketTopic
from shopdesk.desk.models import Ticket
from shopdesk.orders.models import Order, OrderLine
from shopdesk.policy import get_policy
from shopdesk.selfservice.actions.change import ChangeItemsAction
from shopdesk.selfservice.registry import action_get
from tests.assistant.conversations.conftest import Chat, demo_orders
from tests.loyalty.conftest import magic_path
from tests.situations import order_with_lines

pytestmark = pytest.mark.django_db


def identify(chat: Chat, order: Order) -> dict[str, Any]:
    return chat.say(f"{order.number} {order.email}")


def track(chat: Chat, order: Order) -> dict[str, Any]:
    """Start on the order: where it is (the order the later fragments refer to)."""
    chat.say(f"where is my order {order.number} {order.email}")
    assert chat.last["intent"] == "track_order" and "order" in chat.types()
    return chat.last


# --- change an item ------------------------------------------------------------------------------------


def _change_action() -> ChangeItemsAction:
    action = action_get("change_items")
    assert isinstance(action, ChangeItemsAction)
    return action


def _line_with_a_bigger_size(rows: list[dict[str, Any]]) -> tuple[Order, OrderLine, str]:
    action = _change_action()
    for order in demo_orders(rows, "recent_changeable"):
        for line in order.lines.order_by("id"):
            actor = Actor.assistant(order.email)
            if not action.line_eligibility(order=order, line=line, actor=actor).allowed:
                continue
            sizes = action.line_options(line=line).sizes
            if line.size in sizes and sizes.index(line.size) + 1 < len(sizes):
                return order, line, sizes[sizes.index(line.size) + 1]
    pytest.skip("no changeable demo item with a bigger size")


def test_change_order_picks_the_item_previews_a_bigger_size_and_changes_it_only_on_yes(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order, line, bigger = _line_with_a_bigger_size(demo_store)
    chat.say("can I make changes to my order?")
    assert chat.last["intent"] == "change_order"
    assert chat.types()[0] == "article"
    identify(chat, order)
    if f"chg:{line.pk}" in chat.payloads():
        chat.press(f"chg:{line.pk}")
    assert f"chg:{line.pk}:size:{bigger}" in chat.payloads()
    chat.say("a size bigger")  # a fragment, read as the answer to "what should it become?"
    assert chat.last["intent"] == "change_order"
    confirm = chat.reply("confirm")
    assert confirm["data"]["action"] == "change_items" and confirm["data"]["line_id"] == line.pk
    line.refresh_from_db()
    size_before = line.size
    assert size_before != bigger  # nothing changed before the yes
    chat.say("yes")
    line.refresh_from_db()
    assert line.size == bigger
    assert f"/orders/{order.number}/" in chat.text


def test_change_order_typo_variant_quantity_button_and_no_changes_nothing(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order, line, _bigger = _line_with_a_bigger_size(demo_store)
    chat.say(f"i want to chnage the size {order.number} {order.email}")  # typo variant
    assert chat.last["intent"] == "change_order"
    if f"chg:{line.pk}" in chat.payloads():
        chat.press(f"chg:{line.pk}")
    size_payload = next(p for p in chat.payloads() if p.startswith(f"chg:{line.pk}:size:"))
    chat.press(size_payload)
    assert chat.reply("confirm")["data"]["action"] == "change_items"
    chat.say("no")
    assert "haven't changed anything" in chat.text
    assert OrderLine.objects.get(pk=line.pk).size == line.size
    chat.say("yes")  # a yes after the no: nothing waits for it
    assert "nothing was changed" in chat.text
    assert OrderLine.objects.get(pk=line.pk).size == line.size


def test_change_order_says_why_not_with_the_action_s_code(
    chat: Chat, demo_store: list[dict[str, Any]]
) -> None:
    order = demo_orders(demo_store, "delivered")[0]
    chat.say(f"can i cahnge the colour {order.number} {order.email}")
    assert chat.last["intent"] == "change_order"
    refusal = _change_action().eligibility(order=order, actor=Actor.assistant(order.email))
    assert not refusal.allowed
    assert any(r["data"].get("code") == refusal.code for r in chat.last["replies"])
    assert refusal.message in chat.text
    assert "confirm" not in chat.types()


def test_change_order_address_goes_to_the_address_flow(chat: Chat, demo_store: list[dict[str, Any]]) -> None:
    order, _line, _bigger = _line_with_a_bigger_size(demo_store)
    track(chat, order)
    chat.say("change it")  # a fragment: "it" is the order just verified
    assert chat.last["intent"] == "change_order"
    chat.say("I need to change the delivery address of my order")
    assert chat.last["intent"] == "shipping_address"
    assert "street" in chat.text


# --- personal data ---------------------------------------------------------------------------------------


def test_privacy_policy_answers_then_records_an_erasure_request_after_verifying_and_yes(
    chat: Chat, unfulfilled_order: Order
) -> None:
    order = unfulfilled_order
    chat.say("what is your privacy policy?")
    assert chat.last["intent"] == "privacy_policy"
    assert chat.types()[0] == "article"
    assert {"privacy:export", "privacy:erase"} <= set(chat.payloads())
    chat.press("privacy:erase")
    assert "email address you ordered with" in chat.text and "confirm" not in chat.types()
    identify(chat, order)
    confirm = chat.reply("confirm")
    assert confirm["data"]["action"] == "privacy_request" and "erasure" in confirm["text"]
    assert not Ticket.objects.filter(customer_email=order.email).exists()
    chat.say("yes")
    ticket = Ticket.objects.get(customer_email=order.email)
    assert ticket.topic == TicketTopic.PRIVACY and ticket.channel == TicketChannel.CHAT
    assert ticket.customer_email == order.email and ticket.order_id == order.pk
    assert ticket.reference in chat.text
    chat.say("yes")  # a second yes: nothing waits for it
    assert Ticket.objects.filter(customer_email=order.email).count() == 1


def test_privacy_typo_variant_and_no_sends_nothing(chat: Chat, unfulfilled_order: Order) -> None:
    order = unfulfilled_order
    chat.say(f"delet my acount data {order.number} {order.email}")  # typo variant
    assert chat.last["intent"] == "privacy_policy"
    assert chat.reply("confirm")["data"]["action"] == "privacy_request"
    chat.say("no")
    assert not Ticket.objects.filter(customer_email=order.email).exists()


def test_privacy_fragment_in_context_asks_for_a_copy(chat: Chat, unfulfilled_order: Order) -> None:
    order = unfulfilled_order
    track(chat, order)
    chat.say("privacy policy")
    assert chat.last["intent"] == "privacy_policy" and "confirm" not in chat.types()
    chat.say("can I get a copy of my data")  # in the topic: the verified customer's request
    assert chat.last["intent"] == "privacy_policy"
    confirm = chat.reply("confirm")
    assert "copy" in confirm["text"] and order.email in confirm["text"]
    assert not Ticket.objects.filter(customer_email=order.email).exists()


def test_privacy_erasure_as_a_fragment_after_the_article(chat: Chat, unfulfilled_order: Order) -> None:
    chat.say("privacy policy")
    chat.say("delete it all")  # alone it says little: read in the privacy topic
    assert chat.last["intent"] == "privacy_policy"
    assert "email address you ordered with" in chat.text
    identify(chat, unfulfilled_order)
    assert "erasure" in chat.reply("confirm")["text"]
    assert not Ticket.objects.filter(customer_email=unfulfilled_order.email).exists()


# --- wholesale -------------------------------------------------------------------------------------------


def test_wholesale_records_an_inquiry_with_company_quantity_and_email_after_yes(chat: Chat) -> None:
    chat.say("do you offer wholesale discounts?")
    assert chat.last["intent"] == "wholesale"
    assert chat.types()[0] == "article"
    assert "name of your company" in chat.text and "email" in chat.text
    chat.say("Fernhill Outfitters, about 300 pieces")
    assert "email" in chat.text and "confirm" not in chat.types()
    chat.say("buyer@fernhill.example")
    confirm = chat.reply("confirm")
    assert confirm["data"]["action"] == "wholesale_inquiry"
    assert "Fernhill Outfitters" in confirm["text"] and "300" in confirm["text"]
    assert not Ticket.objects.filter(customer_email="buyer@fernhill.example").exists()
    chat.say("yes")
    ticket = Ticket.objects.get(customer_email="buyer@fernhill.example")
    assert ticket.topic == TicketTopic.WHOLESALE
    body = ticket.messages.get().body
    assert "Fernhill Outfitters" in body and "300" in body
    assert ticket.order_id is None


def test_wholesale_typo_and_fragments_in_context_and_no(chat: Chat) -> None:
    chat.say("wholsale prices for bulk")  # typo variant
    assert chat.last["intent"] == "wholesale"
    chat.say("we'd need 1200")  # a fragment: the quantity
    assert chat.last["intent"] == "wholesale" and "name of your company" in chat.text
    chat.say("Rowan & Finch, hello@rowanfinch.example")
    confirm = chat.reply("confirm")
    assert "Rowan & Finch" in confirm["text"] and "1200" in confirm["text"]
    minimum = get_policy().wholesale.min_units
    assert (f"start at {minimum}" in confirm["text"]) == (minimum > 1200)
    chat.say("no")
    assert not Ticket.objects.filter(customer_email="hello@rowanfinch.example").exists()


# --- several orders of one email ---------------------------------------------------------------------------


@pytest.fixture
def two_orders_of_one_email_and_a_stranger_s(db: None) -> tuple[Order, Order, Order]:
    first = order_with_lines(2, placed_days_ago=3)
    second = order_with_lines(1, placed_days_ago=1, customer=first.customer, email=first.email)
    stranger = order_with_lines(1, placed_days_ago=1)
    return first, second, stranger


def _signed_in_chat(email: str) -> Chat:
    client = Client()
    assert client.post(magic_path(email)).status_code == 302
    chat = Chat(client)
    chat.headers = {"Sec-Fetch-Site": "same-origin"}
    return chat


def test_signed_in_shopper_picks_one_of_their_orders_and_follow_ups_apply_to_it(
    intent_model: object, two_orders_of_one_email_and_a_stranger_s: tuple[Order, Order, Order]
) -> None:
    first, second, stranger = two_orders_of_one_email_and_a_stranger_s
    chat = _signed_in_chat(first.email)
    chat.say("where is my order?")
    choices = chat.reply("choices")
    listed = [choice["order"] for choice in choices["data"]["choices"]]
    assert sorted(listed) == sorted([first.number, second.number])
    assert stranger.number not in str(chat.last)
    chat.press(f"order:{second.number}")
    assert chat.reply("order")["data"]["number"] == second.number
    chat.say("when will it ship?")  # a follow-up: the order picked
    assert chat.last["intent"] == "shipping_time"
    assert chat.reply("order")["data"]["number"] == second.number
    chat.say("not that order, the other one")
    assert chat.reply("order")["data"]["number"] == first.number

    chat.say(f"where is {stranger.number}")  # another customer's order: never shown
    assert stranger.number not in {r["data"].get("number") for r in chat.last["replies"]}
    assert "order" not in chat.types()


def test_a_sign_in_is_not_lent_to_a_request_from_another_site(
    intent_model: object, two_orders_of_one_email_and_a_stranger_s: tuple[Order, Order, Order]
) -> None:
    first, _second, _stranger = two_orders_of_one_email_and_a_stranger_s
    chat = _signed_in_chat(first.email)
    chat.headers = {"Sec-Fetch-Site": "cross-site", "Origin": "https://elsewhere.example"}
    chat.say("where is my order?")
    assert "choices" not in chat.types() and "order" not in chat.types()
    assert "order number" in chat.text
