"""``understand(text)``: clean the message, extract its entities, classify its intent.

The model (encoder + classifier) is loaded once per process on first use, from the cache when it
is there. Input is never trusted: empty, binary, enormous, emoji-only or non-Latin-script messages
come back as ``out_of_scope`` instead of an exception.
"""

from __future__ import annotations

import datetime
import gc
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from .classifier import IntentModel, load_or_train
from .encoder import EMBEDDING_DIM, SentenceEncoder, get_encoder
from .entities import Entity, extract_entities, without_order_details
from .examples import OUT_OF_SCOPE, OUT_OF_SCOPE_FAMILY, intent_specs
from .timing import model_timed

# Classification reads at most this much: the head (where the problem is usually stated) and the
# tail (where the question usually is). MiniLM sees 256 word pieces, about 1,000 characters, anyway.
HEAD_CHARS = 1500
TAIL_CHARS = 500
# Entities are searched in the first 20,000 characters, so spans stay offsets into the original text.
ENTITY_CHARS = 20_000
ALTERNATIVES = 3
# A message of at most this many words, after a turn about an order or a return, may be a fragment
# of that topic ("it's the wrong size", "to small"). When, read alone, it is out of scope or unsure,
# and it is closer to one of the topic's written examples than to any written out-of-scope example,
# it is read again after the topic's own question ("how do I return an item. to small"). A short
# message that is a clear request of its own ("cancel my order", "thanks, bye") switches topic as it
# is, and an off-topic remark ("tell me a joke") stays out of scope.
FRAGMENT_WORDS = 6
CHIT_CHAT = frozenset({OUT_OF_SCOPE, "greeting", "goodbye"})
# "Closer" with a head start for the topic: the conversation is about it (chosen on our own written
# fragments and off-topic remarks, tests/assistant/test_context.py).
TOPIC_MARGIN = 0.12
# A message of only an order number and/or an email joined by these words ("it's KW…, and my email is
# me@…") names an order and asks nothing: ``read_details`` reads it without the model.
LINKING_WORDS = frozenset(
    [
        "it",
        "it's",
        "its",
        "is",
        "my",
        "the",
        "order",
        "number",
        "nr",
        "no",
        "email",
        "e",
        "mail",
        "address",
        "and",
        "here",
        "this",
        "that",
    ]
)
DETAILS_CHARS = 300
_WORDS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


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
    # Only an order number and/or an email (``read_details``): out of scope, no request of its own.
    details_only: bool = False

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
                # The model, the encoder and the app loaded so far live as long as the process: moved out
                # of the cyclic collector's generations, a full collection no longer walks their objects
                # (over 150,000 of them, 90 ms a time on a 2-vCPU server). Reference counting still frees
                # them when they go.
                gc.freeze()
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


# The control characters of ASCII but tab and newline, each to a space (what ``clean`` does to them).
_ASCII_CONTROLS = {c: " " for c in (*range(0x20), 0x7F) if chr(c) not in "\n\t"}


def clean(text: str) -> str:
    """Control characters become spaces (same length, so entity offsets survive)."""
    if text.isprintable():  # no Cc, Cs or Co character at all: the usual message, as it is
        return text
    if text.isascii():
        return text.translate(_ASCII_CONTROLS)
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
    head = text[:2000]
    if head.isascii():  # every ASCII letter is Latin
        return sum(map(str.isalnum, head)) >= 2
    latin = other = 0
    for char in head:
        if char.isalpha():
            if char.isascii() or "LATIN" in unicodedata.name(char, ""):
                latin += 1
            else:
                other += 1
        elif char.isdigit():
            latin += 1
    return latin >= 2 and latin >= other


def understand(
    message: str | bytes, *, now: datetime.datetime | None = None, context: str | None = None
) -> Understanding:
    """The intent, its calibrated confidence, the entities and the runner-up intents of one message.

    ``context`` is the conversation's current intent (the last one understood): a short message is
    then also read as a follow-up of that topic, so "to small" after a return question is a return.
    """
    return understand_many([message], now=now, context=context)[0]


