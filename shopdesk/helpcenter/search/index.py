"""An in-memory BM25F index over the articles' title, seed line, keywords and body, with typo
tolerance (edit distance ≤ 1–2 against the vocabulary, pre-filtered by shared trigrams), light
stemming, shoppers' synonyms, and an exact-question boost. Pure Python, no database."""

from __future__ import annotations

import heapq
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shopdesk.helpcenter.search.scorers import SemanticScorer
from shopdesk.helpcenter.search.text import expansions, terms, words

logger = logging.getLogger(__name__)

# Field weights: a word in the question's title says more than the same word deep in the body.
FIELD_WEIGHTS = {"title": 3.0, "seed": 2.5, "keywords": 2.0, "body": 1.0}
FIELD_LENGTH_NORMALISATION = {"title": 0.4, "seed": 0.4, "keywords": 0.3, "body": 0.75}
K1 = 1.2
EXACT_QUESTION_BONUS = 100.0  # the customer typed the question as it is written: it comes first
SYNONYM_WEIGHT = 0.5
SEMANTIC_CANDIDATES = 50
# An article no query word matched is found by meaning alone only above this cosine similarity:
# below it, "zzzxqv" or "what's the weather" would still list the nearest articles.
SEMANTIC_ONLY_FLOOR = 0.45
# Results scoring below this fraction of the best result's score are cut: a two-word query such as
# "cancel order" shares a word with most articles, and the tail past the real answers is noise.
# Relative (not absolute) because BM25 scores grow with the number of query words. The exact-question
# bonus is left out of the comparison, so a typed seed question doesn't hide its close neighbours.
RELATIVE_CUTOFF = 0.3


@dataclass(frozen=True)
class IndexedDocument:
    id: int
    slug: str
    title: str
    seed: str = ""
    keywords: str = ""
    body: str = ""


@dataclass(frozen=True)
class Hit:
    document: IndexedDocument
    score: float
    matched_terms: frozenset[str] = field(default_factory=frozenset)


def _trigrams(term: str) -> set[str]:
    padded = f"^{term}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of two letters counts 1), stopping past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_typos(term: str) -> int:
    if len(term) < 4 or term.isdigit():
        return 0
    return 1 if len(term) < 8 else 2


def _phrase(text: str) -> str:
    return " ".join(words(text))


