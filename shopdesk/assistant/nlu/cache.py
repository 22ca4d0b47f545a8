"""Where the assistant keeps what it derives from its inputs: the ONNX graphs and the trained model.

Everything here is keyed by content hashes, so a stale file is never read: a new weight file, new
training examples or a new code version simply produce a new name. Writes are atomic (write to a
temporary file, then rename) so two processes starting at once cannot read a half-written file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

CACHE_ENV = "SHOPDESK_CACHE_DIR"


def cache_dir() -> Path:
    """``$SHOPDESK_CACHE_DIR`` if set, else ``~/.cache/shopdesk``; created on first use."""
    configured = os.environ.get(CACHE_ENV)
    path = Path(configured).expanduser() if configured else Path.home() / ".cache" / "shopdesk"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp_path)`` and move the result to ``target`` in one rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
