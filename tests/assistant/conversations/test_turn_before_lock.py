"""On SQLite (one write lock for the whole database) a turn that only reads is answered before the lock is
taken, then written in a short transaction if the conversation is as it was read. A turn that must write
more (a verification, an action, a hand-off), or whose conversation was saved meanwhile, is answered again
under the lock, and nothing of the abandoned answer was written."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shopdesk.access.models import CustomerSession, RateCounter
from shopdesk.assistant.conversations import engine
from shopdesk.assistant.conversations.models import Conversation, Speaker
from shopdesk.assistant.conversations.models import Turn as TurnRow
from shopdesk.orders.models import Order
from tests.assistant.conversations.conftest import Chat

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL locks the conversation's row only"),
]


@pytest.fixture
def before_locking(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each turn that tried: True when it was answered before the lock, False when it fell back."""
    outcomes: list[bool] = []
    original = engine._answer_before_locking

    def recorded(*args: Any, **kwargs: Any) -> Any:
        answer = original(*args, **kwargs)
        outcomes.append(answer is not None)
        return answer

    monkeypatch.setattr(engine, "_answer_before_locking", recorded)
    return outcomes


def speakers(chat: Chat) -> list[tuple[int, str]]:
    return list(
        TurnRow.objects.filter(conversation_id=chat.id)
        .order_by("position")
        .values_list("position", "speaker")
    )


def test_questions_are_answered_before_the_lock(
    chat: Chat, order_in_transit: Order, before_locking: list[bool]
) -> None:
    chat.say("what is your return policy?")
    assert chat.last["intent"] == "return_policy"
    assert before_locking == [True]
    conversation = Conversation.objects.get()
    assert conversation.last_intent == "return_policy" and conversation.offered == chat.payloads()

    chat.say(f"where is my order? {order_in_transit.number} {order_in_transit.email}")  # verifies: writes
    assert before_locking[-1] is False
    chat.say("when will it arrive?")
    assert before_locking[-1] is True and "timeline" in chat.types()
    assert [speaker for _, speaker in speakers(chat)] == [Speaker.CUSTOMER, Speaker.ASSISTANT] * 3
    assert [position for position, _ in speakers(chat)] == list(range(1, 7))


def test_a_verification_falls_back_and_counts_a_failed_attempt_once(
    chat: Chat, order_in_transit: Order, before_locking: list[bool]
) -> None:
    chat.say("where is my order?")
    assert not RateCounter.objects.filter(key__contains=":lookup").exists()
    chat.say(f"it's {order_in_transit.number}, someone.else@example.com")  # a failed lookup is counted
    assert before_locking == [True, False]
    counted = dict(RateCounter.objects.filter(key__contains=":lookup").values_list("key", "count"))
    assert counted and set(counted.values()) == {1}

    chat.say(f"it's {order_in_transit.number}, {order_in_transit.email}")
    assert before_locking == [True, False, False]
    assert chat.reply("order")["data"]["number"] == order_in_transit.number
    assert CustomerSession.objects.count() == 1
    assert dict(RateCounter.objects.filter(key__contains=":lookup").values_list("key", "count")) == counted


