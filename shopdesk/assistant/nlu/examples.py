"""The training examples: one TOML file per intent under ``data/intents/``, written by this project.

Each file has a ``description``, ``examples`` (a multi-line string with one customer message per
line; blank lines and lines starting with ``#`` are ignored) and optionally ``actions``: core requests
("cancel my order") that ``framings`` wraps in the ways people ask. The file name is the intent id.
"""

from __future__ import annotations

import hashlib
import tomllib
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .framings import FRAMINGS, PER_ACTION, frame

DATA_DIR = Path(__file__).resolve().parent / "data" / "intents"
OUT_OF_SCOPE = "out_of_scope"
# Predicting any of these for an out-of-scope message is right: each ends with an offer of a person.
OUT_OF_SCOPE_FAMILY = frozenset({OUT_OF_SCOPE, "contact_support", "greeting", "goodbye"})
HOLDOUT_PERCENT = 15


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    generated: bool = False  # an action put into a framing, not a hand-written message

    @property
    def held_out(self) -> bool:
        """A stable 15% of the hand-written examples, kept out of the model that measures false rejects."""
        return not self.generated and zlib.crc32(self.text.encode("utf-8")) % 100 < HOLDOUT_PERCENT


@dataclass(frozen=True)
class IntentSpec:
    id: str
    description: str
    examples: tuple[str, ...]
    actions: tuple[str, ...] = ()


def _lines(value: object) -> tuple[str, ...]:
    lines = (line.strip() for line in str(value).splitlines())
    return tuple(dict.fromkeys(line for line in lines if line and not line.startswith("#")))


def _parse(path: Path) -> IntentSpec:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return IntentSpec(
        id=path.stem,
        description=str(data.get("description", "")),
        examples=_lines(data["examples"]),
        actions=_lines(data.get("actions", "")),
    )


@cache
def intent_specs(data_dir: Path = DATA_DIR) -> tuple[IntentSpec, ...]:
    return tuple(_parse(path) for path in sorted(data_dir.glob("*.toml")))


def load_examples(data_dir: Path = DATA_DIR) -> list[Example]:
    examples: list[Example] = []
    for spec in intent_specs(data_dir):
        examples += [Example(text, spec.id) for text in spec.examples]
        written = set(spec.examples)
        framed = (text for action in spec.actions for text in frame(action) if text not in written)
        examples += [Example(text, spec.id, generated=True) for text in dict.fromkeys(framed)]
    return examples


def examples_digest(data_dir: Path = DATA_DIR) -> str:
    """sha256 over every example file, so editing any example retrains the model."""
    digest = hashlib.sha256(repr((FRAMINGS, PER_ACTION)).encode())
    for path in sorted(data_dir.glob("*.toml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
