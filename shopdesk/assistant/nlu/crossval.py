"""k-fold cross-validation on our own written examples: the honest figure for wording the model
has not seen, and the data the out-of-scope threshold and the encoder backend are chosen on.

Each fold trains on the other folds' hand-written examples (and their noisy copies) plus every
generated framing, and predicts its own hand-written examples; the out-of-fold predictions of all
folds are scored together. Generated framings are always trained on: they are short action phrases
in fixed framings, not shoppers' messages, so they are not worth measuring on.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import StratifiedKFold

from .augment import typo_copy
from .classifier import IntentModel, train
from .encoder import SentenceEncoder
from .evaluation import LabelledLine, Report, score
from .examples import OUT_OF_SCOPE, OUT_OF_SCOPE_FAMILY, Example, load_examples


@dataclass
class CrossValidation:
    folds: int
    lines: list[LabelledLine]
    classes: list[str]
    probabilities: np.ndarray  # out-of-fold, one row per line
    seconds: float
    noisy_lines: list[LabelledLine] | None = None  # the typo'd copies, when asked for
    noisy_probabilities: np.ndarray | None = None

    def predictions(self, threshold: float) -> list[str]:
        return [decide(self.classes, row, threshold) for row in self.probabilities]

    def report(self, threshold: float) -> Report:
        return score(self.lines, self.predictions(threshold))

    def noisy_report(self, threshold: float) -> Report:
        if self.noisy_lines is None or self.noisy_probabilities is None:
            raise ValueError("cross-validated without noisy copies")
        predictions = [decide(self.classes, row, threshold) for row in self.noisy_probabilities]
        return score(self.noisy_lines, predictions)


def decide(classes: Sequence[str], probabilities: np.ndarray, threshold: float) -> str:
    top = int(np.argmax(probabilities))
    if classes[top] != OUT_OF_SCOPE and float(probabilities[top]) < threshold:
        return OUT_OF_SCOPE
    return classes[top]


def accept(intent: str) -> frozenset[str]:
    return OUT_OF_SCOPE_FAMILY if intent in OUT_OF_SCOPE_FAMILY else frozenset({intent})


def cross_validate(
    encoder: SentenceEncoder,
    folds: int = 5,
    *,
    examples: list[Example] | None = None,
    seed: int = 0,
    noisy: bool = False,
) -> CrossValidation:
    """Out-of-fold class probabilities for every hand-written example (and its typo'd copy)."""
    from .pipeline import classification_text  # the pipeline imports the classifier, not the reverse

    started = time.perf_counter()
    examples = load_examples() if examples is None else examples
    written = [e for e in examples if not e.generated]
    generated = [e for e in examples if e.generated]
    labels = np.array([e.intent for e in written])
    classes = sorted({e.intent for e in examples})
    probabilities = np.zeros((len(written), len(classes)), dtype=np.float32)
    typed = [typo_copy(e.text) for e in written] if noisy else []
    noisy_probabilities = np.zeros_like(probabilities) if noisy else None
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fit_rows, test_rows in splitter.split(np.zeros(len(written)), labels):
        model: IntentModel = train(generated + [written[i] for i in fit_rows], encoder)
        if model.classes != classes:
            raise RuntimeError("a fold lost an intent: every intent needs generated or written examples")
        probabilities[test_rows] = model.probabilities(
            [classification_text(written[i].text) for i in test_rows]
        )
        if noisy_probabilities is not None:
            noisy_probabilities[test_rows] = model.probabilities(
                [classification_text(typed[i]) for i in test_rows]
            )
    lines = [LabelledLine(e.text, accept(e.intent), e.intent) for e in written]
    noisy_lines = (
        [LabelledLine(t, accept(e.intent), e.intent) for t, e in zip(typed, written, strict=True)]
        if noisy
        else None
    )
    return CrossValidation(
        folds,
        lines,
        classes,
        probabilities,
        time.perf_counter() - started,
        noisy_lines,
        noisy_probabilities,
    )


def best_threshold(cv: CrossValidation, thresholds: Sequence[float]) -> tuple[float, Report]:
    """The threshold with the best mean of in-scope accuracy and out-of-scope recall, out of fold."""
    scored = [(t, cv.report(t)) for t in thresholds]
    return max(scored, key=lambda item: (item[1].in_scope_accuracy + item[1].out_of_scope_recall) / 2)