def test_a_verification_builds_the_order_page_before_it_takes_the_lock(
    chat: Chat, order_in_transit: Order, before_locking: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    chat.say("where is my order?")
    locked_at: list[int] = []  # the statements run when the locked answer wrote the customer's message
    insert = engine._customer_turn_insert

    def marked(*args: Any) -> Any:
        locked_at.append(len(captured.captured_queries))
        return insert(*args)

    monkeypatch.setattr(engine, "_customer_turn_insert", marked)
    with CaptureQueriesContext(connection) as captured:
        chat.say(f"{order_in_transit.number} {order_in_transit.email.upper()}")
    assert before_locking == [True, False] and len(locked_at) == 1
    assert chat.reply("order")["data"]["number"] == order_in_transit.number
    statements = [query["sql"] for query in captured.captured_queries]
    lock = locked_at[0]
    assert 'INSERT INTO "access_customersession"' in "".join(statements[lock:])  # verified under the lock
    page_reads = [i for i, sql in enumerate(statements) if 'FROM "shipping_trackingevent"' in sql]
    assert (
        page_reads and max(page_reads) < lock
    )  # the page was read before, and under the lock came from the cache


def test_a_wrong_email_reads_no_order_page(
    chat: Chat, order_in_transit: Order, before_locking: list[bool]
) -> None:
    with CaptureQueriesContext(connection) as captured:
        chat.say(f"{order_in_transit.number} someone.else@example.com")
    assert before_locking == [False] and "order" not in chat.types()
    assert not [query for query in captured.captured_queries if "shipping_trackingevent" in query["sql"]]


def test_an_email_for_a_hand_off_reads_no_order_page(
    chat: Chat, order_in_transit: Order, before_locking: list[bool]
) -> None:
    # The number was given, then a person asked for: the email now goes to the ticket, and the order is
    # not verified. Building its page would make a right email answer slower than a wrong one.
    chat.say(f"where is my order {order_in_transit.number}?")
    chat.say("I want to talk to a person")
    with CaptureQueriesContext(connection) as captured:
        chat.say(order_in_transit.email)
    assert before_locking[-1] is False and chat.reply("handoff")["data"]["ticket"]
    assert not [query for query in captured.captured_queries if "shipping_trackingevent" in query["sql"]]


def test_a_yes_to_a_preview_is_answered_under_the_lock_from_the_start(
    chat: Chat, order_unfulfilled: Order, before_locking: list[bool]
) -> None:
    chat.say(f"cancel my order {order_unfulfilled.number} {order_unfulfilled.email}")
    assert "confirm" in chat.types()
    tried = len(before_locking)
    chat.say("yes")
    assert len(before_locking) == tried  # not tried: the turn acts
    order_unfulfilled.refresh_from_db()
    assert order_unfulfilled.cancelled_at is not None


def saved_meanwhile(monkeypatch: pytest.MonkeyPatch, save: Callable[[Conversation], None]) -> None:
    """`save` runs once, after the turn's answer was read and before it is written."""
    original = engine._changed
    done: list[bool] = []

    def changed(conversation: Conversation, loaded: dict[str, Any]) -> list[str]:
        if not done:
            done.append(True)
            save(conversation)
        return original(conversation, loaded)

    monkeypatch.setattr(engine, "_changed", changed)


def test_a_reply_from_the_desk_meanwhile_makes_the_turn_answer_again_after_it(
    chat: Chat, monkeypatch: pytest.MonkeyPatch, before_locking: list[bool]
) -> None:
    chat.say("hello")

    def desk_reply(conversation: Conversation) -> None:  # what conversation_agent_reply writes
        last = TurnRow.objects.filter(conversation_id=conversation.pk).aggregate(last=Max("position"))["last"]
        TurnRow.objects.create(
            conversation_id=conversation.pk, position=last + 1, speaker=Speaker.AGENT, text="Hi!"
        )
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())

    saved_meanwhile(monkeypatch, desk_reply)
    chat.say("what is your return policy?")
    assert before_locking == [True, False]
    assert chat.last["intent"] == "return_policy"
    assert speakers(chat) == [
        (1, Speaker.CUSTOMER),
        (2, Speaker.ASSISTANT),
        (3, Speaker.AGENT),
        (4, Speaker.CUSTOMER),
        (5, Speaker.ASSISTANT),
    ]
    assert Conversation.objects.get().last_intent == "return_policy"


def test_another_turn_meanwhile_is_kept_and_this_one_answered_after_it(
    chat: Chat, monkeypatch: pytest.MonkeyPatch, before_locking: list[bool]
) -> None:
    chat.say("hello")

    def other_turn(conversation: Conversation) -> None:  # a second tab's message, answered first
        Conversation.objects.filter(pk=conversation.pk).update(unsure_count=1, updated_at=timezone.now())

    saved_meanwhile(monkeypatch, other_turn)
    chat.say("what is your return policy?")
    assert before_locking == [True, False]
    conversation = Conversation.objects.get()
    # Answered again on the conversation as the other turn left it (an understood message resets the count).
    assert conversation.unsure_count == 0 and conversation.last_intent == "return_policy"
    assert len(speakers(chat)) == 4


def test_a_refused_write_caught_on_the_way_still_falls_back(
    chat: Chat, monkeypatch: pytest.MonkeyPatch, before_locking: list[bool]
) -> None:
    original = engine._answer

    def careless(turn: Any, button: str | None, early: Any) -> None:
        original(turn, button, early)
        # Code that swallows errors must not make the turn believe its write happened.
        with contextlib.suppress(Exception):
            RateCounter.objects.create(key="written-by-the-turn", count=1, expires_at=timezone.now())

    monkeypatch.setattr(engine, "_answer", careless)
    chat.say("what is your return policy?")
    assert before_locking == [False]
    assert RateCounter.objects.filter(key="written-by-the-turn").count() == 1  # by the locked answer only
    assert chat.last["intent"] == "return_policy" and len(speakers(chat)) == 2
