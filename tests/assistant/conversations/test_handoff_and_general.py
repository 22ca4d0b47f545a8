"""Handoff (asked, not understood twice, angry, needs approval), the general answers, greeting/goodbye."""

from __future__ import annotations

import pytest

from shopdesk.assistant.conversations.articles import INTENT_ARTICLES, general_answer
from shopdesk.assistant.conversations.models import Conversation, HandoffReason
from shopdesk.assistant.nlu.examples import OUT_OF_SCOPE
from shopdesk.core.eligibility import Eligibility
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy
from tests.assistant.conversations.conftest import Chat

pytestmark = pytest.mark.django_db

CONVERSATION_INTENTS = {"greeting", "goodbye", OUT_OF_SCOPE}


def _contract_intents() -> set[str]:
    from shopdesk.assistant.nlu import get_model

    return set(get_model().classes)


def test_every_intent_of_the_contract_has_an_article(intent_model) -> None:  # type: ignore[no-untyped-def]
    assert set(intent_model.classes) - CONVERSATION_INTENTS == set(INTENT_ARTICLES)


@pytest.mark.parametrize("intent", sorted(INTENT_ARTICLES))
def test_general_answer_is_the_article_rendered_with_its_link(intent: str) -> None:
    reply = general_answer(intent)
    assert reply is not None and reply.type == "article"
    assert reply.data["url"] == f"/help/articles/{INTENT_ARTICLES[intent]}/"
    assert reply.text.strip() and "{{" not in reply.text and "{%" not in reply.text


def test_general_answer_for_a_named_country_is_that_country_s_part() -> None:
    policy = get_policy()
    japan_zone = policy.zone_for_country("JP")
    assert japan_zone is not None
    reply = general_answer("shipping_destinations", country="JP")
    assert reply is not None and reply.data["country"] == "JP"
    assert reply.text.startswith(japan_zone.name)
    everywhere = general_answer("shipping_destinations")
    assert everywhere is not None and everywhere.text != reply.text


@pytest.mark.parametrize(
    "wording", ["what payment methods can I use in Germany", "can i pay with klarna in germany"]
)
def test_country_question_in_chat(chat: Chat, wording: str) -> None:
    chat.say(wording)
    assert chat.last["intent"] == "payment_methods"
    article = chat.reply("article")
    assert article["data"]["country"] == "DE"
    # Every method the policy offers there, by name, and none it doesn't.
    policy = get_policy()
    lines = article["text"].splitlines()
    assert lines[0] == "With a billing address in Germany, you can pay with:"
    assert [line.removeprefix("• ").split(":")[0] for line in lines[1:]] == [
        m.name for m in policy.payment_methods_for("DE")
    ]
    assert all(m.name not in article["text"] for m in policy.payments.methods if not m.available_in("DE"))


def test_payment_methods_without_a_country_use_the_verified_orders_billing_country(
    chat: Chat, order_unfulfilled: Order
) -> None:
    country = order_unfulfilled.billing_address.country
    chat.say("what payment methods can I use?")
    assert chat.reply("article")["data"]["country"] is None  # no order data before verification
    chat.say(f"{order_unfulfilled.number} {order_unfulfilled.email}")
    chat.say("what payment methods can I use?")
    article = chat.reply("article")
    assert article["data"]["country"] == country
    assert [line.removeprefix("• ").split(":")[0] for line in article["text"].splitlines()[1:]] == [
        m.name for m in get_policy().payment_methods_for(country)
    ]
    chat.say("and in Japan?")  # a country named still wins
    assert chat.reply("article")["data"]["country"] == "JP"


def test_general_question_answers_with_the_article(chat: Chat) -> None:
    chat.say("what is your return policy?")
    assert chat.last["intent"] == "return_policy"
    assert chat.reply("article")["data"]["url"] == "/help/articles/return-policy/"
    assert f"{get_policy().returns.window_days} days" in chat.text
    assert "handoff" in chat.payloads()


@pytest.mark.parametrize(("text", "intent"), [("hello", "greeting"), ("thanks, bye", "goodbye")])
def test_greeting_and_goodbye_say_what_we_help_with_and_offer_a_person(
    chat: Chat, text: str, intent: str
) -> None:
    chat.say(text)
    assert chat.last["intent"] == intent
    assert "I can help with" in chat.text
    assert chat.payloads() == ["handoff"]


