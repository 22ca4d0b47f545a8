"""The help center's semantic scorer: the assistant's MiniLM encoder, behind the `SemanticScorer` seam.

The help center sits below the assistant (it cannot import it), so the assistant installs this scorer
into the help-center search when Django starts (``AssistantConfig.ready``). Nothing is loaded then:
the encoder loads on the first search. Each article's embedding is computed once and kept by a hash
of its text (in memory, and in the NLU cache directory across restarts); each search embeds only the
query. ``SHOPDESK_HELP_SEMANTIC=0`` turns it off (lexical ranking alone).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from shopdesk.helpcenter.search.index import IndexedDocument

    from .encoder import SentenceEncoder

logger = logging.getLogger(__name__)

ENABLE_ENV = "SHOPDESK_HELP_SEMANTIC"
# How much of an article the encoder reads besides its title, question and keywords (it reads at
# most 256 word pieces anyway): the opening of the answer says what the article is about.
BODY_CHARS = 400
MAX_QUERY_CHARS = 300


def document_text(document: IndexedDocument) -> str:
    parts = [document.title, document.seed, document.keywords, document.body[:BODY_CHARS]]
    return ". ".join(" ".join(p.split()) for p in parts if p.strip())


class EncoderScorer:
    """Cosine similarity of the query's and each article's MiniLM embedding, floored at 0."""

    def __init__(self, encoder: SentenceEncoder | None = None) -> None:
        self._encoder = encoder
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    @property
    def encoder(self) -> SentenceEncoder:
        if self._encoder is None:
            from .encoder import get_encoder  # onnxruntime and the weights: on the first search only

            self._encoder = get_encoder()
        return self._encoder

    def _keys(self, documents: Sequence[IndexedDocument]) -> list[tuple[str, str]]:
        texts = [document_text(d) for d in documents]
        return [(hashlib.sha256(t.encode("utf-8")).hexdigest(), t) for t in texts]

    def document_vectors(self, documents: Sequence[IndexedDocument]) -> np.ndarray:
        keys = self._keys(documents)
        with self._lock:
            missing = {key: text for key, text in keys if key not in self._vectors}
            if missing:
                from .embedding_cache import embed

                vectors = embed(self.encoder, list(missing.values()))
                self._vectors.update(zip(missing, vectors, strict=True))
            return np.stack([self._vectors[key] for key, _ in keys])

    def score(self, query: str, candidates: Sequence[IndexedDocument]) -> list[float]:
        if not candidates:
            return []
        documents = self.document_vectors(candidates)
        query_vector = self.encoder.encode([" ".join(query.split())[:MAX_QUERY_CHARS]])[0]
        return [max(0.0, float(s)) for s in documents @ query_vector]


def enabled() -> bool:
    return os.environ.get(ENABLE_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}


def install_help_search() -> None:
    """Plug the encoder into the help-center search (unless turned off)."""
    from shopdesk.helpcenter.search import set_semantic_scorer

    set_semantic_scorer(EncoderScorer() if enabled() else None)
