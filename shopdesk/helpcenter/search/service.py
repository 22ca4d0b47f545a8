"""The process-wide search index over the published articles, rebuilt when they change, and the
search entry point that pages and the API share (ranking, snippets with highlighted terms).

The index is rebuilt when the articles' version (count, last update, last id) or the policy changes;
checking it is one small aggregate query, so every web worker sees admin edits on its next search.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count, Max
from django.utils.safestring import SafeString, mark_safe

from shopdesk.helpcenter.models import Article
from shopdesk.helpcenter.rendering import render_article
from shopdesk.helpcenter.search.index import IndexedDocument, SearchIndex
from shopdesk.helpcenter.search.scorers import SemanticScorer
from shopdesk.helpcenter.search.text import normalise, stem
from shopdesk.helpcenter.templating import policy_context
from shopdesk.policy import get_policy

SNIPPET_WORDS = 28
MAX_HITS = 100  # past this rank, results are noise for a help center of a few hundred articles
# A pasted question (or a whole email) is cut to this many characters, at a word boundary: the
# question is nearly always in its first sentences, and longer queries only cost time.
MAX_QUERY_CHARS = 300
_lock = threading.Lock()
logger = logging.getLogger(__name__)
_current: tuple[tuple[object, ...], SearchIndex] | None = None
_semantic: SemanticScorer | None = None


def set_semantic_scorer(scorer: SemanticScorer | None) -> None:
    """Install (or remove, with None) the scorer blended with lexical ranking; the index is rebuilt.

    The help center cannot import the layers above it, so a higher layer (the assistant, which owns
    the sentence encoder) installs one at start-up.
    """
    global _semantic, _current
    with _lock:
        _semantic = scorer
        _current = None


def semantic_scorer() -> SemanticScorer | None:
    return _semantic


@dataclass(frozen=True)
class SearchResult:
    article: Article
    score: float
    snippet: str  # plain text
    snippet_html: SafeString  # escaped text with <mark> around the matched words


def _version() -> tuple[object, ...]:
    stats = Article.objects.filter(is_published=True).aggregate(
        n=Count("id"), updated=Max("updated_at"), last=Max("id")
    )
    _, fingerprint = policy_context(get_policy())
    return (stats["n"], stats["updated"], stats["last"], fingerprint)


def build_index() -> SearchIndex:
    """Every published article that renders; one that fails is logged and left out, never the search."""
    documents = []
    for article in Article.objects.filter(is_published=True).select_related("category"):
        try:
            body = render_article(article).text
        except Exception:
            logger.exception("help article %r does not render; left out of search", article.slug)
            continue
        documents.append(
            IndexedDocument(
                id=article.pk,
                slug=article.slug,
                title=article.title,
                seed=article.seed,
                keywords=f"{article.keywords}, {article.category.name}",
                body=body,
            )
        )
    return SearchIndex(documents, semantic=_semantic)


def current_index() -> SearchIndex:
    global _current
    version = _version()
    current = _current
    if current is not None and current[0] == version:
        return current[1]
    with _lock:
        if _current is None or _current[0] != version:
            _current = (version, build_index())
        return _current[1]


@lru_cache(maxsize=50_000)
def _token_term(token: str) -> str:
    """The index term of a word as written in the text ("Refunds," → "refund"); bodies repeat words a lot."""
    return stem(re.sub(r"[^a-z0-9]", "", normalise(token)))


def make_snippet(text: str, matched_terms: set[str], words: int = SNIPPET_WORDS) -> tuple[str, SafeString]:
    """The window of the body with the most matched words, plain and with those words in <mark>."""
    tokens: list[str] = []
    for line in text.splitlines():
        line_tokens = line.split()
        # A heading or table row has no final stop; add one so it doesn't run into the next sentence.
        if line_tokens and not line_tokens[-1].endswith((".", ":", ";", "!", "?")):
            line_tokens[-1] += "."
        tokens.extend(line_tokens)
    if not tokens:
        return "", SafeString("")

    hits = [_token_term(t) in matched_terms for t in tokens]
    # Sliding window: the count for each start is the previous one plus the word entering, minus the one leaving.
    count = best = sum(hits[:words])
    best_start = 0
    for start in range(1, max(1, len(tokens) - words + 1)):
        count += hits[start + words - 1] - hits[start - 1]
        if count > best:
            best_start, best = start, count
    window = range(best_start, min(len(tokens), best_start + words))
    plain = " ".join(tokens[i] for i in window)
    marked = " ".join(
        f"<mark>{html.escape(tokens[i])}</mark>" if hits[i] else html.escape(tokens[i]) for i in window
    )
    prefix = "… " if best_start > 0 else ""
    suffix = " …" if window.stop < len(tokens) else ""
    return prefix + plain + suffix, mark_safe(prefix + marked + suffix)  # noqa: S308 - every token escaped


def cut_query(query: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """The query with its whitespace collapsed, cut to ``max_chars`` at a word boundary."""
    query = " ".join(query.split())
    if len(query) <= max_chars:
        return query
    cut = query[: max_chars + 1]
    return cut[: cut.rfind(" ")] if " " in cut else query[:max_chars]


def search_articles(query: str, *, limit: int = 10, offset: int = 0) -> tuple[list[SearchResult], int]:
    """One page of ranked published articles for a query (cut to MAX_QUERY_CHARS), and how many matched."""
    hits = current_index().search(cut_query(query), limit=MAX_HITS)
    page = hits[offset : offset + limit]
    articles = Article.objects.select_related("category").in_bulk([h.document.id for h in page])
    results = []
    for hit in page:
        article = articles.get(hit.document.id)
        if article is None or not article.is_published:
            continue  # unpublished since the index was built
        plain, marked = make_snippet(hit.document.body, set(hit.matched_terms))
        results.append(SearchResult(article=article, score=hit.score, snippet=plain, snippet_html=marked))
    return results, len(hits)
