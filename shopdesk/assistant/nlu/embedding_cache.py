"""Sentence embeddings of the training texts, kept between trainings.

Encoding the few thousand training texts is most of a training's time; the texts rarely change, so
their vectors are kept in one ``.npz`` per encoder (weights, backend, graph version) and only new
texts are encoded. Retraining after editing an example, or the k trainings of a cross-validation,
take seconds instead of a minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .cache import cache_dir, write_atomically
from .encoder import EMBEDDING_DIM, GRAPH_VERSION, SentenceEncoder


def cache_path(encoder: SentenceEncoder) -> Path:
    return (
        cache_dir() / f"embeddings-{encoder.files.weights_sha256[:16]}-{encoder.backend}-g{GRAPH_VERSION}.npz"
    )


def _load(path: Path) -> dict[str, np.ndarray]:
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            texts, vectors = data["texts"], data["vectors"]
    except (OSError, ValueError, KeyError):
        return {}  # a damaged cache file costs one re-encoding, never an error
    if vectors.shape != (len(texts), EMBEDDING_DIM):
        return {}
    return {str(t): v for t, v in zip(texts, vectors, strict=True)}


def _save(path: Path, known: dict[str, np.ndarray]) -> None:
    texts = np.array(list(known), dtype=str)
    vectors = np.stack(list(known.values())).astype(np.float32)

    def write(tmp: Path) -> None:
        with tmp.open("wb") as handle:
            np.savez(handle, texts=texts, vectors=vectors)

    write_atomically(path, write)


def embed(encoder: SentenceEncoder, texts: Sequence[str]) -> np.ndarray:
    """``encoder.encode(texts)``, reading the vectors of texts seen before from the cache."""
    path = cache_path(encoder)
    known = _load(path)
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        for text, vector in zip(missing, encoder.encode(missing), strict=True):
            known[text] = vector
        _save(path, known)
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    return np.stack([known[t] for t in texts]).astype(np.float32)
