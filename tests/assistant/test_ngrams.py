"""The classifier answers without scikit-learn (``ngrams.NgramScorer``): the same n-gram features as
the fitted vectorizers, the same probabilities and intents as the scikit-learn path training uses,
over every written example and noisy, shouted and odd strings. And the fast paths of ``clean`` and
``is_understandable`` give what the character-by-character definitions give."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer, strip_accents_unicode

from shopdesk.assistant.nlu.augment import noisy_copy
from shopdesk.assistant.nlu.classifier import IntentModel
from shopdesk.assistant.nlu.embedding_cache import embed
from shopdesk.assistant.nlu.encoder import EMBEDDING_DIM, get_encoder
from shopdesk.assistant.nlu.examples import intent_specs
from shopdesk.assistant.nlu.features import FeatureBuilder, normalise_for_ngrams
from shopdesk.assistant.nlu.ngrams import char_wb_ngrams, strip_accents, word_ngrams
from shopdesk.assistant.nlu.pipeline import clean, decide_intent, is_understandable

ODD = [
    "",
    " ",
    "a",
    "I",
    "x y",
    "\x00\x01 where is my order\x7f\x85",
    "😀😀😀 🙏",
    "где мой заказ KW10023456",
    "我的订单在哪里",
    "Où est ma commande? j'ai payé 42 € à Zürich",
    "ｆｕｌｌｗｉｄｔｈ ｏｒｄｅｒ and ligatures ﬁnd ﬂight",
    "cafe\u0301 nai\u0308ve combining marks",
    "ŞİŞLİ İstanbul ǅ ß ẞ",
    "cancle my ordr pls",
    "U R USELESS, WHERE IS MY PARCEL!!!",
    "refund\tplease\n\nnow\r\n",
    "don't won't i'm it's 'quoted' ''",
    "a" * 300,
    "retun " * 80,
    "KW10023456 KW99887766 #10023456 1Z999AA10123456784 $42.00 9,99 €",
    "i want to retun the dress i bought last tuesday, size M, it was to small",
    "\u200b\u200d\ufeff zero width and BOM",
    "tab\u00a0nbsp\u2003em space\u2028line sep",
]


def _messages() -> list[str]:
    written = [text for spec in intent_specs() for text in spec.examples]
    noisy = [copy for text in written if (copy := noisy_copy(text))]
    shouted = [text.upper() for text in written[::7]]
    return written + noisy + shouted + ODD


@pytest.fixture(scope="module")
def messages() -> list[str]:
    return _messages()


@pytest.fixture(scope="module")
def vectors(intent_model: IntentModel, messages: list[str]) -> np.ndarray:
    prepared = [intent_model.features.prepare(t) for t in messages]
    return embed(intent_model.features.encoder, prepared)  # the written examples' are in the cache


def test_the_probabilities_are_those_of_the_scikit_learn_path(
    intent_model: IntentModel, messages: list[str], vectors: np.ndarray
) -> None:
    lean = intent_model.probabilities(messages, vectors)
    reference = intent_model.reference_probabilities(messages, vectors)
    assert lean.shape == reference.shape == (len(messages), len(intent_model.classes))
    # float32 sums of a few hundred terms in another order: on one CPU they agreed to 1e-5, on another
    # 2 of 264,868 probabilities differed by 1.7e-5 (relative); what decides must not differ at all.
    np.testing.assert_allclose(lean, reference, rtol=5e-5, atol=1e-6)
    assert (lean.argmax(axis=1) == reference.argmax(axis=1)).all()
    threshold = intent_model.threshold
    assert [decide_intent(intent_model, row, threshold) for row in lean] == [
        decide_intent(intent_model, row, threshold) for row in reference
    ]


def test_one_message_at_a_time_gives_the_batch_rows(
    intent_model: IntentModel, messages: list[str], vectors: np.ndarray
) -> None:
    rows = list(range(0, len(messages), 37)) + list(range(len(messages) - len(ODD), len(messages)))
    batch = intent_model.probabilities([messages[i] for i in rows], vectors[rows])
    for k, i in enumerate(rows):
        single = intent_model.prepared_probabilities(
            [intent_model.features.prepare(messages[i])], vectors[[i]]
        )
        np.testing.assert_allclose(single[0], batch[k], rtol=1e-5, atol=1e-6)


def test_the_n_gram_features_are_those_of_the_fitted_vectorizers(
    intent_model: IntentModel, messages: list[str], vectors: np.ndarray
) -> None:
    features = intent_model.features
    matrix = features.transform(messages, vectors).tocsr()
    scorer = features.scorer()
    assert matrix.shape[1] == scorer.width
    for row, text in enumerate(messages):
        columns, values = scorer.features(normalise_for_ngrams(features.prepare(text)))
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        expected = {
            int(c): float(v)
            for c, v in zip(matrix.indices[start:end], matrix.data[start:end], strict=True)
            if c >= EMBEDDING_DIM
        }
        got = dict(zip(columns.tolist(), values.tolist(), strict=True))
        assert got.keys() == expected.keys(), text
        assert np.allclose([got[c] for c in expected], list(expected.values()), rtol=1e-5, atol=1e-7), text


def test_a_freshly_fitted_builder_and_its_saved_copy_score_alike() -> None:
    """The scorer reads the vectorizers of a fit as well as the arrays of a saved model."""
    corpus = [t for spec in intent_specs()[:6] for t in spec.examples[:20]] + ODD
    builder = FeatureBuilder(get_encoder())
    builder.fit(corpus)
    assert isinstance(builder.word, TfidfVectorizer)
    loaded = FeatureBuilder.from_arrays(get_encoder(), builder.to_arrays())
    width = builder.scorer().width
    weights = np.random.default_rng(0).standard_normal((width, 5)).astype(np.float32)
    prepared = [builder.prepare(t) for t in corpus]
    embeddings = np.random.default_rng(1).standard_normal((len(corpus), EMBEDDING_DIM)).astype(np.float32)
    reference = np.asarray(builder.transform(corpus, embeddings) @ weights)
    for fitted in (builder, loaded):
        np.testing.assert_allclose(
            fitted.logits(prepared, embeddings, weights), reference, rtol=1e-4, atol=1e-5
        )


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_the_analyzers_are_scikit_learns(text: str) -> None:
    word = TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w[\w']*\b", strip_accents="unicode")
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), strip_accents="unicode")
    assert strip_accents(text) == strip_accents_unicode(text)
    assert sorted(word_ngrams(text, re.compile(r"(?u)\b\w[\w']*\b"), 2)) == sorted(
        word.build_analyzer()(text)
    )
    assert sorted(char_wb_ngrams(text, 2, 5)) == sorted(char.build_analyzer()(text))


def _clean_by_character(text: str) -> str:
    return "".join(
        " " if unicodedata.category(c) in ("Cc", "Cs", "Co") and c not in "\n\t" else c for c in text
    )


def _understandable_by_character(text: str) -> bool:
    latin = other = 0
    for char in text[:2000]:
        if char.isalpha():
            if "LATIN" in unicodedata.name(char, ""):
                latin += 1
            else:
                other += 1
        elif char.isdigit():
            latin += 1
    return latin >= 2 and latin >= other


@pytest.mark.parametrize("text", [*ODD, "\ue000 private use", "\U000f0000 plane 15", "ok\x1b[0m"])
def test_clean_and_readability_fast_paths_match_their_definitions(text: str) -> None:
    assert clean(text) == _clean_by_character(text)
    assert is_understandable(text) == _understandable_by_character(text)


@given(st.text(max_size=80))
@settings(max_examples=400, deadline=None)
def test_clean_and_readability_fast_paths_on_any_text(text: str) -> None:
    assert clean(text) == _clean_by_character(text)
    assert is_understandable(text) == _understandable_by_character(text)
