"""``shopdesk nlu``: run, measure and retrain the assistant's understanding from the command line.

shopdesk nlu predict < messages.txt        one JSON object per input line
shopdesk nlu eval FILE.jsonl [...]         accuracy, out-of-scope recall, false rejects
shopdesk nlu eval --own                    the same on our held-out 15% of examples
shopdesk nlu eval --cv 5 [--sweep]         k-fold cross-validation on our own written examples
shopdesk nlu eval --cv 5 --noisy           ... and on a typo'd copy of each held-out example
shopdesk nlu train                         retrain now instead of at first use
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from shopdesk.assistant.nlu import classifier, crossval, evaluation
from shopdesk.assistant.nlu.encoder import THREADS_ENV, get_encoder
from shopdesk.assistant.nlu.examples import OUT_OF_SCOPE, OUT_OF_SCOPE_FAMILY, load_examples
from shopdesk.assistant.nlu.pipeline import (
    as_text,
    classification_text,
    clean,
    decide_intent,
    get_model,
    is_understandable,
    reload_model,
    understand_many,
)

BATCH = 64
SWEEP = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)


class Command(BaseCommand):
    help = "Predict, evaluate or retrain the assistant's intent classifier and entity extraction."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        predict = actions.add_parser(
            "predict", help="read messages from stdin, one per line; print JSON lines"
        )
        predict.add_argument("--now", help="resolve relative dates against this ISO date-time (default: now)")
        evaluate = actions.add_parser("eval", help="score labelled JSONL files")
        evaluate.add_argument("files", nargs="*", type=Path)
        evaluate.add_argument(
            "--own", action="store_true", help="score our held-out examples with a model trained without them"
        )
        evaluate.add_argument(
            "--cv",
            type=int,
            metavar="K",
            help="k-fold cross-validation on our own written examples (K trainings)",
        )
        evaluate.add_argument(
            "--sweep", action="store_true", help="also show the scores at other out-of-scope thresholds"
        )
        evaluate.add_argument(
            "--noisy",
            action="store_true",
            help="with --cv: also score a typo'd copy of each held-out example (same models)",
        )
        train = actions.add_parser("train", help="retrain the model now and cache it")
        train.add_argument(
            "--holdout", action="store_true", help="train the model that leaves out 15%% of examples"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action in ("eval", "train"):
            # Batches of thousands of texts: every core helps (a server keeps one thread per worker).
            os.environ.setdefault(THREADS_ENV, "0")
        if action == "predict":
            self._predict(options.get("now"))
        elif action == "eval":
            self._eval(
                options["files"],
                own=options["own"],
                sweep=options["sweep"],
                folds=options["cv"],
                noisy=options["noisy"],
            )
        elif action == "train":
            self._train(holdout=options["holdout"])

    def _predict(self, now_text: str | None) -> None:
        try:
            now = datetime.datetime.fromisoformat(now_text) if now_text else None
        except ValueError as exc:
            raise CommandError(f"--now must be an ISO date or date-time, got {now_text!r}") from exc
        for batch in _batches(_stdin_lines(), BATCH):
            for understanding in understand_many(batch, now=now):
                self.stdout.write(json.dumps(understanding.to_dict(), ensure_ascii=False))

    def _eval(
        self, files: list[Path], *, own: bool, sweep: bool, folds: int | None = None, noisy: bool = False
    ) -> None:
        if not files and not own and not folds:
            raise CommandError("give one or more JSONL files, --own or --cv K")
        if noisy and not folds:
            raise CommandError("--noisy goes with --cv K")
        if folds is not None and not 2 <= folds <= 20:
            raise CommandError("--cv takes a number of folds from 2 to 20")
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                lines = evaluation.read_jsonl(path)
            except evaluation.DatasetError as exc:
                raise CommandError(str(exc)) from exc
            started = time.perf_counter()
            model = get_model()
            probabilities = _probabilities(model, [line.text for line in lines])
            report = evaluation.score(
                lines, [decide_intent(model, row, model.threshold) for row in probabilities]
            )
            self.stdout.write(evaluation.format_report(str(path), report))
            self.stdout.write(f"({len(lines) / (time.perf_counter() - started):.0f} messages/s)\n")
            if sweep:
                self._sweep(lines, model, probabilities)
        if own:
            self._eval_own(sweep)
        if folds:
            self._eval_cv(folds, sweep, noisy)

    def _eval_cv(self, folds: int, sweep: bool, noisy: bool = False) -> None:
        encoder = get_encoder()
        cv = crossval.cross_validate(encoder, folds, noisy=noisy)
        threshold = classifier.OOS_THRESHOLD
        self.stdout.write(
            evaluation.format_report(
                f"{folds}-fold cross-validation on our written examples ({encoder.backend}, threshold {threshold:.2f})",
                cv.report(threshold),
            )
        )
        self.stdout.write(f"({cv.seconds:.0f}s for {folds} trainings)\n")
        if noisy:
            self.stdout.write(
                evaluation.format_report(
                    f"the same, on a typo'd copy of each held-out example (threshold {threshold:.2f})",
                    cv.noisy_report(threshold),
                )
            )
        if sweep:
            self.stdout.write("threshold  in-scope-acc  oos-recall  false-reject")
            for candidate in SWEEP:
                report = cv.report(candidate)
                self.stdout.write(
                    f"  {candidate:5.2f}    {report.in_scope_accuracy:8.3f}   {report.out_of_scope_recall:8.3f}   {report.false_reject_rate:8.3f}"
                )
            best, _ = crossval.best_threshold(cv, SWEEP)
            self.stdout.write(f"best mean of in-scope accuracy and out-of-scope recall at {best:.2f}\n")

    def _eval_own(self, sweep: bool) -> None:
        held_out = classifier.held_out_examples()
        model = classifier.load_or_train(get_encoder(), holdout=True)
        lines = [evaluation.LabelledLine(e.text, _accept(e.intent), e.intent) for e in held_out]
        probabilities = model.probabilities([classification_text(line.text) for line in lines])
        report = evaluation.score(
            lines, [decide_intent(model, row, model.threshold) for row in probabilities]
        )
        self.stdout.write(
            evaluation.format_report(
                f"own held-out examples (model without them, {len(load_examples()) - len(lines)} examples)",
                report,
            )
        )
        if sweep:
            self._sweep(lines, model)

    def _sweep(
        self,
        lines: list[evaluation.LabelledLine],
        model: classifier.IntentModel,
        probabilities: np.ndarray | None = None,
    ) -> None:
        if probabilities is None:
            probabilities = _probabilities(model, [line.text for line in lines])
        self.stdout.write("threshold  in-scope-acc  oos-recall  false-reject")
        for threshold, report in evaluation.threshold_sweep(
            lines, probabilities, model, decide_intent, SWEEP
        ):
            self.stdout.write(
                f"  {threshold:5.2f}    {report.in_scope_accuracy:8.3f}   {report.out_of_scope_recall:8.3f}   {report.false_reject_rate:8.3f}"
            )
        self.stdout.write("")

    def _train(self, *, holdout: bool) -> None:
        started = time.perf_counter()
        if holdout:
            model = classifier.load_or_train(get_encoder(), holdout=True, retrain=True)
        else:
            model = reload_model(retrain=True)
        self.stdout.write(
            f"trained {len(model.classes)} intents on {'85% of ' if holdout else ''}{len(load_examples())} examples "
            f"in {time.perf_counter() - started:.1f}s (encoder {get_encoder().backend}, temperature {model.temperature:.2f}, threshold {model.threshold:.2f})"
        )


def _probabilities(model: classifier.IntentModel, messages: list[str]) -> np.ndarray:
    """Class probabilities as ``understand`` computes them; unreadable text is certain out of scope."""
    texts = [clean(as_text(m)) for m in messages]
    probabilities = model.probabilities([classification_text(t) for t in texts])
    out_of_scope = model.classes.index(OUT_OF_SCOPE)
    for row, text in enumerate(texts):
        if not is_understandable(text):
            probabilities[row] = 0.0
            probabilities[row, out_of_scope] = 1.0
    return probabilities


def _accept(intent: str) -> frozenset[str]:
    return OUT_OF_SCOPE_FAMILY if intent in OUT_OF_SCOPE_FAMILY else frozenset({intent})


def _stdin_lines() -> Iterator[bytes]:
    # Bytes, not text: a binary or mis-encoded line must give an answer, not a UnicodeDecodeError.
    for raw in sys.stdin.buffer:
        yield raw.rstrip(b"\r\n")


def _batches(items: Iterator[bytes], size: int) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
