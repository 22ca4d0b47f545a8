"""CPU time of ``understand()`` per message, and of each of its parts, on our own written examples.

    .venv/bin/python bench/bench_nlu_parts.py                      # 400 messages, 3 rounds
    .venv/bin/python bench/bench_nlu_parts.py --messages 300 --rounds 5 --profile 25
    .venv/bin/python bench/bench_nlu_parts.py --source ../other-checkout   # the same, on other code
    .venv/bin/python bench/bench_nlu_parts.py --cold 3 [--source ...]      # new processes' first answer

The messages are every k-th written example of every intent (shopdesk/assistant/nlu/data/intents),
each also with a slip of the fingers and in capitals, so typos and the spelling pass are exercised.
Each part is timed alone, on the same messages, with ``time.process_time`` (CPU time of the process:
onnxruntime's own threads count too), one message at a time, after a warm-up; ``understand`` is the
whole call and ``batch`` is ``understand_many`` over 64 messages, per message. The parts:

- clean: ``clean(as_text(m))``            - entities: ``extract_entities`` of the cleaned text
- readable: ``is_understandable``         - classification_text
- prepare: shorthand and the spelling pass (``features.prepare``)
- encode: the sentence encoder on the prepared text (tokenizer included)
- classify: class probabilities from the prepared text and its vector (n-grams, regression, softmax)

CPU time is what the neighbours' load changes least, but a loaded machine still moves it (caches,
frequency): compare two checkouts back to back, and read the load average printed with the figures.
``--source DIR`` imports ``shopdesk`` from another checkout (e.g. the previous commit in a worktree):
its ``classify`` then includes its own second spelling pass, as its ``understand`` did.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ODD = [
    "",
    "   ",
    "\x00\x01 where is my order\x7f",
    "😀😀😀",
    "где мой заказ",
    "Où est ma commande? j'ai payé 42 €",
    "cancle my ordr pls",
    "U R USELESS, WHERE IS MY PARCEL",
    "refund\tplease\nnow",
    "ｆｕｌｌｗｉｄｔｈ order KW10023456",
    "i want to retun the dress i bought last tuesday, size M, it was to small",
]


def messages(count: int) -> list[str]:
    from shopdesk.assistant.nlu.augment import noisy_copy
    from shopdesk.assistant.nlu.examples import intent_specs

    written = [text for spec in intent_specs() for text in spec.examples]
    share = max(1, count * 2 // 3)
    chosen = written[:: max(1, len(written) // share)][:share]
    typed = [copy for text in chosen if (copy := noisy_copy(text))]
    shouted = [t.upper() for t in chosen[: len(chosen) // 4]]
    return (chosen + typed + shouted + ODD)[:count] if count > len(ODD) else ODD[:count]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def cpu_ms(call: Callable[[], object]) -> float:
    started = time.process_time()
    call()
    return (time.process_time() - started) * 1000


def cold(source: Path, runs: int) -> None:
    """CPU time and peak memory of new processes that import the code and answer one message."""
    code = (
        f"import sys; sys.path.insert(0, {str(source.resolve())!r}); "
        "from shopdesk.assistant.nlu import understand; understand('where is my order')"
    )
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(
            f"new process, first answer: CPU {cpu:.2f} s, wall {time.perf_counter() - started:.2f} s, "
            f"peak RSS of the processes so far {after.ru_maxrss / 1024:.0f} MB, load {os.getloadavg()[0]:.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--source", type=Path, help="import shopdesk from this checkout instead")
    parser.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    parser.add_argument("--cold", type=int, default=0, help="only time N new processes' first answer")
    args = parser.parse_args()
    if args.cold:
        cold(args.source or ROOT, args.cold)
        return
    os.environ.setdefault("SHOPDESK_NLU_THREADS", "1")
    sys.path.insert(0, str((args.source or ROOT).resolve()))

    import shopdesk
    from shopdesk.assistant.nlu import entities, pipeline

    model = pipeline.get_model()
    texts = messages(args.messages)
    cleaned = [pipeline.clean(pipeline.as_text(m)) for m in texts]
    classified = [pipeline.classification_text(t) for t in cleaned]
    prepared = [model.features.prepare(t) for t in classified]
    vectors = [model.features.encoder.encode([p]) for p in prepared]
    if hasattr(model, "prepared_probabilities"):

        def classify(i: int) -> object:
            return model.prepared_probabilities([prepared[i]], vectors[i])
    else:  # code before the single-pass classifier: it prepares the text again itself

        def classify(i: int) -> object:
            return model.probabilities([classified[i]], vectors[i])

    parts: dict[str, Callable[[int], object]] = {
        "clean": lambda i: pipeline.clean(pipeline.as_text(texts[i])),
        "entities": lambda i: entities.extract_entities(cleaned[i][: pipeline.ENTITY_CHARS]),
        "readable": lambda i: pipeline.is_understandable(cleaned[i]),
        "classification_text": lambda i: pipeline.classification_text(cleaned[i]),
        "prepare": lambda i: model.features.prepare(classified[i]),
        "encode": lambda i: model.features.encoder.encode([prepared[i]]),
        "classify": classify,
        "understand": lambda i: pipeline.understand(texts[i]),
    }
    for i in range(len(texts)):  # warm-up: caches, lazy imports, onnxruntime's first runs
        for part in parts.values():
            part(i)
    timings: dict[str, list[float]] = {name: [] for name in parts}
    loads = [os.getloadavg()[0]]
    for _ in range(args.rounds):
        for i in range(len(texts)):
            for name, part in parts.items():
                timings[name].append(cpu_ms(lambda part=part, i=i: part(i)))  # type: ignore[misc]
        loads.append(os.getloadavg()[0])
    batch = (texts * (64 // len(texts) + 1))[:64]
    pipeline.understand_many(batch)
    batch_ms = [cpu_ms(lambda: pipeline.understand_many(batch)) / len(batch) for _ in range(args.rounds * 3)]
    loads.append(os.getloadavg()[0])

    print(
        f"shopdesk from {Path(shopdesk.__file__).resolve().parents[1].name}, {len(texts)} messages x "
        f"{args.rounds} rounds, {os.cpu_count()} CPUs, onnxruntime threads "
        f"{os.environ['SHOPDESK_NLU_THREADS']}, backend {model.features.encoder.backend}, "
        f"load average {min(loads):.1f}-{max(loads):.1f} (1 min)"
    )
    print(f"{'CPU ms per message':<22} {'mean':>7} {'p50':>7} {'p99':>7}")
    for name, values in timings.items():
        print(
            f"{name:<22} {statistics.fmean(values):>7.3f} {statistics.median(values):>7.3f} "
            f"{percentile(values, 0.99):>7.3f}"
        )
    print(
        f"{'batch of 64, per msg':<22} {statistics.fmean(batch_ms):>7.3f} {statistics.median(batch_ms):>7.3f} "
        f"{percentile(batch_ms, 0.99):>7.3f}"
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(len(texts)):
            pipeline.understand(texts[i])
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
        print(out.getvalue())


if __name__ == "__main__":
    main()
