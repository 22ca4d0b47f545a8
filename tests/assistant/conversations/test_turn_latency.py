"""A turn's model runs once, before the conversation's row lock, and only when the message needs it;
the answer says how long the turn and its model took (`Server-Timing`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from shopdesk.assistant.conversations.engine import Early, _understanding
from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.models import Conversation
from shopdesk.assistant.conversations.replies import Answer
from shopdesk.assistant.nlu import pipeline
from shopdesk.orders.models import Order
from tests.assistant.conversations.conftest import BASE, Chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def model_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every call of the real `understand`, with whether the turn's transaction (the row lock) was open:
    an atomic block more than the test's own."""
    calls: list[dict[str, Any]] = []
    real = pipeline.understand
    test_blocks = len(connection.atomic_blocks)

    def recorded(message: str, **kwargs: Any) -> pipeline.Understanding:
        in_turn = len(connection.atomic_blocks) > test_blocks
        calls.append({"text": message, "in_transaction": in_turn, **kwargs})
        return real(message, **kwargs)

    monkeypatch.setattr(pipeline, "understand", recorded)
    return calls


def test_a_question_is_understood_once_and_outside_the_row_lock(
    chat: Chat, model_calls: list[dict[str, Any]]
) -> None:
    chat.say("what is your return policy?")
    assert chat.last["intent"] == "return_policy"
    assert [(c["text"], c["in_transaction"]) for c in model_calls] == [("what is your return policy?", False)]


def test_the_yes_to_a_preview_needs_no_model(
    chat: Chat, order_unfulfilled: Order, model_calls: list[dict[str, Any]]
) -> None:
    chat.say(f"cancel my order {order_unfulfilled.number} {order_unfulfilled.email}")
    assert "confirm" in chat.types()
    model_calls.clear()
    chat.say("yes")
    assert "cancelled" in chat.text
    assert model_calls == []


def test_a_fragment_is_read_in_the_topic_of_the_turn_before(
    chat: Chat, model_calls: list[dict[str, Any]]
) -> None:
    chat.say("how do I return an item?")
    chat.say("to small")
    assert chat.last["intent"] == "return_item"
    assert model_calls[-1]["context"] == "return_item"
    assert len(model_calls) == 2


def test_an_early_reading_in_a_topic_that_changed_meanwhile_is_read_again() -> None:
    """Another message of the conversation may change its topic between the early reading and the lock."""
    conversation = Conversation.objects.create(last_intent="return_item")
    turn = Turn(conversation, "to small", None, Answer("out_of_scope"), "10.0.0.1")
    read_alone = Early(None, pipeline.understand("to small"))
    assert read_alone.understanding.intent == "out_of_scope"

    assert _understanding(turn, read_alone).intent == "return_item"
    same_topic = Early("return_item", read_alone.understanding)
    assert _understanding(turn, same_topic) is read_alone.understanding


def test_the_answer_says_how_long_the_turn_and_its_model_took(chat: Chat, client: Client) -> None:
    response = client.post(
        f"{BASE}/{chat.id}/messages", {"text": "where is my order?"}, content_type="application/json"
    )
    timings = dict(part.strip().split(";dur=") for part in response["Server-Timing"].split(","))
    assert set(timings) == {"turn", "model"}
    assert 0 < float(timings["model"]) <= float(timings["turn"])

    pressed = client.post(
        f"{BASE}/{chat.id}/messages", {"button": "handoff"}, content_type="application/json"
    )
    assert pressed.status_code == 200
    assert "model;dur=0.0" in pressed["Server-Timing"]