def read_details(message: str | bytes, *, now: datetime.datetime | None = None) -> Understanding | None:
    """The reading of a message made only of an order number and/or an email and ``LINKING_WORDS``:
    out of scope with those entities and ``details_only``, without the model (it would only guess
    at a request the message doesn't make). None for any other message."""
    text = clean(as_text(message))
    if len(text) > DETAILS_CHARS:
        return None
    entities = extract_entities(text, now=now)
    if not any(e.type in ("order_number", "email") for e in entities):
        return None
    rest = without_order_details(text, entities)
    if any(word.replace("’", "'") not in LINKING_WORDS for word in _WORDS.findall(rest.lower())):
        return None
    return Understanding(OUT_OF_SCOPE, 1.0, entities, [], details_only=True)


def context_lead(intent: str | None) -> str | None:
    """The question a fragment is read after: the intent's first written example; None for no topic."""
    if not intent or intent in OUT_OF_SCOPE_FAMILY:
        return None
    for spec in intent_specs():
        if spec.id == intent and spec.examples:
            return spec.examples[0]
    return None


def is_fragment(text: str) -> bool:
    return len(text.split()) <= FRAGMENT_WORDS


@lru_cache(maxsize=1)
def _written_example_vectors() -> dict[str, np.ndarray]:
    """Embeddings of every intent's written examples, by intent: one read of the training cache per
    process (not one per intent), the first time a fragment is read in a topic."""
    from .embedding_cache import embed

    model = get_model()
    specs = [spec for spec in intent_specs() if spec.examples]
    vectors = embed(model.features.encoder, [model.features.prepare(t) for s in specs for t in s.examples])
    by_intent: dict[str, list[np.ndarray]] = {}
    start = 0
    for spec in specs:
        by_intent.setdefault(spec.id, []).append(vectors[start : start + len(spec.examples)])
        start += len(spec.examples)
    return {intent: np.concatenate(parts) for intent, parts in by_intent.items()}


def _example_vectors(intent: str) -> np.ndarray:
    return _written_example_vectors().get(intent, np.zeros((0, EMBEDDING_DIM), dtype=np.float32))


def _on_topic(vectors: np.ndarray, topic: str, alone: list[str]) -> list[bool]:
    """For each message (its sentence embedding): is it (nearly) as close to one of ``topic``'s written
    examples as to one of the intent it was read as alone (out of scope, greeting, goodbye)?"""
    if not len(vectors):
        return []
    nearest_topic = (vectors @ _example_vectors(topic).T).max(axis=1)
    return [
        bool(nearest_topic[i] >= float((vectors[i] @ _example_vectors(other).T).max()) - TOPIC_MARGIN)
        for i, other in enumerate(alone)
    ]


def understand_many(
    messages: Sequence[str | bytes], *, now: datetime.datetime | None = None, context: str | None = None
) -> list[Understanding]:
    """``understand`` for a batch: the sentence encoder runs once over all of them (much faster).

    ``context`` (see ``understand``) applies to every message of the batch.
    """
    with model_timed():
        return _understand_many(messages, now=now, context=context)


def _understand_many(
    messages: Sequence[str | bytes], *, now: datetime.datetime | None, context: str | None
) -> list[Understanding]:
    texts = [clean(as_text(m)) for m in messages]
    entities = [extract_entities(t[:ENTITY_CHARS], now=now) for t in texts]
    readable = [i for i, t in enumerate(texts) if is_understandable(t)]
    results = [Understanding(OUT_OF_SCOPE, 1.0, entities[i], []) for i in range(len(texts))]
    if not readable:
        return results
    model = get_model()
    classified = [classification_text(texts[i]) for i in readable]
    # Encoded once: a fragment's closeness to the topic below reuses the same vectors.
    prepared = [model.features.prepare(t) for t in classified]
    vectors = model.features.encoder.encode(prepared)
    probabilities = model.prepared_probabilities(prepared, vectors)
    lead = context_lead(context)
    if lead is not None and context is not None:
        # Read alone as out of scope, a greeting or a goodbye ("still nothing" reads like "nothing else").
        alone = {
            row: decide_intent(model, probabilities[row], model.threshold) for row in range(len(readable))
        }
        rows = [row for row, i in enumerate(readable) if is_fragment(texts[i]) and alone[row] in CHIT_CHAT]
        on_topic = _on_topic(vectors[rows], context, [alone[r] for r in rows])
        rows = [r for r, keep in zip(rows, on_topic, strict=True) if keep]
        if rows:
            probabilities[rows] = model.probabilities(
                [f"{lead}. {' '.join(texts[readable[r]].split())}" for r in rows]
            )
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
