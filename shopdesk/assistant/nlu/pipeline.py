"""``understand(text)``: clean the message, extract its entities, classify its intent.

The model (encoder + classifier) is loaded once per process on first use, from the cache when it
is there. Input is never trusted: empty, binary, enormous, emoji-only or non-Latin-script messages
come back as ``out_of_scope`` instead of an exception.
"""

from __future__ import annotations

import datetime
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .classifier import IntentModel, load_or_train
from .encoder import SentenceEncoder, get_encoder
from .entities import Entity, extract_entities
from .examples import OUT_OF_SCOPE

# Classification reads at most this much: the head (where the problem is usually stated) and the
# tail (where the question usually is). MiniLM sees 256 word pieces, about 1,000 characters, anyway.
HEAD_CHARS = 1500
TAIL_CHARS = 500
# Entities are searched in the first 20,000 characters, so spans stay offsets into the original text.
ENTITY_CHARS = 20_000
ALTERNATIVES = 3


@dataclass(frozen=True)
class Alternative:
    intent: str
    confidence: float


@dataclass(frozen=True)
class Understanding:
    intent: str
    confidence: float
    entities: list[Entity] = field(default_factory=list)
    alternatives: list[Alternative] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "entities": [e.to_dict() for e in self.entities],
            "alternatives": [
                {"intent": a.intent, "confidence": round(a.confidence, 4)} for a in self.alternatives
            ],
        }


class _Loaded:
    """The process-wide model, loaded lazily and once, even with several threads asking at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: IntentModel | None = None

    def model(self) -> IntentModel:
        with self._lock:
            if self._model is None:
                self._model = load_or_train(get_encoder())
            return self._model

    def replace(self, model: IntentModel | None) -> None:
        with self._lock:
            self._model = model


_loaded = _Loaded()


def get_model() -> IntentModel:
    return _loaded.model()


def reload_model(*, retrain: bool = False, encoder: SentenceEncoder | None = None) -> IntentModel:
    model = load_or_train(encoder or get_encoder(), retrain=retrain)
    _loaded.replace(model)
    return model


def as_text(message: object) -> str:
    """Text from a str or bytes (undecodable bytes replaced); anything else is a caller bug."""
    if isinstance(message, bytes | bytearray):
        return bytes(message).decode("utf-8", errors="replace")
    if not isinstance(message, str):
        raise TypeError(f"understand() takes text (str or bytes), not {type(message).__name__}")
    return message


def clean(text: str) -> str:
    """Control characters become spaces (same length, so entity offsets survive)."""
    return "".join(
        " " if unicodedata.category(c) in ("Cc", "Cs", "Co") and c not in "\n\t" else c for c in text
    )


def classification_text(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return text[:HEAD_CHARS] + " … " + text[-TAIL_CHARS:]


def is_understandable(text: str) -> bool:
    """False for text with no Latin letters or digits: emoji, symbols, binary noise, other scripts.

    The assistant (and its model) works in English; a message in Cyrillic or Han script is out of
    scope rather than something to guess at.
    """
    latin = other = 0
    for char in text[:2000]:
        if char.isalpha():
            if "LATIN" in unicodedata.name(char, ""):
                latin += 1
            else:
                other += 1
        elif char.isdigit():
            latin += 1
    return latin >= 2 and latin >= other


def understand(message: str | bytes, *, now: datetime.datetime | None = None) -> Understanding:
    """The intent, its calibrated confidence, the entities and the runner-up intents of one message."""
    return understand_many([message], now=now)[0]


def understand_many(
    messages: Sequence[str | bytes], *, now: datetime.datetime | None = None
) -> list[Understanding]:
    """``understand`` for a batch: the sentence encoder runs once over all of them (much faster)."""
    texts = [clean(as_text(m)) for m in messages]
    entities = [extract_entities(t[:ENTITY_CHARS], now=now) for t in texts]
    readable = [i for i, t in enumerate(texts) if is_understandable(t)]
    results = [Understanding(OUT_OF_SCOPE, 1.0, entities[i], []) for i in range(len(texts))]
    if not readable:
        return results
    model = get_model()
    probabilities = model.probabilities([classification_text(texts[i]) for i in readable])
    for row, i in enumerate(readable):
        results[i] = _decide(model, probabilities[row], entities[i])
    return results


def decide_intent(model: IntentModel, probabilities: np.ndarray, threshold: float) -> str:
    """The reported intent for one row of class probabilities at a given out-of-scope threshold."""
    top = int(np.argmax(probabilities))
    if model.classes[top] != OUT_OF_SCOPE and float(probabilities[top]) < threshold:
        return OUT_OF_SCOPE
    return model.classes[top]


def _decide(model: IntentModel, probabilities: np.ndarray, entities: list[Entity]) -> Understanding:
    order = np.argsort(-probabilities)
    top, top_p = model.classes[order[0]], float(probabilities[order[0]])
    ranked = [Alternative(model.classes[j], float(probabilities[j])) for j in order[1 : ALTERNATIVES + 1]]
    if decide_intent(model, probabilities, model.threshold) != top:
        # Not sure enough to act: out of scope, with the best guess kept as the first alternative.
        return Understanding(OUT_OF_SCOPE, 1.0 - top_p, entities, [Alternative(top, top_p), *ranked[:-1]])
    return Understanding(top, top_p, entities, ranked)
