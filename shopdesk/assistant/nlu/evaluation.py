"""Measure the assistant's understanding on labelled JSONL files (``{"text", "accept": [ids]}``).

A prediction is right when it is in ``accept``. Lines whose ``accept`` is exactly the out-of-scope
family (out_of_scope, contact_support, greeting, goodbye) are out of scope for the store.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .classifier import IntentModel
from .examples import OUT_OF_SCOPE, OUT_OF_SCOPE_FAMILY


@dataclass(frozen=True)
class LabelledLine:
    text: str
    accept: frozenset[str]
    group: str  # what the line is reported under: its source label or its first accepted id

    @property
    def out_of_scope(self) -> bool:
        return self.accept == OUT_OF_SCOPE_FAMILY


@dataclass
class Report:
    total: int = 0
    in_scope: int = 0
    in_scope_right: int = 0
    out_of_scope: int = 0
    out_of_scope_right: int = 0
    false_rejects: int = 0
    by_group: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def in_scope_accuracy(self) -> float:
        return self.in_scope_right / self.in_scope if self.in_scope else float("nan")

    @property
    def out_of_scope_recall(self) -> float:
        return self.out_of_scope_right / self.out_of_scope if self.out_of_scope else float("nan")

    @property
    def false_reject_rate(self) -> float:
        return self.false_rejects / self.in_scope if self.in_scope else float("nan")


class DatasetError(ValueError):
    """A JSONL line that is not ``{"text": str, "accept": [str, ...]}``."""


def read_jsonl(path: Path) -> list[LabelledLine]:
    lines: list[LabelledLine] = []
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
                text, accept = row["text"], row["accept"]
                if not isinstance(text, str) or not accept or not all(isinstance(a, str) for a in accept):
                    raise TypeError
            except (ValueError, KeyError, TypeError) as exc:
                raise DatasetError(f'{path}:{number}: expected {{"text": str, "accept": [ids]}}') from exc
            group = str(row.get("source") or accept[0])
            lines.append(LabelledLine(text, frozenset(accept), group))
    return lines


def score(lines: Sequence[LabelledLine], predictions: Iterable[str]) -> Report:
    report = Report()
    for line, predicted in zip(lines, predictions, strict=True):
        right = predicted in line.accept
        report.total += 1
        tally = report.by_group[line.group]
        tally[0] += int(right)
        tally[1] += 1
        if line.out_of_scope:
            report.out_of_scope += 1
            report.out_of_scope_right += int(right)
        else:
            report.in_scope += 1
            report.in_scope_right += int(right)
            report.false_rejects += int(not right and predicted in OUT_OF_SCOPE_FAMILY)
        if not right:
            expected = OUT_OF_SCOPE if line.out_of_scope else "|".join(sorted(line.accept))
            report.confusions[(expected, predicted)] += 1
    return report


def format_report(name: str, report: Report, weakest: int = 8, confusions: int = 10) -> str:
    out = [
        f"== {name}: {report.total} lines ({report.in_scope} in scope, {report.out_of_scope} out of scope)",
        f"in-scope accuracy     {report.in_scope_accuracy:.3f}  ({report.in_scope_right}/{report.in_scope})",
        f"out-of-scope recall   {report.out_of_scope_recall:.3f}  ({report.out_of_scope_right}/{report.out_of_scope})",
        f"false-reject rate     {report.false_reject_rate:.3f}  ({report.false_rejects}/{report.in_scope})",
    ]
    groups = sorted(report.by_group.items(), key=lambda item: (item[1][0] / item[1][1], -item[1][1]))
    if groups:
        out.append("weakest groups (accuracy, right/total):")
        out += [
            f"  {right / total:5.2f}  {right:4d}/{total:<4d} {group}"
            for group, (right, total) in groups[:weakest]
        ]
    if report.confusions:
        out.append("most common confusions (expected -> predicted):")
        out += [
            f"  {count:4d}  {expected} -> {got}"
            for (expected, got), count in report.confusions.most_common(confusions)
        ]
    return "\n".join(out)


def threshold_sweep(
    lines: Sequence[LabelledLine],
    probabilities: np.ndarray,
    model: IntentModel,
    decide: Callable[[IntentModel, np.ndarray, float], str],
    thresholds: Sequence[float],
) -> list[tuple[float, Report]]:
    """The report each out-of-scope threshold would give, from one pass of the model."""
    return [(t, score(lines, [decide(model, row, t) for row in probabilities])) for t in thresholds]