class SearchIndex:
    def __init__(
        self,
        documents: Iterable[IndexedDocument],
        *,
        semantic: SemanticScorer | None = None,
        semantic_weight: float = 0.4,
    ):
        self.documents: list[IndexedDocument] = list(documents)
        self.semantic = semantic
        self.semantic_weight = semantic_weight
        # term → {document position: saturated, field-weighted term frequency}; the BM25 tf part is
        # computed here once, so a query only multiplies by its weight and the term's idf.
        self.postings: dict[str, dict[int, float]] = {}
        self.idf: dict[str, float] = {}
        self._trigram_terms: dict[str, set[str]] = defaultdict(set)
        self._exact: dict[str, set[int]] = defaultdict(set)
        # Words as written (not stemmed), to spell-correct the query the semantic scorer reads.
        self._surface: Counter[str] = Counter()
        self._surface_trigrams: dict[str, set[str]] = defaultdict(set)
        self._build()

    def _build(self) -> None:
        fields = list(FIELD_WEIGHTS)
        counts = [{f: Counter(terms(getattr(doc, f))) for f in fields} for doc in self.documents]
        total = max(len(self.documents), 1)
        average = {f: (sum(sum(c[f].values()) for c in counts) / total) or 1.0 for f in fields}
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for position, (doc, per_field) in enumerate(zip(self.documents, counts, strict=True)):
            weighted: dict[str, float] = defaultdict(float)
            for f in fields:
                length = sum(per_field[f].values())
                b = FIELD_LENGTH_NORMALISATION[f]
                norm = 1 - b + b * length / average[f]
                for term, tf in per_field[f].items():
                    weighted[term] += FIELD_WEIGHTS[f] * tf / norm
            for term, value in weighted.items():
                postings[term][position] = value * (K1 + 1) / (value + K1)
            for text in (doc.title, doc.seed):
                if text:
                    self._exact[_phrase(text)].add(position)
        self.postings = dict(postings)
        n = len(self.documents)
        self.idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}
        for term in self.postings:
            for gram in _trigrams(term):
                self._trigram_terms[gram].add(term)
        for doc in self.documents:
            for f in fields:
                self._surface.update(words(getattr(doc, f)))
        for word in self._surface:
            for gram in _trigrams(word):
                self._surface_trigrams[gram].add(word)

    def spelled(self, query: str) -> str:
        """The query with each word the articles never use replaced by the closest one they do
        ("refnd tiem" → "refund time"), for the semantic scorer, which reads words, not stems."""
        out = []
        for word in words(query):
            limit = allowed_typos(word)
            if word in self._surface or not limit:
                out.append(word)
                continue
            shared: Counter[str] = Counter()
            for gram in _trigrams(word):
                shared.update(self._surface_trigrams.get(gram, ()))
            needed = max(1, len(_trigrams(word)) - 3 * limit)
            best: tuple[int, int, str] | None = None
            for candidate, count in shared.items():
                if count >= needed and abs(len(candidate) - len(word)) <= limit:
                    distance = edit_distance(word, candidate, limit)
                    key = (distance, -self._surface[candidate], candidate)
                    if distance <= limit and (best is None or key < best):
                        best = key
            out.append(best[2] if best else word)
        return " ".join(out)

    # --- query side -------------------------------------------------------------------------------
    def fuzzy_matches(self, term: str) -> list[tuple[str, int]]:
        """Vocabulary terms within the allowed number of typos, with their distance."""
        limit = allowed_typos(term)
        if not limit:
            return []
        grams = _trigrams(term)
        shared: Counter[str] = Counter()
        for gram in grams:
            shared.update(self._trigram_terms.get(gram, ()))
        # One edit destroys at most three trigrams, so fewer shared ones rule a term out cheaply.
        needed = max(1, len(grams) - 3 * limit)
        matches = []
        for candidate, count in shared.items():
            if count >= needed and abs(len(candidate) - len(term)) <= limit:
                distance = edit_distance(term, candidate, limit)
                if distance <= limit:
                    matches.append((candidate, distance))
        return matches

    def query_weights(self, query: str) -> dict[str, float]:
        """Each index term the query stands for, with how much it counts (typos and synonyms count less)."""
        query_terms = terms(query) or terms(query, keep_stop_words=True)
        weights: dict[str, float] = {}

        def add(term: str, weight: float) -> None:
            if term in self.postings and weights.get(term, 0.0) < weight:
                weights[term] = weight

        for term in query_terms:
            if term in self.postings:
                add(term, 1.0)
            else:
                for candidate, distance in self.fuzzy_matches(term):
                    add(candidate, 0.8 if distance == 1 else 0.6)
                if len(term) >= 5:  # an unfinished word: "refun" → "refund"
                    for candidate in self._trigram_terms.get(f"^{term[:2]}", ()):
                        if candidate.startswith(term):
                            add(candidate, 0.6)
            for synonym in expansions(term):
                add(synonym, SYNONYM_WEIGHT)
        return weights

    def search(self, query: str, *, limit: int = 10, cutoff: float = RELATIVE_CUTOFF) -> list[Hit]:
        """The best ``limit`` articles for the query, best first, without the tail below ``cutoff``."""
        weights = self.query_weights(query)
        scores: dict[int, float] = defaultdict(float)
        covered: dict[int, int] = defaultdict(int)
        full_terms = {t for t, w in weights.items() if w >= 0.6} or set(weights)
        for term, weight in weights.items():
            factor = weight * self.idf[term]
            counts_for_coverage = term in full_terms
            for position, saturated in self.postings[term].items():
                scores[position] += factor * saturated
                if counts_for_coverage:
                    covered[position] += 1
        # Coordination: an article that matches more of the question's words ranks higher.
        needed = max(len(full_terms), 1)
        for position in scores:
            scores[position] *= 0.5 + 0.5 * covered[position] / needed
        exact = self._exact.get(_phrase(query), set())
        if self.semantic is not None:
            ranked = self._blend_semantic(query, sorted(scores.items(), key=lambda item: (-item[1], item[0])))
        else:
            ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        ranked = _cut_tail([(p, s) for p, s in ranked if s > 0], cutoff)
        if exact:
            bonus = [(p, s + EXACT_QUESTION_BONUS) for p, s in ranked if p in exact]
            missing = [(p, EXACT_QUESTION_BONUS) for p in sorted(exact) if p not in dict(ranked)]
            ranked = bonus + missing + [(p, s) for p, s in ranked if p not in exact]
        ranked = heapq.nsmallest(limit, ranked, key=lambda item: (-item[1], item[0]))
        return [
            Hit(
                document=self.documents[p],
                score=round(s, 4),
                matched_terms=frozenset(t for t in weights if p in self.postings[t]),
            )
            for p, s in ranked
            if s > 0
        ]

    def _blend_semantic(self, query: str, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """Lexical scores (normalised by the best) blended with the scorer's; lexical alone if it fails."""
        assert self.semantic is not None
        positions = [p for p, _ in ranked[:SEMANTIC_CANDIDATES]] or list(range(len(self.documents)))
        lexical = dict(ranked)
        top = max(lexical.values(), default=0.0) or 1.0
        try:
            semantic = self.semantic.score(self.spelled(query), [self.documents[p] for p in positions])
        except Exception as exc:  # a broken or missing model must not break search
            logger.warning("semantic search scorer failed (%s); ranking by words only", type(exc).__name__)
            return ranked
        w = self.semantic_weight
        blended = [
            (p, (1 - w) * lexical.get(p, 0.0) / top + w * s)
            for p, s in zip(positions, semantic, strict=True)
            if p in lexical or s >= SEMANTIC_ONLY_FLOOR
        ]
        return sorted(blended, key=lambda item: (-item[1], item[0]))

    def terms_for_highlight(self, query: str) -> set[str]:
        return set(self.query_weights(query))


def _cut_tail(ranked: list[tuple[int, float]], cutoff: float) -> list[tuple[int, float]]:
    """``ranked`` (best first) without the results scoring under ``cutoff`` × the best score."""
    if not ranked or cutoff <= 0:
        return ranked
    floor = ranked[0][1] * cutoff
    return [(p, s) for p, s in ranked if s >= floor]


def rank_documents(documents: Sequence[IndexedDocument], query: str, limit: int = 10) -> list[Hit]:
    """Build a throw-away index and search it (tests and benchmarks)."""
    return SearchIndex(documents).search(query, limit=limit)
