"""Ways customers wrap a request ("how do I …", "could you ask someone how I can …").

Intent files list their core requests under ``actions`` ("cancel my order"); each action is put
into a few of these framings. The framings are shared by every intent, so the classifier learns that
they carry no intent of their own and looks at the action instead.
"""

from __future__ import annotations

import zlib

FRAMINGS = (
    "{a}",
    "I want to {a}",
    "I'd like to {a}",
    "I need to {a}",
    "how do I {a}",
    "how can I {a}?",
    "can I {a}",
    "could you help me {a}",
    "help me {a}",
    "I need help to {a}",
    "what do I have to do to {a}?",
    "I don't know how to {a}",
    "where can I {a}",
    "is it possible to {a}?",
    "can you tell me how to {a}",
    "could you ask an agent how I can {a}",
    "can u ask someone how to {a} please",
    "I have to {a}, what should I do",
    "please help, I want to {a}",
    "how to {a}",
    "i wanna {a}",
    "what's the way to {a}",
    "tell me how I can {a}",
    "I'm trying to {a}",
    "would it be possible to {a}",
    "hi, I need to {a} asap",
    "what do I need to do to {a}",
    "is there a way to {a}",
    "I was wondering how to {a}",
    "{a} please",
)
PER_ACTION = 5


def frame(action: str, count: int = PER_ACTION) -> list[str]:
    """``count`` framings of ``action``, chosen by a hash so the set is stable between runs."""
    start = zlib.crc32(action.encode("utf-8"))
    step = 7  # co-prime with len(FRAMINGS), so the picks are spread over the whole list
    picks = [FRAMINGS[(start + i * step) % len(FRAMINGS)] for i in range(count)]
    return [p.format(a=action) for p in picks]
