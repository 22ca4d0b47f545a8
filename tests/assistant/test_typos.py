"""Misspellings and shorthand: the spelling pass against the store's vocabulary, noisy copies of our
examples, and what `understand` makes of the wording the issue reported."""

from __future__ import annotations

import pytest

from shopdesk.assistant.nlu import understand
from shopdesk.assistant.nlu.augment import augmented, noisy_copy, slip, typo_copy
from shopdesk.assistant.nlu.classifier import IntentModel
from shopdesk.assistant.nlu.examples import Example
from shopdesk.assistant.nlu.features import expand_shorthand
from shopdesk.assistant.nlu.spelling import Speller, edit_distance

VOCABULARY = [
    "cancel my order",
    "cancel the order",
    "return my order",
    "return it",
    "my package",
    "the package",
]


def speller() -> Speller:
    return Speller.from_texts(VOCABULARY, known={"product", "ship", "the"})


@pytest.mark.parametrize(
    ("typed", "corrected"),
    [
        ("I want to cancle my product", "I want to cancel my product"),
        ("Retun my order", "return my order"),
        ("where is my pakage", "where is my package"),
        ("where is my packgae", "where is my package"),  # a swap is one edit
    ],
)
def test_unknown_words_are_corrected_to_the_vocabulary(typed: str, corrected: str) -> None:
    assert speller().correct(typed) == corrected


@pytest.mark.parametrize("text", ["ship the product", "SPRING20 KW10023456", "CANCLE", "my xyzzy", "a b c"])
def test_known_words_codes_shouts_and_strangers_are_left_alone(text: str) -> None:
    assert speller().correct(text) == text


def test_edit_distance_counts_a_swap_as_one_and_stops_past_the_limit() -> None:
    assert edit_distance("retrun", "return", 1) == 1
    assert edit_distance("cancle", "cancel", 1) == 1
    assert edit_distance("abcdef", "uvwxyz", 2) == 3


def test_shorthand_is_written_out_in_lower_case_only() -> None:
    assert expand_shorthand("u r useless, pls help") == "you are useless, please help"
    assert expand_shorthand("size N, grade R") == "size N, grade R"
    assert expand_shorthand("my pin code, my Zip-code, my pincode") == "my postcode, my postcode, my postcode"


def test_noisy_copies_are_stable_and_one_slip_per_word() -> None:
    examples = [Example(f"please cancel my order number {n} today", "cancel_order") for n in range(40)]
    copies = augmented(examples)
    assert copies == augmented(examples) and 0 < len(copies) < len(examples)
    assert all(c.generated and c.intent == "cancel_order" for c in copies)
    assert noisy_copy("ok") is None
    import random

    rng = random.Random(1)
    for _ in range(50):
        assert edit_distance(slip("package", rng), "package", 1) <= 1


def test_a_typo_copy_always_slips_one_or_two_long_words_and_is_stable() -> None:
    texts = [f"please cancel my order number {n} today" for n in range(40)]
    for text in texts:
        copy = typo_copy(text)
        assert copy == typo_copy(text) and copy != text
        changed = [a for a, b in zip(text.split(), copy.split(), strict=True) if a != b]
        assert 1 <= len(changed) <= 2 and all(len(word) >= 4 for word in changed)
    assert typo_copy("ok so") == "ok so"  # no word long enough to slip


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        ("I want to cancle my product", {"cancel_order"}),
        ("Retun my order", {"return_item"}),
        ("wher is my pacakge", {"track_order", "package_not_received"}),
        ("my refnud is wrong", {"refund_wrong"}),
        ("u r useless", {"contact_support"}),
        ("pin code not available", {"shipping_destinations"}),
    ],
)
def test_reported_wording_is_understood(intent_model: IntentModel, text: str, intents: set[str]) -> None:
    assert understand(text).intent in intents
