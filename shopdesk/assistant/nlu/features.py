"""Turn messages into one feature row: the MiniLM sentence embedding beside sparse word and
character n-gram TF-IDF features, after a pass that writes out chat shorthand ("u", "pls") and
corrects misspellings against the training vocabulary (``spelling``).

The embedding carries meaning ("my parcel never came" ~ "package not received"); the n-grams carry
the exact words that separate close intents ("billing" vs "shipping" address) and survive typos.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .encoder import EMBEDDING_DIM, SentenceEncoder
from .ngrams import NgramScorer
from .spelling import Speller, wordpiece_words

if TYPE_CHECKING:
    import scipy.sparse as sp

# Relative weights of the three blocks (each block is L2-normalised to length 1 first).
EMBEDDING_WEIGHT = 1.0
WORD_WEIGHT = 0.8
CHAR_WEIGHT = 0.8

_WORD_PARAMS = {
    "analyzer": "word",
    "ngram_range": (1, 2),
    "sublinear_tf": True,
    "min_df": 1,
    "token_pattern": r"(?u)\b\w[\w']*\b",
    "dtype": np.float32,
    "strip_accents": "unicode",
}
_CHAR_PARAMS = {
    "analyzer": "char_wb",
    "ngram_range": (2, 5),
    "sublinear_tf": True,
    "min_df": 2,
    "dtype": np.float32,
    "strip_accents": "unicode",
    "max_features": 60000,
}
_NUMBERS = re.compile(r"\d")
# Chat shorthand that the encoder's vocabulary reads as something else ("u" is a letter, "r" too).
SHORTHAND = {
    "u": "you",
    "r": "are",
    "ur": "your",
    "ure": "you're",
    "pls": "please",
    "plz": "please",
    "pl": "please",
    "thx": "thanks",
    "ty": "thank you",
    "wat": "what",
    "wut": "what",
    "cuz": "because",
    "bc": "because",
    "coz": "because",
    "dont": "don't",
    "cant": "can't",
    "wont": "won't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "havent": "haven't",
    "isnt": "isn't",
    "im": "I'm",
    "ive": "I've",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "have to",
    "hv": "have",
    "abt": "about",
    "msg": "message",
    "info": "information",
    "asap": "as soon as possible",
    "n": "and",
    "b4": "before",
    "2day": "today",
    "tmrw": "tomorrow",
    "rcvd": "received",
    "recd": "received",
    "addr": "address",
    "pkg": "package",
    "qty": "quantity",
    "acc": "account",
    "amt": "amount",
    "pymt": "payment",
    "pmt": "payment",
}
_SHORTHAND_WORD = re.compile(
    r"(?<![\w'])(" + "|".join(sorted(SHORTHAND, key=len, reverse=True)) + r")(?![\w'])", re.IGNORECASE
)


# The postal code has a name per country; "pin code" (India) is not a PIN and "zip" is not a file.
_POSTCODE = re.compile(r"\b(?:pin|zip|postal|post)[ -]?codes?\b|\bpincodes?\b|\bzipcodes?\b", re.IGNORECASE)


def expand_shorthand(text: str) -> str:
    """ "u r useless" → "you are useless"; lower-case shorthand only (an "N" or "R" may be a size or a grade).
    Every name of the postal code becomes "postcode"."""
    text = _POSTCODE.sub("postcode", text)
    return _SHORTHAND_WORD.sub(lambda m: SHORTHAND[m.group()] if m.group().islower() else m.group(), text)


def normalise_for_ngrams(text: str) -> str:
    """Lower-case and fold digits, so "KW10023456" and "KW99887766" share their n-grams."""
    return _NUMBERS.sub("0", text.lower())


class _Fitted:
    """A fitted vectorizer's state as inference needs it: its vocabulary and idf weights."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray) -> None:
        self.vocabulary_ = vocabulary
        self.idf_ = idf


