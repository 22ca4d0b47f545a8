"""Sentence embeddings of all-MiniLM-L6-v2: tokenisation, batching and the choice of backend.

Backends (``SHOPDESK_NLU_BACKEND``):
- ``onnx-int8`` (default on x86-64 with AVX2 where it is measured faster): the fp32 graph below with
  blockwise int8 weights and int8 compute; cosine >= 0.996 to fp32 on every written example.
- ``onnx`` (default elsewhere): an fp32 ONNX graph built from the weights at first use and cached;
  identical to the NumPy path (cosine > 0.9999) and 3x faster.
- ``numpy``: the plain NumPy forward pass, the reference; needs nothing but NumPy.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import os
import platform
import re
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import onnx
import onnxruntime as ort
from tokenizers import Tokenizer

from . import bert_onnx
from .bert_numpy import NumpyBert
from .cache import cache_dir, write_atomically
from .model_files import ModelFiles, load_weights, locate_model_files

BACKEND_ENV = "SHOPDESK_NLU_BACKEND"
# onnxruntime threads per process: 1 by default (a server's workers share the cores); 0 for one per core.
THREADS_ENV = "SHOPDESK_NLU_THREADS"
BACKENDS = ("onnx", "onnx-int8", "numpy")
# The model was trained on sequences of at most 256 word pieces (sentence_bert_config.json).
MAX_TOKENS = 256
EMBEDDING_DIM = 384
# Bump when bert_onnx builds or quantises a different graph, so cached graphs, embeddings and models are
# rebuilt.
GRAPH_VERSION = "2"
CPUINFO = Path("/proc/cpuinfo")

logger = logging.getLogger(__name__)


class _Forward(Protocol):
    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray: ...


class SentenceEncoder:
    def __init__(self, backend: str | None = None, files: ModelFiles | None = None) -> None:
        backend = backend_chosen(backend)
        if backend not in BACKENDS:
            raise ValueError(f"Unknown NLU backend {backend!r}; choose one of {', '.join(BACKENDS)}.")
        self.backend = backend
        self.files = files or locate_model_files()
        self.tokenizer = Tokenizer.from_file(str(self.files.tokenizer))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self._forward = self._load_forward()

    def _load_forward(self) -> _Forward:
        if self.backend == "numpy":
            return NumpyBert(load_weights(self.files))
        return bert_onnx.OnnxBert(self.onnx_path(self.backend == "onnx-int8"), threads=encoder_threads())

    def onnx_path(self, int8: bool) -> Path:
        """The cached graph for these weights, built (and quantised) on first use."""
        stem = f"minilm-{self.files.weights_sha256[:16]}-g{GRAPH_VERSION}"
        fp32 = cache_dir() / f"{stem}-fp32.onnx"
        if not fp32.exists():
            model = bert_onnx.build_model(load_weights(self.files))
            write_atomically(fp32, lambda tmp: onnx.save(model, str(tmp)))
        if not int8:
            return fp32
        quantised = cache_dir() / f"{stem}-int8.onnx"
        if not quantised.exists():
            write_atomically(quantised, lambda tmp: bert_onnx.quantize(fp32, tmp))
        return quantised

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """One L2-normalised float32 vector per text, in order."""
        out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        # Sorting by length keeps padding (wasted work) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.int64)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            out[chunk] = self._forward(ids, mask)
        return out


def backend_chosen(backend: str | None = None) -> str:
    """`backend` if given, else ``$SHOPDESK_NLU_BACKEND``, else this machine's default."""
    return backend or os.environ.get(BACKEND_ENV) or default_backend()


def default_backend() -> str:
    """``onnx-int8`` where onnxruntime has int8 kernels for its blockwise graph and they are measured
    faster than fp32 on this machine, ``onnx`` elsewhere (decisions 0039, 0040).

    The kernels need AVX2 and FMA on x86-64; without them onnxruntime computes the int8 graph in fp32
    from its blocks, several times slower than the fp32 graph itself. With them the int8 graph took 0.5
    to 0.6 of fp32's time on some CPUs and twice fp32's time on others (an EPYC of the first Zen
    generation), so where they exist the two graphs are timed once per machine (`measured_speed`).
    Other architectures are not measured and keep fp32. onnxruntime runs 8-bit `MatMulNBits` from 1.22
    on (1.21 refuses the graph), the version pyproject.toml asks for."""
    if not _has_int8_kernels():
        return "onnx"
    return "onnx-int8" if measured_speed().int8_is_faster else "onnx"


