"""Benchmark the assistant's understanding: cold start, latency, batch throughput, memory, training.

    python bench/bench_nlu.py                 all backends, model from the cache (trained if absent)
    python bench/bench_nlu.py --backends onnx --train
    python bench/bench_nlu.py --interleaved    fp32 against int8 in one process, turn about:
                                               one sentence encoded, and one classified

Each backend is measured in a fresh process so memory and cold start are honest. Prints a table.
Targets (docs/nlu.md): p50 <= 15 ms, p99 <= 30 ms, batch of 64 >= 200 msg/s, RSS <= 400 MB,
cold start <= 3 s with a cached model, training < 30 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = [
    "where is my order KW10023456?",
    "hi, I ordered a linen dress two weeks ago and it still hasn't arrived, can you check?",
    "cancel my order please",
    "my card was declined three times, what is going on",
    "do you ship to New Zealand and how much are the duties",
    "the code SPRING20 doesn't work",
    "can I pay with my points",
    "I returned the jeans on March 3, when do I get my refund of $42?",
    "thanks, that's all",
    "what's the weather in Paris",
    "I need to change the size from M to L on order #10023457",
    "why was my package sent back to you",
    "tracking number 1Z999AA10123456784 says invalid",
    "let me talk to a human",
    "hello",
    "can I use two coupons at once",
]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker(backend: str) -> None:
    """Runs in a fresh process: cold start, latency, throughput, memory for one backend."""
    os.environ["SHOPDESK_NLU_BACKEND"] = backend
    started = time.perf_counter()
    from shopdesk.assistant.nlu import understand, understand_many

    understand("hello")
    cold = time.perf_counter() - started
    for message in MESSAGES * 3:  # warm-up
        understand(message)
    timings = []
    for _ in range(15):
        for message in MESSAGES:
            t0 = time.perf_counter()
            understand(message)
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    batch = (MESSAGES * 4)[:64]
    understand_many(batch)
    t0 = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        understand_many(batch)
    throughput = rounds * len(batch) / (time.perf_counter() - t0)
    print(
        json.dumps(
            {
                "backend": backend,
                "cold_start_s": cold,
                "p50_ms": statistics.median(timings),
                "p99_ms": timings[int(len(timings) * 0.99) - 1],
                "batch64_msg_s": throughput,
                "rss_mb": _rss_mb(),
            }
        )
    )


def interleaved(backends: list[str], rounds: int = 20) -> None:
    """Classify the same messages with each backend's model in turn, in one process.

    On a shared machine the neighbours' load moves every figure by a factor of several from one
    minute to the next; timing the backends turn about, message by message, gives both the same load.
    CPU time (process_time: onnxruntime works in its own threads too) is shown beside wall time:
    it is what load changes least.
    """
    from shopdesk.assistant.nlu.classifier import load_or_train
    from shopdesk.assistant.nlu.encoder import get_encoder
    from shopdesk.assistant.nlu.pipeline import classification_text

    models = {b: load_or_train(get_encoder(b)) for b in backends}
    steps = ("encode", "classify")  # one sentence through the encoder alone; the whole classifier
    wall: dict[tuple[str, str], list[float]] = {(b, step): [] for b in backends for step in steps}
    cpu: dict[tuple[str, str], list[float]] = {(b, step): [] for b in backends for step in steps}
    texts = [classification_text(m) for m in MESSAGES]
    for text in texts * 2:  # warm-up
        for model in models.values():
            model.probabilities([text])

    def run(backend: str, step: str, text: str) -> None:
        model = models[backend]
        c0, t0 = time.process_time(), time.perf_counter()
        if step == "encode":
            model.features.encoder.encode([text])
        else:
            model.probabilities([text])
        wall[backend, step].append((time.perf_counter() - t0) * 1000)
        cpu[backend, step].append((time.process_time() - c0) * 1000)

    loads = [os.getloadavg()[0]]
    for _ in range(rounds):
        for text in texts:
            for step in steps:
                for backend in backends:
                    run(backend, step, text)
        loads.append(os.getloadavg()[0])
    threads = os.environ.get("SHOPDESK_NLU_THREADS", "1")
    print(
        f"interleaved, {rounds} rounds of {len(texts)} single messages, {os.cpu_count()} CPUs, onnxruntime "
        f"threads {threads}, load average {min(loads):.1f}-{max(loads):.1f} (1 min):"
    )
    print(f"{'backend':<10} {'step':<9} {'wall p50':>9} {'wall p99':>9} {'cpu p50':>9} {'cpu p99':>9}")
    for step in steps:
        for backend in backends:
            w, c = sorted(wall[backend, step]), sorted(cpu[backend, step])
            print(
                f"{backend:<10} {step:<9} {statistics.median(w):>7.2f}ms {w[int(len(w) * 0.99) - 1]:>7.2f}ms "
                f"{statistics.median(c):>7.2f}ms {c[int(len(c) * 0.99) - 1]:>7.2f}ms"
            )


def measure_training() -> float:
    """Seconds to train from scratch (fresh cache dir, ONNX graph built beforehand so only training counts)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "SHOPDESK_CACHE_DIR": cache}
        code = (
            "import time\nfrom shopdesk.assistant.nlu.encoder import get_encoder\n"
            "from shopdesk.assistant.nlu.classifier import load_or_train\n"
            "enc = get_encoder(); t = time.perf_counter(); load_or_train(enc); print(time.perf_counter() - t)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        return float(out.stdout.strip().splitlines()[-1])


def cold_process_seconds() -> float:
    """Wall time of a whole new process answering one message (interpreter start included)."""
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from shopdesk.assistant.nlu import understand; understand('where is my order')",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t0


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default="onnx,onnx-int8,numpy")
    parser.add_argument("--train", action="store_true", help="also time a training run from scratch")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument(
        "--interleaved", action="store_true", help="time the backends turn about in one process only"
    )
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    if args.interleaved:
        sys.path.insert(0, str(ROOT))
        interleaved([b for b in args.backends.split(",") if b != "numpy"])
        return

    # Make sure each backend's model and graph are cached, so cold starts measure loading, not building
    # (the model is keyed by backend: int8 embeddings differ slightly, so it trains its own).
    for backend in args.backends.split(","):
        subprocess.run(
            [sys.executable, "-c", "from shopdesk.assistant.nlu import understand; understand('hi')"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={**os.environ, "SHOPDESK_NLU_BACKEND": backend},
        )
    rows = []
    for backend in args.backends.split(","):
        out = subprocess.run(
            [sys.executable, __file__, "--worker", backend],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))

    print(f"hardware: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu_model()}")
    print(f"python {platform.python_version()}, {platform.system()} {platform.release()}")
    print()
    print(f"{'backend':<10} {'cold start':>10} {'p50':>8} {'p99':>8} {'batch 64':>12} {'RSS':>8}")
    for row in rows:
        print(
            f"{row['backend']:<10} {row['cold_start_s']:>9.2f}s {row['p50_ms']:>6.1f}ms {row['p99_ms']:>6.1f}ms "
            f"{row['batch64_msg_s']:>8.0f}msg/s {row['rss_mb']:>6.0f}MB"
        )
    print()
    print(f"new process, import to first answer (default backend): {cold_process_seconds():.2f}s")
    if args.train:
        print(f"training from scratch: {measure_training():.1f}s")


if __name__ == "__main__":
    main()
