"""Noise augmentation: typed-too-fast copies of our own written examples ("cancel" → "cancle").

Each hand-written example has a fixed chance of one noisy copy, in which one or two words of four
letters or more get one slip of the fingers: a letter dropped, two swapped, one doubled, or one
replaced by a neighbour on the keyboard. Chosen by a hash of the text, so training is repeatable.
Copies go through the same spelling pass as any message, so the model learns the slips that pass
cannot fix (a slip that makes another real word, "form" for "from").
"""

from __future__ import annotations

import random
import re
import zlib

from .examples import Example

SHARE = 0.4  # of the hand-written examples that get one noisy copy
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS = {
    c: row[max(0, i - 1) : i] + row[i + 1 : i + 2] for row in KEYBOARD_ROWS for i, c in enumerate(row)
}
_WORD = re.compile(r"[A-Za-z]{4,}")


def slip(word: str, rng: random.Random) -> str:
    """``word`` with one typing slip (never on its first letter, which people rarely miss)."""
    i = rng.randrange(1, len(word))
    kind = rng.choice(("drop", "swap", "double", "neighbour"))
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "neighbour" and word[i].lower() in _NEIGHBOURS:
        return word[:i] + rng.choice(_NEIGHBOURS[word[i].lower()]) + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def noisy_copy(text: str) -> str | None:
    """A noisy copy of ``text``, or None when this example gets none (or has no long word)."""
    rng = random.Random(zlib.crc32(text.encode("utf-8")))
    if rng.random() >= SHARE:
        return None
    spans = [m.span() for m in _WORD.finditer(text)]
    if not spans:
        return None
    chosen = sorted(rng.sample(spans, k=min(len(spans), rng.choice((1, 1, 2)))), reverse=True)
    for start, end in chosen:
        text = text[:start] + slip(text[start:end], rng) + text[end:]
    return text


def typo_copy(text: str) -> str:
    """``text`` with one slip in one or two of its words of four letters or more, always (the text
    itself when it has none): a held-out message as typed in a hurry, to measure typo robustness.
    Seeded apart from ``noisy_copy``, so it is not the training copy of the same text."""
    rng = random.Random(zlib.crc32(("typo:" + text).encode("utf-8")))
    spans = [m.span() for m in _WORD.finditer(text)]
    if not spans:
        return text
    chosen = sorted(rng.sample(spans, k=min(len(spans), rng.choice((1, 2)))), reverse=True)
    for start, end in chosen:
        text = text[:start] + slip(text[start:end], rng) + text[end:]
    return text


def augmented(examples: list[Example]) -> list[Example]:
    """The noisy copies of the hand-written ``examples`` (not of generated framings)."""
    seen = {e.text for e in examples}
    copies = []
    for example in examples:
        if example.generated:
            continue
        copy = noisy_copy(example.text)
        if copy and copy not in seen:
            seen.add(copy)
            copies.append(Example(copy, example.intent, generated=True))
    return copies
