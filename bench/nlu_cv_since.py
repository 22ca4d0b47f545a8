"""Cross-validation of our written examples, also scored on the examples that existed at an earlier
revision: after adding examples, the figure on the old lines is the like-for-like comparison (the new
lines are a different, and not necessarily equally hard, test set).

    .venv/bin/python bench/nlu_cv_since.py --since main~1          # 5 folds, seed 0
    .venv/bin/python bench/nlu_cv_since.py --since abc123 --folds 5 --seed 1

Prints the figures of `shopdesk nlu eval --cv K --noisy` (same folds for the same examples and seed)
on every written example, then on those of them that are also written examples at ``--since``, both
as written and as typo'd copies, at the threshold in use.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INTENTS = "shopdesk/assistant/nlu/data/intents"


def examples_at(revision: str) -> set[str]:
    """The written examples of every intent file at ``revision`` (git)."""
    names = subprocess.run(
        ["git", "ls-tree", "--name-only", f"{revision}:{INTENTS}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    texts: set[str] = set()
    for name in names:
        if not name.endswith(".toml"):
            continue
        source = subprocess.run(
            ["git", "show", f"{revision}:{INTENTS}/{name}"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for line in str(tomllib.loads(source)["examples"]).splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                texts.add(line)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--since", required=True, help="a git revision")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("SHOPDESK_NLU_THREADS", "0")  # batches: every core helps
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopdesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    from shopdesk.assistant.management.commands.nlu import SWEEP
    from shopdesk.assistant.nlu.classifier import OOS_THRESHOLD
    from shopdesk.assistant.nlu.crossval import best_threshold, cross_validate, decide
    from shopdesk.assistant.nlu.encoder import get_encoder
    from shopdesk.assistant.nlu.evaluation import format_report, score

    django.setup()

    old = examples_at(args.since)
    cv = cross_validate(get_encoder(), args.folds, seed=args.seed, noisy=True)
    assert cv.noisy_lines is not None and cv.noisy_probabilities is not None
    keep = [i for i, line in enumerate(cv.lines) if line.text in old]
    t = OOS_THRESHOLD
    rows = (
        ("every written example", cv.lines, cv.probabilities, range(len(cv.lines))),
        (
            "typo'd copies of every written example",
            cv.noisy_lines,
            cv.noisy_probabilities,
            range(len(cv.lines)),
        ),
        (f"the written examples that exist at {args.since}", cv.lines, cv.probabilities, keep),
        (f"typo'd copies of those at {args.since}", cv.noisy_lines, cv.noisy_probabilities, keep),
    )
    for title, lines, probabilities, chosen in rows:
        report = score([lines[i] for i in chosen], [decide(cv.classes, probabilities[i], t) for i in chosen])
        print(format_report(f"{args.folds}-fold CV, seed {args.seed}, threshold {t:.2f}: {title}", report))
    print("threshold sweep on every written example: threshold  in-scope-acc  oos-recall  false-reject")
    for candidate in SWEEP:
        report = cv.report(candidate)
        print(
            f"  {candidate:5.2f}    {report.in_scope_accuracy:8.3f}   {report.out_of_scope_recall:8.3f}   {report.false_reject_rate:8.3f}"
        )
    best, _ = best_threshold(cv, SWEEP)
    print(f"best mean of in-scope accuracy and out-of-scope recall at {best:.2f}")
    print(f"({cv.seconds:.0f}s for {args.folds} trainings)")


if __name__ == "__main__":
    main()
