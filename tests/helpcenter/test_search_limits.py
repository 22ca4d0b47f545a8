"""A long pasted question is searched (cut, never refused), and a short one doesn't list every article."""

from __future__ import annotations

import pytest
from django.test import Client

from shopdesk.helpcenter.search.index import IndexedDocument, SearchIndex
from shopdesk.helpcenter.search.service import MAX_QUERY_CHARS, cut_query, search_articles

pytestmark = pytest.mark.usefixtures("help_content")

PASTED = (
    "Hello, I bought a pair of boots last week and a jacket in the same order, the boots arrived but "
    "they are too small and I would like to know how I can return them and get my money back please, "
    "thank you so much for your help"
)


def test_a_212_character_question_is_answered_not_refused() -> None:
    assert len(PASTED) > 200
    response = Client().get("/api/v1/help/search", {"q": PASTED, "limit": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["results"] and body["query"] == PASTED


def test_a_whole_pasted_email_is_cut_at_a_word_boundary() -> None:
    text = "where is my parcel " * 200
    cut = cut_query(text)
    assert len(cut) <= MAX_QUERY_CHARS and text.startswith(cut) and not cut.endswith(" ")
    assert cut_query("x" * 5000) == "x" * MAX_QUERY_CHARS
    response = Client().get("/api/v1/help/search", {"q": text[:3990]})
    assert response.status_code == 200 and response.json()["query"] == cut


def test_cancel_order_lists_the_answers_not_the_whole_help_center() -> None:
    results, total = search_articles("cancel order", limit=50)
    assert results[0].article.slug == "cancel-my-order"
    assert total <= 12, [r.article.slug for r in results]


def test_the_tail_is_cut_relative_to_the_best_score() -> None:
    documents = [
        IndexedDocument(1, "cancel", "Cancel my order", body="cancel an order before it ships"),
        IndexedDocument(2, "order-help", "Ordering guidance", body="how to place an order"),
        IndexedDocument(3, "other", "Order status", body="order order order"),
    ]
    index = SearchIndex(documents)
    everything = index.search("cancel order", cutoff=0)
    cut = index.search("cancel order")
    assert len(everything) == 3 and cut[0].document.slug == "cancel"
    assert len(cut) < len(everything)
    assert all(hit.score >= 0.3 * cut[0].score for hit in cut)
