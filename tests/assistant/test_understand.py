"""``understand()``: intents on plain requests, calibrated output, and bad input that never crashes."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.assistant.nlu import Understanding, understand, understand_many
from shopdesk.assistant.nlu.classifier import IntentModel

INTENT_IDS = {
    "track_order",
    "ordering_help",
    "shipping_time",
    "change_order",
    "delivery_email_missing",
    "cancel_order",
    "change_billing_address",
    "confirmation_email_missing",
    "shipping_info",
    "shipping_destinations",
    "package_not_received",
    "package_returned",
    "split_shipment",
    "tracking_not_updated",
    "not_at_address",
    "shipping_fees",
    "customs_duties",
    "tracking_invalid",
    "shipping_address",
    "return_policy",
    "guarantees",
    "refund_timing",
    "return_item",
    "refund_wrong",
    "non_returnable",
    "partial_refund",
    "return_received",
    "payment_methods",
    "payment_declined",
    "payment_verification",
    "pay_with_points",
    "coupon_stacking",
    "points_refund_timing",
    "price_adjustment",
    "promo_code_problem",
    "terms_of_use",
    "privacy_policy",
    "copyright",
    "contact_support",
    "about_us",
    "ships_from",
    "wholesale",
    "new_arrivals",
    "greeting",
    "goodbye",
    "out_of_scope",
}


def test_the_model_knows_every_intent_of_the_contract(intent_model: IntentModel) -> None:
    assert set(intent_model.classes) == INTENT_IDS


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("hey where's my parcel, order KW10023456", "track_order"),
        ("please cancel my order, I bought the wrong thing", "cancel_order"),
        ("my card got declined at checkout", "payment_declined"),
        ("do you ship to Norway?", "shipping_destinations"),
        ("let me talk to a real person", "contact_support"),
        ("thanks, that's all", "goodbye"),
        ("what's the capital of Peru", "out_of_scope"),
    ],
)
def test_plain_requests(intent_model: IntentModel, text: str, intent: str) -> None:
    assert understand(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("can I change the size of my shirt?", "change_order"),
        ("was I charged?", "payment_declined"),
        ("only got half", "split_shipment"),
    ],
)
def test_wording_once_misread(intent_model: IntentModel, text: str, intent: str) -> None:
    assert understand(text).intent == intent


def test_the_result_is_a_frozen_dataclass_with_entities_and_alternatives(intent_model: IntentModel) -> None:
    now = datetime.datetime(2025, 6, 11)
    result = understand("I returned order KW10023456 3 weeks ago, where's my refund?", now=now)
    assert result.intent == "refund_timing"
    assert 0.0 < result.confidence <= 1.0
    assert [(e.type, e.value) for e in result.entities] == [
        ("order_number", "KW10023456"),
        ("date", "2025-05-21"),
    ]
    assert len(result.alternatives) == 3
    assert all(a.confidence <= result.confidence for a in result.alternatives)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.intent = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "😀😀😀🎉",
        "\x00\x01\x02",
        b"\xff\xfe\x00binary",
        "Где мой заказ?",
        "我的订单在哪里",
        "!!!???",
    ],
)
def test_unreadable_input_is_out_of_scope(intent_model: IntentModel, message: str | bytes) -> None:
    result = understand(message)
    assert result.intent == "out_of_scope"


def test_very_long_input_is_truncated_not_rejected(intent_model: IntentModel) -> None:
    story = "I bought a coat for my sister's birthday and then I went to the shop. " * 1500  # ~100 KB
    result = understand(story + " Anyway, how do I cancel my order?")
    assert result.intent in INTENT_IDS
    assert understand("x" * 100_000).intent in INTENT_IDS


def test_non_text_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="str or bytes"):
        understand(42)  # type: ignore[arg-type]


def test_batch_gives_the_same_answers_as_one_at_a_time(intent_model: IntentModel) -> None:
    texts = ["where is my order", "", "can I pay with points", "asdf qwer"]
    assert [u.intent for u in understand_many(texts)] == [understand(t).intent for t in texts]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_fuzz_never_crashes(intent_model: IntentModel, message: str | bytes) -> None:
    result = understand(message)
    assert isinstance(result, Understanding)
    assert result.intent in INTENT_IDS
    assert 0.0 <= result.confidence <= 1.0
    for entity in result.entities:
        assert 0 <= entity.start < entity.end


@pytest.mark.parametrize(
    "message",
    [
        "KW10023456",
        "jo.smith@example.com",
        "it's KW10023456, jo.smith@example.com",
        "It’s KW10023456 and my e-mail is jo.smith@example.com",
        "order number: #KW10023456 / email: jo.smith@example.com",
    ],
)
def test_only_an_order_number_and_an_email_are_read_without_the_model(message: str) -> None:
    from shopdesk.assistant.nlu import read_details

    reading = read_details(message)
    assert reading is not None and reading.details_only
    assert reading.intent == "out_of_scope" and not reading.alternatives
    assert {e.type for e in reading.entities} <= {"order_number", "email"}
    assert reading.entities


@pytest.mark.parametrize(
    "message",
    [
        "cancel KW10023456 jo.smith@example.com",
        "where is KW10023456?",
        "KW10023456 never arrived",
        "hello",
        "my order",
        "",
        "KW10023456 " + "and " * 100,  # longer than a message of details
    ],
)
def test_anything_more_than_details_is_left_to_the_model(message: str) -> None:
    from shopdesk.assistant.nlu import read_details

    assert read_details(message) is None
