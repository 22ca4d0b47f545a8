"""Writers of one conversation at the same instant, each on its own thread and database connection, through
the real API view: two messages (two tabs), a double "yes" to one preview, a message and a reply from the
desk. On SQLite and PostgreSQL alike: every message is answered once, positions never collide, and an
action runs once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from shopdesk.assistant.conversations.desk_replies import conversation_agent_reply
from shopdesk.assistant.conversations.models import Conversation, Speaker
from shopdesk.assistant.conversations.models import Turn as TurnRow
from shopdesk.assistant.nlu.classifier import IntentModel
from shopdesk.orders.models import Order, OrderEvent
from tests.assistant.conversations.conftest import BASE
from tests.races.conftest import race, server_errors

pytestmark = pytest.mark.django_db(transaction=True)


def start(address: str = "10.60.0.1") -> str:
    response = Client(REMOTE_ADDR=address).post(BASE, content_type="application/json")
    assert response.status_code == 200, response.content
    return str(response.json()["id"])


def sender(chat_id: str, text: str, address: str = "10.60.0.1") -> Any:
    def send() -> Any:
        response = Client(REMOTE_ADDR=address).post(
            f"{BASE}/{chat_id}/messages", {"text": text}, content_type="application/json"
        )
        return response.status_code, response.json()

    return send


def transcript(chat_id: str) -> list[tuple[int, str, str]]:
    return list(
        TurnRow.objects.filter(conversation_id=chat_id)
        .order_by("position")
        .values_list("position", "speaker", "text")
    )


def test_two_messages_at_once_are_both_answered_in_turn(intent_model: IntentModel) -> None:
    chat_id = start()
    results = race([sender(chat_id, "what is your return policy?"), sender(chat_id, "how long is shipping?")])
    assert not server_errors(results)
    assert [status for status, _ in results] == [200, 200]
    rows = transcript(chat_id)
    assert [position for position, _, _ in rows] == [1, 2, 3, 4]
    assert [speaker for _, speaker, _ in rows] == [Speaker.CUSTOMER, Speaker.ASSISTANT] * 2
    asked = {text for _, speaker, text in rows if speaker == Speaker.CUSTOMER}
    assert asked == {"what is your return policy?", "how long is shipping?"}


def test_a_double_yes_cancels_once(intent_model: IntentModel, order_unfulfilled: Order) -> None:
    chat_id = start()
    status, answer = sender(
        chat_id, f"cancel my order {order_unfulfilled.number} {order_unfulfilled.email}"
    )()
    assert status == 200 and any(reply["type"] == "confirm" for reply in answer["replies"])

    results = race([sender(chat_id, "yes"), sender(chat_id, "yes")])
    assert not server_errors(results)
    assert [status for status, _ in results] == [200, 200]
    order_unfulfilled.refresh_from_db()
    assert order_unfulfilled.cancelled_at is not None
    assert OrderEvent.objects.filter(order=order_unfulfilled, kind="cancelled").count() == 1
    texts = [" ".join(reply["text"] for reply in body["replies"]) for _, body in results]
    assert sum("cancelled" in text.lower() for text in texts) == 1, texts
    assert any("nothing was changed" in text.lower() for text in texts), texts
    assert [position for position, _, _ in transcript(chat_id)] == list(range(1, 7))


def test_a_message_and_a_desk_reply_at_once_are_both_kept(intent_model: IntentModel) -> None:
    chat_id = start()
    status, _ = sender(chat_id, "talk to a person")()
    assert status == 200
    status, _ = sender(chat_id, "me@example.com")()
    assert status == 200
    ticket = Conversation.objects.get(pk=chat_id).handoff.get("ticket")
    assert ticket

    def reply() -> Any:  # as the desk sends it: inside the reply's transaction
        with transaction.atomic():
            return conversation_agent_reply(
                ticket_reference=ticket, author_label="Sam", body="Hello, Sam here."
            )

    results = race([sender(chat_id, "what is your return policy?"), reply])
    assert not server_errors(results)
    rows = transcript(chat_id)
    assert [position for position, _, _ in rows] == list(range(1, len(rows) + 1))
    assert [speaker for _, speaker, _ in rows].count(Speaker.AGENT) == 1
    assert [text for _, _, text in rows].count("what is your return policy?") == 1
