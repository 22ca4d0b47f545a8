"""The word and character n-gram TF-IDF features of a few messages, without scikit-learn.

Training fits two scikit-learn ``TfidfVectorizer`` (``features``); answering one message with them
costs more in their per-call machinery (input validation, sparse matrices, a stacked matrix) than in
the arithmetic. ``NgramScorer`` computes the same features from the fitted vocabularies and idf
weights — the same analyzers (lower case, accents stripped, the word pattern and its bigrams, the
character n-grams inside word boundaries), sublinear tf, idf, L2 norm per block, block weight — and
multiplies only the rows of the weight matrix of the n-grams present in the message.
``tests/assistant/test_ngrams.py`` checks it gives the vectorizers' features and the model's
probabilities over every written example and odd, noisy strings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import numpy as np


def strip_accents(text: str) -> str:
    """scikit-learn's ``strip_accents_unicode``: NFKD, then without combining marks (ASCII as it is)."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _preprocess(text: str) -> str:
    return strip_accents(text.lower())


def word_ngrams(text: str, token_pattern: re.Pattern[str], n_max: int) -> list[str]:
    """The ``analyzer="word"`` n-grams (1 to ``n_max``) of ``text``."""
    tokens = token_pattern.findall(_preprocess(text))
    grams = list(tokens)
    for n in range(2, min(n_max, len(tokens)) + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_wb_ngrams(text: str, n_min: int, n_max: int) -> list[str]:
    """The ``analyzer="char_wb"`` n-grams of ``text``: inside each word padded with one space."""
    grams: list[str] = []
    for word in _preprocess(text).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(n_min, n_max + 1):
            if length <= n:  # a short word is counted once, whole, at the first n that covers it
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(length - n + 1)]
    return grams


class _Block:
    """One fitted vectorizer's vocabulary and idf, and where its columns start in the weights."""

    def __init__(self, vocabulary: Mapping[str, int], idf: np.ndarray, offset: int, weight: float) -> None:
        self.vocabulary = vocabulary  # shared with the model, not copied
        self.idf = np.asarray(idf, dtype=np.float32)
        self.offset = offset
        self.weight = np.float32(weight)

    def features(self, grams: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Columns (into the weights) and values of the n-grams of the vocabulary."""
        counts: dict[int, int] = {}
        get = self.vocabulary.get
        for gram in grams:
            column = get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32)
        columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        values = (np.log(values) + np.float32(1.0)) * self.idf[columns]  # sublinear tf, then idf
        norm = np.sqrt(np.sum(np.square(values), dtype=np.float64))
        if norm > 0.0:
            values = (values / norm).astype(np.float32)
        return columns + self.offset, values * self.weight


class NgramScorer:
    """Word and char_wb TF-IDF features of texts, and their contribution to the logits."""

    def __init__(
        self,
        word: tuple[Mapping[str, int], np.ndarray, float],
        char: tuple[Mapping[str, int], np.ndarray, float],
        *,
        offset: int,
        token_pattern: str,
        word_range: tuple[int, int],
        char_range: tuple[int, int],
    ) -> None:
        if word_range[0] != 1 or char_range[0] < 1:
            raise ValueError("word n-grams must start at 1 and char n-grams at 1 or more")
        self.word = _Block(*word[:2], offset=offset, weight=word[2])
        self.char = _Block(*char[:2], offset=offset + len(word[1]), weight=char[2])
        self.width = offset + len(word[1]) + len(char[1])
        self._pattern = re.compile(token_pattern)
        self._word_max = word_range[1]
        self._char_range = char_range

    def features(self, folded: str) -> tuple[np.ndarray, np.ndarray]:
        """Columns (after ``offset``) and values of the n-gram features of one folded text."""
        word_columns, word_values = self.word.features(word_ngrams(folded, self._pattern, self._word_max))
        char_columns, char_values = self.char.features(char_wb_ngrams(folded, *self._char_range))
        return np.concatenate([word_columns, char_columns]), np.concatenate([word_values, char_values])

    def logits(self, folded: list[str], weights: np.ndarray) -> np.ndarray:
        """``features(text) @ weights`` for each text, using only the rows of present n-grams."""
        if weights.shape[0] != self.width:
            raise ValueError(f"weights have {weights.shape[0]} rows, the features {self.width} columns")
        out = np.zeros((len(folded), weights.shape[1]), dtype=np.float32)
        for row, text in enumerate(folded):
            columns, values = self.features(text)
            if len(columns):
                out[row] = values @ weights[columns]
        return out
