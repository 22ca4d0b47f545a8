"""Answers that need no order: the help article of an intent, and the conversation intents."""

from __future__ import annotations

from shopdesk.assistant.conversations.articles import general_answer
from shopdesk.assistant.conversations.flows.context import Turn

HANDOFF_BUTTON = ("Talk to a person", "handoff")
CAN_HELP = (
    "I can help with your orders (where they are, changes, cancelling, addresses, missing emails), "
    "shipping and customs, returns and refunds, payments, points and promotions."
)


_ARTICLE_GIVEN = "{intent}: answered with the article"  # the note `tried` keeps, then the slug


def article_given(turn: Turn, intent: str) -> bool:
    """The conversation already gave the intent's article."""
    given = _ARTICLE_GIVEN.format(intent=intent)
    return any(note.startswith(given) for note in turn.conversation.tried)


def article_answer(turn: Turn, intent: str, *, country: str | None = None) -> bool:
    """The intent's article; for the country the message names, else `country` (the caller's default)."""
    reply = general_answer(intent, country=turn.entity("country") or country)
    if reply is None:
        return False
    turn.answer.add(reply)
    turn.tried(f"{_ARTICLE_GIVEN.format(intent=intent)} {reply.data['slug']}")
    return True


def greeting(turn: Turn) -> None:
    turn.answer.say(f"Hello! {CAN_HELP} What can I do for you?")
    turn.answer.offer(*HANDOFF_BUTTON)


def goodbye(turn: Turn) -> None:
    turn.answer.say(f"Thank you, and goodbye! If anything else comes up, {CAN_HELP}")
    turn.answer.offer(*HANDOFF_BUTTON)


def out_of_scope(turn: Turn) -> None:
    turn.answer.say(
        f"Sorry, I'm not sure I understood. {CAN_HELP} Could you say it another way, or talk to a person?"
    )
    turn.answer.offer(*HANDOFF_BUTTON)
