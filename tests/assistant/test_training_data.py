"""The training examples: every intent of the contract, enough varied examples, none borrowed."""

from __future__ import annotations

import json

import pytest

from shopdesk.assistant.nlu.examples import OUT_OF_SCOPE, intent_specs, load_examples

from .conftest import DATASETS
from .test_understand import INTENT_IDS


def test_every_intent_has_a_file_with_a_description_and_40_written_examples() -> None:
    specs = {spec.id: spec for spec in intent_specs()}
    assert set(specs) == INTENT_IDS
    for spec in specs.values():
        assert spec.description
        assert len(spec.examples) >= 40, spec.id
    assert len(specs[OUT_OF_SCOPE].examples) >= 300


def test_no_example_is_given_to_two_intents() -> None:
    seen: dict[str, str] = {}
    for example in load_examples():
        key = example.text.lower()
        assert seen.setdefault(key, example.intent) == example.intent, example.text


def test_no_long_example_appears_in_the_external_evaluation_sets() -> None:
    """Examples are written here, never taken from the evaluation data (short stock phrases such as
    "hello" or "order status" coincide by nature, so only sentences of 5+ words are compared)."""
    files = sorted(DATASETS.glob("*/*.jsonl")) if DATASETS.is_dir() else []
    if not files:
        pytest.skip("external datasets are not available")
    external = {
        json.loads(line)["text"].strip().lower() for path in files for line in path.open(encoding="utf-8")
    }
    ours = [e.text for e in load_examples() if not e.generated and len(e.text.split()) >= 5]
    assert [text for text in ours if text.strip().lower() in external] == []
