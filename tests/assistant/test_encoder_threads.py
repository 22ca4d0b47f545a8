"""onnxruntime threads per process: one by default (a server's workers share the cores), set by
SHOPDESK_NLU_THREADS; the vectors don't depend on it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from shopdesk.assistant.nlu.bert_onnx import OnnxBert
from shopdesk.assistant.nlu.encoder import THREADS_ENV, encoder_threads, get_encoder


def test_one_thread_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert encoder_threads() == 1
    monkeypatch.setenv(THREADS_ENV, "0")
    assert encoder_threads() == 0
    monkeypatch.setenv(THREADS_ENV, "two")
    with pytest.raises(ValueError, match=THREADS_ENV):
        encoder_threads()


def test_the_thread_count_does_not_change_the_vectors(nlu_cache_dir: Path) -> None:
    encoder = get_encoder("onnx")
    ids = np.array([encoder.tokenizer.encode("where is my parcel?").ids], dtype=np.int64)
    mask = np.ones_like(ids)
    one = OnnxBert(encoder.onnx_path(False), threads=1)(ids, mask)
    every_core = OnnxBert(encoder.onnx_path(False), threads=0)(ids, mask)
    assert float((one * every_core).sum()) > 0.99999
