"""A spelling pass against the store's own vocabulary: "cancle" → "cancel", "retun" → "return".

The vocabulary is the words of the training examples (what shoppers say to this store). A word is
only corrected when it is unknown both to that vocabulary and to the encoder's word-piece vocabulary
(about 20,000 common English words), so "ship", "dress" or a brand name are left alone; it is then
replaced by the closest vocabulary word within one edit (two for words of eight letters or more),
the more frequent word winning a tie. Digits, short words and capitalised codes are never touched.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z][a-z']*[a-z]|[a-z]")
MIN_LENGTH = 4  # "teh" or "ur" are too short to correct safely
MIN_COUNT = 2  # a vocabulary word seen once may itself be a typo in an example


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of two letters counts 1), stopping past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(word: str) -> int:
    return 1 if len(word) < 8 else 2


class Speller:
    """Corrects unknown words to the closest word of a vocabulary (see the module docstring)."""

    def __init__(self, counts: dict[str, int], known: Iterable[str] = ()) -> None:
        self.counts = dict(counts)
        self.known = frozenset(known) | frozenset(self.counts)
        self._candidates: dict[int, list[str]] = {}
        for word, count in self.counts.items():
            if count >= MIN_COUNT and len(word) >= MIN_LENGTH and word.isalpha():
                self._candidates.setdefault(len(word), []).append(word)
        self.correct_word = lru_cache(maxsize=20_000)(self._correct_word)

    @classmethod
    def from_texts(cls, texts: Iterable[str], known: Iterable[str] = ()) -> Speller:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(w.lower() for w in _WORD.findall(text))
        return cls(dict(counts), known)

    def _correct_word(self, word: str) -> str:
        lower = word.lower()
        if len(lower) < MIN_LENGTH or lower in self.known or not lower.replace("'", "").isalpha():
            return word
        limit = allowed_edits(lower)
        best: tuple[int, int, str] | None = None
        for length in range(len(lower) - limit, len(lower) + limit + 1):
            for candidate in self._candidates.get(length, ()):
                distance = edit_distance(lower, candidate, limit)
                if distance > limit:
                    continue
                key = (distance, -self.counts[candidate], candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best else word

    def correct(self, text: str) -> str:
        """``text`` with its unknown words corrected; everything else kept as it is."""

        def replace(match: re.Match[str]) -> str:
            word = match.group()
            if word[0].isupper() and word[1:].isupper():
                return word  # a code or a shout: "SPRING20" or "WHERE" is not a typo
            return self.correct_word(word)

        return _WORD.sub(replace, text)

    def to_json(self) -> str:
        return json.dumps(self.counts, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, counts_json: str, known: Iterable[str] = ()) -> Speller:
        return cls({str(k): int(v) for k, v in json.loads(counts_json).items()}, known)


def wordpiece_words(vocabulary: Iterable[str]) -> frozenset[str]:
    """The whole words of a word-piece vocabulary (no "##" continuations, letters only)."""
    return frozenset(w for w in vocabulary if w.isalpha() and w.isascii() and not w.startswith("##"))
