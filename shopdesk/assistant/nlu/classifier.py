"""The intent classifier: multinomial logistic regression over ``features``, with a temperature
that calibrates its confidence and a threshold below which a message is out of scope.

Training takes seconds; the result is saved as plain arrays (``.npz``, no pickle) in the cache,
named by a hash of the examples, the weights, the backend and ``CODE_VERSION``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .augment import augmented
from .cache import cache_dir, write_atomically
from .embedding_cache import embed
from .encoder import GRAPH_VERSION, SentenceEncoder
from .examples import OUT_OF_SCOPE, Example, examples_digest, load_examples
from .features import FeatureBuilder

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)

# Bump whenever features or training change in a way that makes cached models stale.
CODE_VERSION = "7"
REGULARISATION_C = 8.0
# Below this calibrated confidence the top intent is not trusted and the answer is out_of_scope.
# Chosen by `shopdesk nlu eval --cv 5 --sweep` on our own written examples (the best mean of in-scope
# accuracy and out-of-scope recall out of fold: 0.898 / 0.963 at 0.40, against 0.901 / 0.959 at 0.35),
# never on the external dev sets; see docs/nlu.md.
OOS_THRESHOLD = 0.40
TEMPERATURES = np.linspace(0.25, 4.0, 61)


@dataclass
class IntentModel:
    features: FeatureBuilder
    classes: list[str]
    weights: np.ndarray  # (n_features, n_classes), float32
    intercept: np.ndarray  # (n_classes,)
    temperature: float
    threshold: float = OOS_THRESHOLD

    def probabilities(self, texts: list[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """Calibrated class probabilities, one row per text (columns follow ``classes``);
        ``embeddings``, when given, must be those of ``features.prepare(text)``."""
        return self.prepared_probabilities([self.features.prepare(t) for t in texts], embeddings)

    def prepared_probabilities(self, prepared: list[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """``probabilities`` of texts already through ``features.prepare`` (the spelling pass runs once)."""
        if embeddings is None:
            embeddings = self.features.encoder.encode(prepared)
        logits = self.features.logits(prepared, embeddings, self.weights) + self.intercept
        return softmax(logits / np.float32(self.temperature))

    def reference_probabilities(self, texts: list[str], embeddings: np.ndarray | None = None) -> np.ndarray:
        """``probabilities`` through scikit-learn's vectorizers and a sparse product, as training
        computes the features: the reference ``prepared_probabilities`` is checked against."""
        logits = np.asarray(self.features.transform(texts, embeddings) @ self.weights) + self.intercept
        return softmax(logits / np.float32(self.temperature))

    def save(self, path: Path) -> None:
        arrays = {
            **self.features.to_arrays(),
            "classes": np.array(self.classes),
            "weights": self.weights,
            "intercept": self.intercept,
            "temperature": np.array(self.temperature, dtype=np.float32),
            "threshold": np.array(self.threshold, dtype=np.float32),
        }
        write_atomically(path, lambda tmp: _savez(tmp, arrays))

    @classmethod
    def load(cls, path: Path, encoder: SentenceEncoder) -> IntentModel:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        return cls(
            features=FeatureBuilder.from_arrays(encoder, arrays),
            classes=[str(c) for c in arrays["classes"]],
            weights=arrays["weights"],
            intercept=arrays["intercept"],
            temperature=float(arrays["temperature"]),
            # The threshold is a decision about the model, not part of it: changing it needs no retraining.
            threshold=OOS_THRESHOLD,
        )


def _savez(tmp: Path, arrays: dict[str, np.ndarray]) -> None:
    with tmp.open("wb") as handle:
        np.savez(handle, **arrays)  # type: ignore[arg-type]


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)


def train(examples: list[Example], encoder: SentenceEncoder) -> IntentModel:
    """Fit features and classifier on ``examples`` and their noisy copies; calibrate on held-out predictions."""
    from sklearn.model_selection import StratifiedKFold

    started = time.perf_counter()
    vocabulary = [e.text for e in examples]
    examples = examples + augmented(examples)
    texts = [e.text for e in examples]
    labels = np.array([e.intent for e in examples])
    features = FeatureBuilder(encoder)
    features.fit(texts, vocabulary)
    embeddings = embed(encoder, [features.prepare(t) for t in texts])
    matrix = features.transform(texts, embeddings)
    classes = sorted({str(label) for label in labels})
    index = {c: i for i, c in enumerate(classes)}
    targets = np.array([index[label] for label in labels])

    # Logits for messages the model has not seen, to fit the temperature: train on one half, predict
    # the other. One split (not k folds) keeps training well under 30 s; a single number needs no more.
    fit_rows, held_rows = next(
        StratifiedKFold(n_splits=2, shuffle=True, random_state=0).split(texts, targets)
    )
    half = _fit(matrix[fit_rows], targets[fit_rows], tol=1e-3)
    held_logits = np.full((len(held_rows), len(classes)), -30.0, dtype=np.float32)
    held_logits[:, half.classes_] = half.decision_function(matrix[held_rows])
    held_targets = targets[held_rows]
    temperature = _best_temperature(held_logits, held_targets)

    final = _fit(matrix, targets, tol=1e-3)
    logger.info("trained intent model on %d examples in %.1fs", len(texts), time.perf_counter() - started)
    return IntentModel(
        features=features,
        classes=classes,
        weights=np.ascontiguousarray(final.coef_.T, dtype=np.float32),
        intercept=final.intercept_.astype(np.float32),
        temperature=temperature,
    )


def _fit(matrix: object, targets: np.ndarray, tol: float) -> LogisticRegression:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=REGULARISATION_C, max_iter=3000, tol=tol)
    model.fit(matrix, targets)
    return model


def _best_temperature(logits: np.ndarray, targets: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of the held-out predictions."""
    rows = np.arange(len(targets))
    losses = [-np.log(softmax(logits / t)[rows, targets] + 1e-9).mean() for t in TEMPERATURES]
    return float(TEMPERATURES[int(np.argmin(losses))])


def model_key(encoder: SentenceEncoder, holdout: bool) -> str:
    parts = [
        examples_digest(),
        CODE_VERSION,
        encoder.files.weights_sha256,
        encoder.backend,
        GRAPH_VERSION,
        str(holdout),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def load_or_train(encoder: SentenceEncoder, *, holdout: bool = False, retrain: bool = False) -> IntentModel:
    """The cached model for the current examples, training (and caching) it when there is none.

    ``holdout=True`` trains without the held-out 15% of examples, to measure false rejects honestly.
    """
    path = cache_dir() / f"intent-model-{model_key(encoder, holdout)}.npz"
    if path.exists() and not retrain:
        return IntentModel.load(path, encoder)
    examples = [e for e in load_examples() if not (holdout and e.held_out)]
    model = train(examples, encoder)
    model.save(path)
    return model


def held_out_examples() -> list[Example]:
    return [e for e in load_examples() if e.held_out]


__all__ = ["OOS_THRESHOLD", "OUT_OF_SCOPE", "IntentModel", "held_out_examples", "load_or_train", "train"]
