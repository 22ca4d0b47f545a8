"""Help-center search: a ranked lexical index (BM25F with typo tolerance) held in memory, with a seam
for a semantic scorer. `search_articles()` is the entry point for pages and the API."""

from shopdesk.helpcenter.search.index import Hit, IndexedDocument, SearchIndex
from shopdesk.helpcenter.search.scorers import SemanticScorer
from shopdesk.helpcenter.search.service import SearchResult, search_articles, set_semantic_scorer

__all__ = [
    "Hit",
    "IndexedDocument",
    "SearchIndex",
    "SearchResult",
    "SemanticScorer",
    "search_articles",
    "set_semantic_scorer",
]
