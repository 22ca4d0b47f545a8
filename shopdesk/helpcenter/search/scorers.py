"""The seam for more ranking signals beside the lexical index.

A `SemanticScorer` (for instance the assistant's MiniLM sentence encoder, comparing the query's
embedding with each article's) re-scores the lexical candidates; `SearchIndex` blends its score with
the normalised lexical score. None is installed today: lexical ranking alone passes the tests, and
the encoder can be plugged in without touching the pages or the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from shopdesk.helpcenter.search.index import IndexedDocument


@runtime_checkable
class SemanticScorer(Protocol):
    """Scores how well each candidate answers the query, in [0, 1], in the candidates' order.

    Called with the lexical top candidates (or every document when no word matched, so a paraphrase
    with no shared word can still be found). Must be fast: it runs on every search.
    """

    def score(self, query: str, candidates: Sequence[IndexedDocument]) -> list[float]: ...
