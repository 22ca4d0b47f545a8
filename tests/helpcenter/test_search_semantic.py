"""Hybrid help search: the assistant's MiniLM encoder beside BM25, through the `SemanticScorer` seam."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from django.test import Client

from shopdesk.assistant.nlu.encoder import SentenceEncoder, get_encoder
from shopdesk.assistant.nlu.help_search import EncoderScorer, enabled
from shopdesk.helpcenter.search.index import IndexedDocument, SearchIndex
from shopdesk.helpcenter.search.service import current_index, semantic_scorer

pytestmark = pytest.mark.usefixtures("help_content")


class CountingEncoder:
    """The real encoder, counting the texts it is asked to embed."""

    def __init__(self, encoder: SentenceEncoder) -> None:
        self.inner = encoder
        self.files = encoder.files
        self.backend = encoder.backend
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        self.texts += list(texts)
        return self.inner.encode(texts, batch_size)


class BrokenScorer:
    def score(self, query: str, candidates: Sequence[IndexedDocument]) -> list[float]:
        raise RuntimeError("model files missing")


def test_the_assistant_installs_the_encoder_into_help_search() -> None:
    assert enabled()
    assert isinstance(semantic_scorer(), EncoderScorer)
    assert isinstance(current_index().semantic, EncoderScorer)


def test_meaning_finds_an_article_that_words_alone_miss() -> None:
    query = "I'd like my cash back for the sweater"  # none of the return article's words
    hybrid = current_index()
    lexical = SearchIndex(hybrid.documents)
    assert "return-an-item" not in [h.document.slug for h in lexical.search(query, limit=3)]
    assert "return-an-item" in [h.document.slug for h in hybrid.search(query, limit=3)]


def test_a_long_pasted_question_finds_its_article() -> None:
    pasted = (
        "Hello, I bought a pair of boots last week and a jacket in the same order, the boots arrived but "
        "they are too small and I would like to know how I can return them and get my money back please, "
        "thank you so much for your help"
    )
    body = Client().get("/api/v1/help/search", {"q": pasted, "limit": 3}).json()
    assert "return-an-item" in [r["slug"] for r in body["results"]]


def test_nonsense_still_finds_nothing() -> None:
    assert current_index().search("zzzxqv qqqq") == []


def test_article_embeddings_are_computed_once_and_the_query_each_time() -> None:
    documents = [h.document for h in current_index().search("refund", limit=5)]
    encoder = CountingEncoder(get_encoder())
    scorer = EncoderScorer(encoder)  # type: ignore[arg-type]
    index = SearchIndex(documents, semantic=scorer)
    index.search("where is my money")
    first = len(encoder.texts)
    index.search("when do I get my refund")
    assert first >= 1 and len(encoder.texts) == first + 1  # only the second query
    assert encoder.texts[-1] == "when do i get my refund"  # as the scorer reads it: spelled, lower case


def test_a_failing_scorer_falls_back_to_words() -> None:
    documents = [h.document for h in current_index().search("cancel my order", limit=10)]
    lexical = [h.document.slug for h in SearchIndex(documents).search("cancel my order")]
    broken = [
        h.document.slug for h in SearchIndex(documents, semantic=BrokenScorer()).search("cancel my order")
    ]
    assert broken == lexical and broken[0] == "cancel-my-order"
