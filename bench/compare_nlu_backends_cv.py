"""fp32 against int8 on our own written examples: k-fold cross-validation of both encoders on the same
folds, and a paired count of the examples one gets right and the other wrong.

    .venv/bin/python bench/compare_nlu_backends_cv.py                    # 5 folds, seeds 0 and 1
    .venv/bin/python bench/compare_nlu_backends_cv.py --folds 5 --seeds 0,1,2

Each seed shuffles the examples into other folds; both backends see the same folds. The figures are
those of `shopdesk nlu eval --cv K` (threshold OOS_THRESHOLD); "only fp32 right" / "only int8 right"
count examples, over all seeds, that one backend answers right and the other wrong, with the two-sided
exact (McNemar) p-value of a difference that large if the backends were equally good.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def mcnemar_p(only_a: int, only_b: int) -> float:
    """Two-sided exact binomial test of only_a against only_b (the discordant pairs)."""
    n = only_a + only_b
    if n == 0:
        return 1.0
    k = min(only_a, only_b)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", default="0,1")
    args = parser.parse_args()
    os.environ.setdefault("SHOPDESK_NLU_THREADS", "0")  # batches: every core helps
    sys.path.insert(0, str(ROOT))
    from shopdesk.assistant.nlu.classifier import OOS_THRESHOLD
    from shopdesk.assistant.nlu.crossval import cross_validate
    from shopdesk.assistant.nlu.encoder import get_encoder

    backends = ("onnx", "onnx-int8")
    seeds = [int(s) for s in args.seeds.split(",")]
    right: dict[str, list[bool]] = {b: [] for b in backends}
    print(f"{args.folds}-fold cross-validation on our written examples, threshold {OOS_THRESHOLD:.2f}")
    print(
        f"{'backend':<10} {'seed':>4} {'in-scope acc':>12} {'oos recall':>10} {'false rejects':>13} {'seconds':>8}"
    )
    for seed in seeds:
        for backend in backends:
            cv = cross_validate(get_encoder(backend), args.folds, seed=seed)
            report = cv.report(OOS_THRESHOLD)
            predictions = cv.predictions(OOS_THRESHOLD)
            right[backend] += [p in line.accept for p, line in zip(predictions, cv.lines, strict=True)]
            print(
                f"{backend:<10} {seed:>4} {report.in_scope_accuracy:>12.3f} {report.out_of_scope_recall:>10.3f} "
                f"{report.false_reject_rate:>13.3f} {cv.seconds:>8.0f}"
            )
    fp32, int8 = right["onnx"], right["onnx-int8"]
    only_fp32 = sum(a and not b for a, b in zip(fp32, int8, strict=True))
    only_int8 = sum(b and not a for a, b in zip(fp32, int8, strict=True))
    print(
        f"all seeds: fp32 right {sum(fp32)}/{len(fp32)}, int8 right {sum(int8)}/{len(int8)}; "
        f"only fp32 right {only_fp32}, only int8 right {only_int8}, McNemar p = {mcnemar_p(only_fp32, only_int8):.3f}"
    )
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
