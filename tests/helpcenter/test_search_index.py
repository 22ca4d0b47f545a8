"""The search index on its own, without a database: ranking, typos, stemming, and the semantic seam."""

from __future__ import annotations

from collections.abc import Sequence

from shopdesk.helpcenter.search import IndexedDocument, SearchIndex, SemanticScorer
from shopdesk.helpcenter.search.index import edit_distance
from shopdesk.helpcenter.search.service import make_snippet
from shopdesk.helpcenter.search.text import stem, terms

DOCUMENTS = [
    IndexedDocument(
        id=1,
        slug="returns",
        title="How do I return an item?",
        body="Print a return label and drop the parcel off.",
    ),
    IndexedDocument(
        id=2,
        slug="refunds",
        title="When will I get my refund?",
        body="Refunds reach your card in 5 to 10 days.",
    ),
    IndexedDocument(
        id=3,
        slug="shipping",
        title="Shipping info",
        keywords="delivery, carriers",
        body="We ship with DHL and UPS.",
    ),
]


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edit_distance("refnud", "refund", 2) == 1
    assert edit_distance("ship", "shop", 1) == 1
    assert edit_distance("wholesale", "whoelsale", 2) == 1
    assert edit_distance("abc", "xyz", 1) == 2  # stops counting past the limit


def test_stemming_meets_inflections() -> None:
    assert stem("shipped") == stem("shipping") == stem("ships") == "ship"
    assert stem("returned") == stem("returns") == "return"
    assert stem("delivery") == stem("delivered") == "deliver"
    assert terms("Why didn’t I get an email?") == ["why", "didnt", "email"]


def test_title_words_rank_above_body_words() -> None:
    hits = SearchIndex(DOCUMENTS).search("refund")
    assert hits[0].document.slug == "refunds"


def test_typos_and_synonyms_find_the_document() -> None:
    index = SearchIndex(DOCUMENTS)
    assert index.search("retrun an itme")[0].document.slug == "returns"
    assert index.search("send my parcel back")[0].document.slug == "returns"
    assert index.search("delivry")[0].document.slug == "shipping"


def test_exact_question_comes_first() -> None:
    hits = SearchIndex(DOCUMENTS).search("how do i return an item")
    assert hits[0].document.slug == "returns" and hits[0].score > 100


def test_nothing_matches_nothing() -> None:
    assert SearchIndex(DOCUMENTS).search("zzzxqv") == []


class PrefersShipping:
    """A stand-in for the sentence encoder: thinks every query is about shipping."""

    def score(self, query: str, candidates: Sequence[IndexedDocument]) -> list[float]:
        return [1.0 if c.slug == "shipping" else 0.0 for c in candidates]


def test_a_semantic_scorer_plugs_in_and_is_blended() -> None:
    scorer = PrefersShipping()
    assert isinstance(scorer, SemanticScorer)
    # With no word in common, the semantic scorer alone can still surface an article.
    hits = SearchIndex(DOCUMENTS, semantic=scorer, semantic_weight=0.5).search("zzzxqv qwrtp")
    assert hits[0].document.slug == "shipping"
    # With a strong lexical match, the blend keeps the lexical winner.
    hits = SearchIndex(DOCUMENTS, semantic=scorer, semantic_weight=0.3).search("how do i return an item")
    assert hits[0].document.slug == "returns"


def test_snippet_marks_matched_words_and_escapes_the_rest() -> None:
    plain, marked = make_snippet("Refunds <b>reach</b> your card in 5 to 10 days.", {"refund", "card"})
    assert plain.startswith("Refunds")
    assert "<mark>Refunds</mark>" in marked and "<mark>card</mark>" in marked and "&lt;b&gt;" in marked