class FeatureBuilder:
    """Fits the n-gram vocabularies with scikit-learn (``fit``, ``transform``: training); answers
    messages with ``logits``, which computes the same features without it."""

    def __init__(self, encoder: SentenceEncoder) -> None:
        self.encoder = encoder
        # TfidfVectorizer when fitted here; the vocabulary and idf alone when loaded from the cache.
        self.word: Any = None
        self.char: Any = None
        self.speller = Speller({}, ())
        self._scorer: NgramScorer | None = None

    def fit(self, texts: Sequence[str], vocabulary: Sequence[str] | None = None) -> None:
        """Learn the spelling vocabulary (from ``vocabulary``, default ``texts``: noisy copies of
        examples must not teach it their typos), then the n-gram vocabularies of the prepared texts."""
        vocabulary = texts if vocabulary is None else vocabulary
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.speller = Speller.from_texts([expand_shorthand(t) for t in vocabulary], self._known_words())
        folded = [normalise_for_ngrams(self.prepare(t)) for t in texts]
        self.word = TfidfVectorizer(**_WORD_PARAMS).fit(folded)
        self.char = TfidfVectorizer(**_CHAR_PARAMS).fit(folded)
        self._scorer = None

    def _known_words(self) -> frozenset[str]:
        return wordpiece_words(self.encoder.tokenizer.get_vocab())

    def prepare(self, text: str) -> str:
        """The text the features are computed on: shorthand written out, misspellings corrected."""
        return self.speller.correct(expand_shorthand(text))

    def transform(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> sp.csr_matrix:
        """Feature rows for ``texts`` with scikit-learn (training); ``embeddings``, when given, must be
        those of ``prepare(text)``."""
        import scipy.sparse as sp
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [self.prepare(t) for t in texts]
        if embeddings is None:
            embeddings = self.encoder.encode(texts)
        folded = [normalise_for_ngrams(t) for t in texts]
        blocks = [sp.csr_matrix(embeddings * np.float32(EMBEDDING_WEIGHT))]
        for fitted, params, weight in (
            (self.word, _WORD_PARAMS, WORD_WEIGHT),
            (self.char, _CHAR_PARAMS, CHAR_WEIGHT),
        ):
            if not isinstance(fitted, TfidfVectorizer):  # loaded from the cache: rebuild the vectorizer
                vectorizer = TfidfVectorizer(**params)
                vectorizer.vocabulary_, vectorizer.idf_ = fitted.vocabulary_, fitted.idf_
                fitted = vectorizer
            blocks.append(fitted.transform(folded) * np.float32(weight))
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def scorer(self) -> NgramScorer:
        """The n-gram features without scikit-learn, built once per fitted or loaded model."""
        if self._scorer is None:
            self._scorer = NgramScorer(
                (self.word.vocabulary_, self.word.idf_, WORD_WEIGHT),
                (self.char.vocabulary_, self.char.idf_, CHAR_WEIGHT),
                offset=EMBEDDING_DIM,
                token_pattern=str(_WORD_PARAMS["token_pattern"]),
                word_range=_WORD_PARAMS["ngram_range"],  # type: ignore[arg-type]
                char_range=_CHAR_PARAMS["ngram_range"],  # type: ignore[arg-type]
            )
        return self._scorer

    def logits(self, prepared: Sequence[str], embeddings: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """``transform(texts, embeddings) @ weights`` for already prepared texts (``prepare``),
        computed without scikit-learn or sparse matrices: the embedding block times its rows of the
        weights, plus the rows of the n-grams present."""
        embedded = (np.asarray(embeddings, dtype=np.float32) * np.float32(EMBEDDING_WEIGHT)) @ weights[
            :EMBEDDING_DIM
        ]
        return embedded + self.scorer().logits([normalise_for_ngrams(t) for t in prepared], weights)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "word_vocabulary": np.array(
                json.dumps({k: int(v) for k, v in self.word.vocabulary_.items()}, ensure_ascii=False)
            ),
            "word_idf": self.word.idf_.astype(np.float32),
            "char_vocabulary": np.array(
                json.dumps({k: int(v) for k, v in self.char.vocabulary_.items()}, ensure_ascii=False)
            ),
            "char_idf": self.char.idf_.astype(np.float32),
            "speller_counts": np.array(self.speller.to_json()),
        }

    @classmethod
    def from_arrays(cls, encoder: SentenceEncoder, arrays: dict[str, np.ndarray]) -> FeatureBuilder:
        builder = cls(encoder)
        builder.word, builder.char = (
            _Fitted(json.loads(str(arrays[f"{name}_vocabulary"])), arrays[f"{name}_idf"])
            for name in ("word", "char")
        )
        builder.speller = Speller.from_json(str(arrays["speller_counts"]), builder._known_words())
        return builder
