"""Every intent id of the contract has a flow: the walk runs each one through the engine on a new
conversation and checks the answer a shopper would see (the article, what the flow asks, a handoff)."""

from __future__ import annotations

import re

import pytest

from shopdesk.assistant.conversations import engine
from shopdesk.assistant.conversations.articles import INTENT_ARTICLES
from shopdesk.assistant.conversations.contract import CONTRACT_INTENTS, CONVERSATION_INTENTS
from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.dispatch import INTENT_FLOWS, INTENT_GATES
from shopdesk.assistant.conversations.models import Conversation
from shopdesk.assistant.conversations.replies import Answer
from tests.assistant.conftest import SHARED

pytestmark = pytest.mark.django_db

INTENTS_FILE = SHARED / "intents.md"
_ROW = re.compile(r"^\|\s*([a-z_]+)\s*\|")


def test_the_contract_lists_each_id_once() -> None:
    assert len(CONTRACT_INTENTS) == len(set(CONTRACT_INTENTS)) == 46


def test_the_contract_in_code_is_the_shared_one() -> None:
    if not INTENTS_FILE.is_file():
        pytest.skip("the shared contract file is not beside the repository")
    ids = [m.group(1) for line in INTENTS_FILE.read_text().splitlines() if (m := _ROW.match(line))]
    assert [i for i in ids if i != "id"] == list(CONTRACT_INTENTS)


def test_the_classifier_knows_exactly_the_contract(intent_model) -> None:  # type: ignore[no-untyped-def]
    assert set(intent_model.classes) == set(CONTRACT_INTENTS)


def test_every_id_has_a_flow() -> None:
    answered = set(INTENT_ARTICLES) | set(CONVERSATION_INTENTS)
    assert set(CONTRACT_INTENTS) <= answered
    assert set(INTENT_FLOWS) | set(INTENT_GATES) <= engine.SELF_SERVICE <= set(CONTRACT_INTENTS)


@pytest.mark.parametrize("intent", [i for i in CONTRACT_INTENTS if i != "out_of_scope"])
def test_walk_every_intent_of_the_contract(intent: str) -> None:
    conversation = Conversation.objects.create()
    turn = Turn(conversation, "", None, Answer(intent), "127.0.0.1")
    engine._run_intent(turn, intent)
    replies = turn.answer.replies
    assert replies and all(reply.text.strip() for reply in replies)
    types = [reply.type for reply in replies]
    if intent == "contact_support":
        assert types == ["handoff"]
    elif intent in ("greeting", "goodbye"):
        assert types == ["text"] and "help with" in replies[0].text
    else:
        # The general answer first, with its link; a self-service flow then asks what it needs.
        assert types[0] == "article"
        assert replies[0].data["url"] == f"/help/articles/{INTENT_ARTICLES[intent]}/"
        if intent in engine.SELF_SERVICE:
            assert len(replies) >= 2, types
        # No order is shown before one is verified.
        assert not {"order", "timeline", "refund", "returns", "confirm"} & set(types)
    if intent != "contact_support":
        assert turn.answer.actions, "every answer offers a next step (at least a person)"


def test_out_of_scope_says_what_it_helps_with(chat) -> None:  # type: ignore[no-untyped-def]
    chat.say("what's the weather like on mars tomorrow")
    assert chat.last["intent"] == "out_of_scope"
    assert "I can help with" in chat.text and "handoff" in chat.payloads()
