"""Fixtures for the assistant's understanding: one cache directory and one trained model per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from shopdesk.assistant.nlu.cache import CACHE_ENV
from shopdesk.assistant.nlu.classifier import IntentModel

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
DATASETS = SHARED / "datasets"


@pytest.fixture(scope="session", autouse=True)
def nlu_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """SHOPDESK_CACHE_DIR for the whole session.

    Kept beside pytest's numbered temp dirs (not inside one) so xdist workers and later sessions
    share it: the model is keyed by content hash, so a cached one is always the right one.
    An already-set SHOPDESK_CACHE_DIR (CI restoring a cache) wins.
    """
    previous = os.environ.get(CACHE_ENV)
    path = Path(previous) if previous else tmp_path_factory.getbasetemp().parent / "shopdesk-nlu-cache"
    path.mkdir(parents=True, exist_ok=True)
    os.environ[CACHE_ENV] = str(path)
    yield path
    if previous is None:
        os.environ.pop(CACHE_ENV, None)


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
