"""Turn messages into one feature row: the MiniLM sentence embedding beside sparse word and
character n-gram TF-IDF features.

The embedding carries meaning ("my parcel never came" ~ "package not received"); the n-grams carry
the exact words that separate close intents ("billing" vs "shipping" address) and survive typos.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .encoder import SentenceEncoder

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


def normalise_for_ngrams(text: str) -> str:
    """Lower-case and fold digits, so "KW10023456" and "KW99887766" share their n-grams."""
    return _NUMBERS.sub("0", text.lower())


class FeatureBuilder:
    def __init__(self, encoder: SentenceEncoder) -> None:
        self.encoder = encoder
        self.word = TfidfVectorizer(**_WORD_PARAMS)
        self.char = TfidfVectorizer(**_CHAR_PARAMS)

    def fit(self, texts: Sequence[str]) -> None:
        folded = [normalise_for_ngrams(t) for t in texts]
        self.word.fit(folded)
        self.char.fit(folded)

    def transform(self, texts: Sequence[str], embeddings: np.ndarray | None = None) -> sp.csr_matrix:
        """Feature rows for ``texts``; pass ``embeddings`` when they are already computed."""
        if embeddings is None:
            embeddings = self.encoder.encode(texts)
        folded = [normalise_for_ngrams(t) for t in texts]
        blocks = [
            sp.csr_matrix(embeddings * np.float32(EMBEDDING_WEIGHT)),
            self.word.transform(folded) * np.float32(WORD_WEIGHT),
            self.char.transform(folded) * np.float32(CHAR_WEIGHT),
        ]
        return sp.hstack(blocks, format="csr", dtype=np.float32)

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
        }

    @classmethod
    def from_arrays(cls, encoder: SentenceEncoder, arrays: dict[str, np.ndarray]) -> FeatureBuilder:
        builder = cls(encoder)
        for name, vectorizer in (("word", builder.word), ("char", builder.char)):
            vectorizer.vocabulary_ = json.loads(str(arrays[f"{name}_vocabulary"]))
            vectorizer.idf_ = arrays[f"{name}_idf"]
        return builder
