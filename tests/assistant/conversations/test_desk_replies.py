"""A person's public reply on the ticket of a handed-over chat comes back into that chat, and only there."""

from __future__ import annotations

import pytest
from django.test import Client

from shopdesk.core.actors import Actor
from shopdesk.desk.enums import TicketChannel, TicketTopic
from shopdesk.desk.models import Ticket
from shopdesk.desk.services.agents import agent_add
from shopdesk.desk.services.messages import ticket_note, ticket_reply
from shopdesk.desk.services.tickets import ticket_create
from shopdesk.orders.models import Order
from tests.assistant.conversations.conftest import BASE, Chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(db: None):  # type: ignore[no-untyped-def]
    return agent_add(email="ana@desk.example", role="agent", name="Ana Agent").user


def handed_over(chat: Chat, order: Order) -> Ticket:
    chat.say(f"where is my order {order.number} {order.email}")
    chat.say("talk to a person")
    return Ticket.objects.get(channel=TicketChannel.CHAT)


def test_agent_reply_is_appended_to_the_chat_it_came_from(
    chat: Chat, new_chat, order_in_transit: Order, ana
) -> None:  # type: ignore[no-untyped-def]
    other = new_chat()
    other.say("hello")
    ticket = handed_over(chat, order_in_transit)
    before = chat.client.get(f"{BASE}/{chat.id}").json()["turns"]
    last = before[-1]["position"]

    ticket_reply(ticket=ticket, author=ana, body="Your parcel is with the carrier <b>today</b>.")
    ticket_note(ticket=ticket, author=ana, body="internal: customer seems fine")

    new = chat.client.get(f"{BASE}/{chat.id}", {"after": last}).json()["turns"]
    assert [(t["speaker"], t["text"]) for t in new] == [
        ("agent", "Your parcel is with the carrier <b>today</b>.")
    ]
    assert new[0]["replies"][0]["data"]["from"]
    transcript = chat.client.get(f"{BASE}/{chat.id}").json()
    assert "internal" not in str(transcript)  # a note never reaches the customer
    assert len(other.client.get(f"{BASE}/{other.id}").json()["turns"]) == 2  # the other chat is untouched

    # The conversation carries on after the reply: positions stay in order, the buttons still work.
    chat.say("thanks, bye")
    positions = [t["position"] for t in chat.client.get(f"{BASE}/{chat.id}").json()["turns"]]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_reply_on_a_ticket_not_from_chat_touches_no_conversation(chat: Chat, ana) -> None:  # type: ignore[no-untyped-def]
    chat.say("hello")
    ticket = ticket_create(
        subject="Question",
        customer_email="kim@example.com",
        customer_name="Kim",
        channel=TicketChannel.EMAIL,
        body="Hi",
        actor=Actor.customer("kim@example.com"),
        topic=TicketTopic.OTHER,
    )
    ticket_reply(ticket=ticket, author=ana, body="Hello Kim")
    assert len(Client().get(f"{BASE}/{chat.id}").json()["turns"]) == 2


def test_after_must_be_a_position(chat: Chat) -> None:
    response = chat.client.get(f"{BASE}/{chat.id}", {"after": "-1"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
