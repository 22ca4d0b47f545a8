"""k-fold cross-validation on our own examples: every written example is predicted by a model that
never saw it (nor a noisy copy of it), and the command refuses nonsense fold counts."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from shopdesk.assistant.nlu import crossval
from shopdesk.assistant.nlu.classifier import train
from shopdesk.assistant.nlu.encoder import get_encoder
from shopdesk.assistant.nlu.examples import Example, load_examples


def small_set() -> list[Example]:
    chosen = {"cancel_order", "track_order", "out_of_scope", "greeting"}
    examples = [e for e in load_examples() if e.intent in chosen]
    written = [e for e in examples if not e.generated]
    per_intent: dict[str, list[Example]] = {}
    for e in written:
        per_intent.setdefault(e.intent, []).append(e)
    return [e for group in per_intent.values() for e in group[:12]] + [e for e in examples if e.generated][
        :20
    ]


def test_each_example_is_predicted_by_a_model_that_never_saw_it(monkeypatch: pytest.MonkeyPatch) -> None:
    seen_by_fold: list[set[str]] = []

    def recording_train(examples: list[Example], encoder: object) -> object:
        seen_by_fold.append({e.text for e in examples})
        return train(examples, encoder)  # type: ignore[arg-type]

    monkeypatch.setattr(crossval, "train", recording_train)
    examples = small_set()
    result = crossval.cross_validate(get_encoder(), 3, examples=examples)
    written = [e for e in examples if not e.generated]
    assert len(seen_by_fold) == 3 and len(result.lines) == len(written)
    assert result.probabilities.shape == (len(written), len(result.classes))
    # Every written example was left out of exactly one fold's training.
    left_out = [sum(e.text not in seen for seen in seen_by_fold) for e in written]
    assert left_out == [1] * len(written)
    report = result.report(0.35)
    assert report.total == len(written) and 0.0 <= report.in_scope_accuracy <= 1.0
    best, _ = crossval.best_threshold(result, [0.2, 0.5])
    assert best in (0.2, 0.5)


def test_noisy_scores_a_typod_copy_of_each_held_out_example_with_the_same_models(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trainings: list[int] = []

    def counting_train(examples: list[Example], encoder: object) -> object:
        trainings.append(len(examples))
        return train(examples, encoder)  # type: ignore[arg-type]

    monkeypatch.setattr(crossval, "train", counting_train)
    examples = small_set()
    result = crossval.cross_validate(get_encoder(), 3, examples=examples, noisy=True)
    assert len(trainings) == 3  # no extra training for the noisy copies
    assert result.noisy_lines is not None and result.noisy_probabilities is not None
    assert result.noisy_probabilities.shape == result.probabilities.shape
    pairs = list(zip(result.lines, result.noisy_lines, strict=True))
    assert all(n.accept == line.accept and n.group == line.group for line, n in pairs)
    assert sum(n.text != line.text for line, n in pairs) > len(pairs) // 2  # most have a long word to slip
    assert result.noisy_report(0.35).total == len(pairs)
    plain = crossval.cross_validate(get_encoder(), 3, examples=examples)
    with pytest.raises(ValueError):
        plain.noisy_report(0.35)


def test_noisy_needs_cross_validation() -> None:
    with pytest.raises(CommandError):
        call_command("nlu", "eval", "--noisy")


@pytest.mark.parametrize("folds", ["1", "21"])
def test_eval_refuses_a_fold_count_out_of_range(folds: str) -> None:
    with pytest.raises(CommandError):
        call_command("nlu", "eval", "--cv", folds)
