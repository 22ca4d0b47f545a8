"""Fixtures for the assistant's understanding: one trained model per session (the cache directory it
lives in is set for every test in tests/conftest.py: the help-center search uses the encoder too)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopdesk.assistant.nlu.classifier import IntentModel

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
DATASETS = SHARED / "datasets"


@pytest.fixture(scope="session")
def intent_model(nlu_cache_dir: Path) -> IntentModel:
    """The production model (trained on first use, then loaded from the cache)."""
    from shopdesk.assistant.nlu import get_model

    return get_model()


def dataset(*parts: str) -> Path:
    path = DATASETS.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"external dataset {'/'.join(parts)} is not available")
    return path
