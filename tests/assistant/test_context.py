"""``understand(text, context=intent)``: a fragment after a question about an order or a return is read
in that topic, and a new question still switches topic."""

from __future__ import annotations

import pytest

from shopdesk.assistant.nlu import understand
from shopdesk.assistant.nlu.classifier import IntentModel
from shopdesk.assistant.nlu.pipeline import context_lead, is_fragment


@pytest.mark.parametrize(
    ("context", "fragment"),
    [
        ("return_item", "it's the wrong size"),
        ("return_item", "to small"),
        ("return_item", "the colour is off"),
        ("change_order", "it's the wrong size"),
        ("change_order", "the blue one instead"),
        ("split_shipment", "and the other package?"),
        ("package_not_received", "still nothing"),
    ],
)
def test_a_fragment_is_read_in_the_conversation_topic(
    intent_model: IntentModel, context: str, fragment: str
) -> None:
    assert understand(fragment, context=context).intent == context


@pytest.mark.parametrize(
    ("context", "message", "intent"),
    [
        ("return_item", "where is my order KW10023456?", "track_order"),
        ("track_order", "please cancel my order", "cancel_order"),
        ("change_order", "my card got declined", "payment_declined"),
        ("return_item", "when will I get my refund", "refund_timing"),
        ("track_order", "let me talk to a real person", "contact_support"),
        ("cancel_order", "thanks, that's all", "goodbye"),
    ],
)
def test_a_new_question_switches_topic(
    intent_model: IntentModel, context: str, message: str, intent: str
) -> None:
    assert understand(message, context=context).intent == intent


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ("return_item", "what's the weather like"),
        ("track_order", "tell me a joke"),
        ("cancel_order", "who won the match"),
    ],
)
def test_an_off_topic_remark_stays_out_of_scope(
    intent_model: IntentModel, context: str, message: str
) -> None:
    assert understand(message, context=context).intent == "out_of_scope"


def test_without_a_topic_a_fragment_is_not_guessed(intent_model: IntentModel) -> None:
    assert understand("to small").intent == "out_of_scope"
    assert understand("to small", context="greeting").intent == "out_of_scope"


def test_long_messages_and_chit_chat_contexts_are_read_alone() -> None:
    assert is_fragment("it's the wrong size") and not is_fragment(
        "the box came but the shoes inside were the wrong size"
    )
    assert context_lead("return_item") and context_lead("out_of_scope") is None and context_lead(None) is None
    assert context_lead("no_such_intent") is None


@pytest.mark.parametrize(
    ("context", "message", "intent"),
    [
        # Asked right after a declined payment: whether the declined attempt took money.
        ("payment_declined", "was I charged?", "payment_declined"),
        # A partial delivery: the contract's intent for an order that arrived in part is split_shipment
        # (its self-service lists the order's packages and what is in each).
        ("track_order", "only got half", "split_shipment"),
        ("package_not_received", "only got half", "split_shipment"),
    ],
)
def test_a_follow_up_is_read_as_what_the_shopper_means(
    intent_model: IntentModel, context: str, message: str, intent: str
) -> None:
    assert understand(message, context=context).intent == intent