def _handoff_checks(chat: Chat, reason: str) -> Conversation:
    handoff = chat.reply("handoff")
    policy = get_policy()
    assert handoff["data"]["response_hours"] == policy.store.first_response_hours
    assert policy.store.support_hours in handoff["text"]
    conversation = Conversation.objects.get(pk=chat.id)
    assert conversation.handed_over and conversation.handoff_reason == reason
    return conversation


def test_handoff_on_request_records_intent_order_and_what_was_tried(
    chat: Chat, order_with_split_shipment: Order
) -> None:
    order = order_with_split_shipment
    chat.say(f"where is my order {order.number} {order.email}")
    chat.say("I want to talk to a person")
    conversation = _handoff_checks(chat, HandoffReason.REQUESTED)
    assert conversation.handoff["intent"] == "track_order"
    assert conversation.handoff["order_number"] == order.number
    assert any(note.startswith("track_order") for note in conversation.handoff["tried"])


def test_handoff_button(chat: Chat) -> None:
    chat.say("hi")
    chat.press("handoff")
    _handoff_checks(chat, HandoffReason.REQUESTED)


def test_handoff_after_two_turns_not_understood(chat: Chat) -> None:
    chat.say("blorp zindle quax")
    assert chat.last["intent"] == OUT_OF_SCOPE
    assert "handoff" not in chat.types()
    chat.say("frobnicate the wibble")
    _handoff_checks(chat, HandoffReason.NOT_UNDERSTOOD)


@pytest.mark.parametrize(
    "text", ["WHERE IS MY ORDER I HAVE WAITED FOR WEEKS", "you are useless", "let me speak to your manager"]
)
def test_handoff_when_angry(chat: Chat, text: str) -> None:
    chat.say(text)
    _handoff_checks(chat, HandoffReason.ANGRY)


def test_an_email_and_a_number_in_capitals_are_not_shouting(chat: Chat, order_in_transit: Order) -> None:
    chat.say(f"{order_in_transit.number} {order_in_transit.email.upper()}")
    assert chat.last["intent"] == "track_order" and "handoff" not in chat.types()
    assert chat.reply("order")["data"]["number"] == order_in_transit.number
    chat.say(f"WHERE IS MY ORDER {order_in_transit.number}, I HAVE WAITED FOR WEEKS")  # still shouting
    _handoff_checks(chat, HandoffReason.ANGRY)


def test_handoff_when_an_agent_must_approve(
    chat: Chat, order_unfulfilled: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shopdesk.selfservice.registry import action_get

    cancel = action_get("cancel")
    monkeypatch.setattr(
        type(cancel),
        "eligibility",
        lambda self, **kwargs: Eligibility.approval("approval_needed", "An agent approves this one."),
    )
    chat.say(f"cancel my order {order_unfulfilled.number} {order_unfulfilled.email}")
    assert "confirm" not in chat.types()
    _handoff_checks(chat, HandoffReason.NEEDS_APPROVAL)
    assert order_unfulfilled.lines.filter(quantity_cancelled__gt=0).count() == 0


def test_a_handoff_with_a_known_email_opens_a_desk_ticket_with_the_transcript(
    chat: Chat, order_with_split_shipment: Order, mailoutbox: list[object]
) -> None:
    from shopdesk.desk.enums import TicketChannel, TicketTopic
    from shopdesk.desk.models import Ticket
    from shopdesk.notifications.models import OutboxMessage

    order = order_with_split_shipment
    chat.say(f"where is my order {order.number} {order.email}")
    chat.say("I want to talk to a person")
    chat.say("talk to a person please")  # asking again opens no second ticket
    ticket = Ticket.objects.get()
    assert ticket.channel == TicketChannel.CHAT and ticket.topic == TicketTopic.ORDER_STATUS
    assert ticket.order == order and ticket.customer_email == order.email
    first = ticket.messages.order_by("id").first()
    assert first is not None and f"Customer: where is my order {order.number}" in first.body
    assert ticket.reference in chat.reply("handoff")["text"]
    assert Conversation.objects.get(pk=chat.id).handoff["ticket"] == ticket.reference
    assert OutboxMessage.objects.filter(to=order.email, template="desk_acknowledgement").count() == 1


def test_a_handoff_without_an_email_asks_for_one_and_opens_no_ticket(chat: Chat) -> None:
    from shopdesk.desk.models import Ticket

    chat.say("hi")
    chat.press("handoff")
    assert "email address" in chat.reply("handoff")["text"]
    assert not Ticket.objects.exists()