@functools.cache
def _has_int8_kernels() -> bool:
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    if _version_tuple(ort.__version__) < (1, 22):
        return False
    return {"avx2", "fma"} <= set(_cpuinfo_field("flags").split())


def _cpuinfo_field(name: str) -> str:
    """The value of the first ``name`` line of /proc/cpuinfo ("" where it can't be read)."""
    try:
        cpuinfo = CPUINFO.read_text()
    except OSError:
        return ""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return ""


# int8 is chosen only when clearly faster: its vectors differ slightly from fp32's, so a tie keeps fp32.
INT8_SPEED_MARGIN = 0.85
# Short messages, as shoppers write them, for timing one message at a time as a server worker does.
SPEED_SAMPLE = (
    "hello",
    "where is my parcel",
    "I want to cancel the order I placed this morning",
    "can I change the delivery address to my office",
    "the tracking number you sent does not work at all",
    "how long does a refund take to reach my card",
    "do you ship to Canada and who pays the import duties",
    "my package arrived but one of the two items is missing, what should I do now?",
)
SPEED_ROUNDS = 5


@dataclass(frozen=True)
class EncoderSpeed:
    """One message at a time on this machine: median milliseconds per message of each graph."""

    fp32_ms: float
    int8_ms: float

    @property
    def int8_is_faster(self) -> bool:
        return self.int8_ms <= self.fp32_ms * INT8_SPEED_MARGIN


@functools.cache
def measured_speed() -> EncoderSpeed:
    """The two graphs timed on this machine, once: the result is cached per CPU, onnxruntime version,
    graph version and thread count, so workers that start later (or again) read it back."""
    identity = "|".join(
        [
            _cpuinfo_field("model name"),
            _cpuinfo_field("flags"),
            platform.machine(),
            ort.__version__,
            GRAPH_VERSION,
            str(encoder_threads()),
        ]
    )
    path = cache_dir() / f"encoder-speed-{hashlib.sha256(identity.encode()).hexdigest()[:16]}.json"
    known = _read_speed(path)
    if known is not None:
        return known
    speed = time_graphs()
    logger.info(
        "Timed the encoder graphs on this machine: fp32 %.2f ms, int8 %.2f ms per message; using %s.",
        speed.fp32_ms,
        speed.int8_ms,
        "int8" if speed.int8_is_faster else "fp32",
    )
    if _read_speed(path) is None:  # a worker that measured at the same time wrote first: all use its figures
        write_atomically(path, functools.partial(_write_speed, speed))
    return _read_speed(path) or speed


def _write_speed(speed: EncoderSpeed, path: Path) -> None:
    path.write_text(json.dumps(dataclasses.asdict(speed)))


def _read_speed(path: Path) -> EncoderSpeed | None:
    try:
        figures = json.loads(path.read_text())
        return EncoderSpeed(fp32_ms=float(figures["fp32_ms"]), int8_ms=float(figures["int8_ms"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def time_graphs() -> EncoderSpeed:
    """Encode the sample one message at a time with each graph, turn about, and keep each graph's
    median per message over the rounds (the first round, which warms both, is left out)."""
    encoders = {"onnx": SentenceEncoder("onnx"), "onnx-int8": SentenceEncoder("onnx-int8")}
    rounds: dict[str, list[float]] = {name: [] for name in encoders}
    for _ in range(SPEED_ROUNDS + 1):
        for name, encoder in encoders.items():
            started = time.perf_counter()
            for text in SPEED_SAMPLE:
                encoder.encode([text])
            rounds[name].append((time.perf_counter() - started) * 1000 / len(SPEED_SAMPLE))
    return EncoderSpeed(
        fp32_ms=round(statistics.median(rounds["onnx"][1:]), 3),
        int8_ms=round(statistics.median(rounds["onnx-int8"][1:]), 3),
    )


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:2])


def encoder_threads() -> int:
    """``$SHOPDESK_NLU_THREADS`` (default 1); a clear error for anything but a whole number >= 0."""
    value = os.environ.get(THREADS_ENV, "").strip() or "1"
    if not value.isdigit():
        raise ValueError(f"{THREADS_ENV} must be a whole number of threads (0: one per core), not {value!r}.")
    return int(value)


_encoders: dict[str, SentenceEncoder] = {}
_lock = threading.Lock()


def get_encoder(backend: str | None = None) -> SentenceEncoder:
    """The process-wide encoder for a backend (loading weights once per process)."""
    key = backend_chosen(backend)
    with _lock:
        if key not in _encoders:
            _encoders[key] = SentenceEncoder(key)
        return _encoders[key]
