"""The training examples: one TOML file per intent under ``data/intents/``, written by this project.

Each file has a ``description`` and ``examples``, a multi-line string with one customer message
per line (blank lines and lines starting with ``#`` are ignored). The file name is the intent id.
"""

from __future__ import annotations

import hashlib
import tomllib
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data" / "intents"
OUT_OF_SCOPE = "out_of_scope"
# Predicting any of these for an out-of-scope message is right: each ends with an offer of a person.
OUT_OF_SCOPE_FAMILY = frozenset({OUT_OF_SCOPE, "contact_support", "greeting", "goodbye"})
HOLDOUT_PERCENT = 15


@dataclass(frozen=True)
class Example:
    text: str
    intent: str

    @property
    def held_out(self) -> bool:
        """A stable 15% of the examples, kept out of the model that measures false rejects."""
        return zlib.crc32(self.text.encode("utf-8")) % 100 < HOLDOUT_PERCENT


@dataclass(frozen=True)
class IntentSpec:
    id: str
    description: str
    examples: tuple[str, ...]


def _parse(path: Path) -> IntentSpec:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    lines = (line.strip() for line in str(data["examples"]).splitlines())
    examples = tuple(dict.fromkeys(line for line in lines if line and not line.startswith("#")))
    return IntentSpec(id=path.stem, description=str(data.get("description", "")), examples=examples)


@cache
def intent_specs(data_dir: Path = DATA_DIR) -> tuple[IntentSpec, ...]:
    return tuple(_parse(path) for path in sorted(data_dir.glob("*.toml")))


def load_examples(data_dir: Path = DATA_DIR) -> list[Example]:
    return [Example(text, spec.id) for spec in intent_specs(data_dir) for text in spec.examples]


def examples_digest(data_dir: Path = DATA_DIR) -> str:
    """sha256 over every example file, so editing any example retrains the model."""
    digest = hashlib.sha256()
    for path in sorted(data_dir.glob("*.toml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
