"""The structured replies of a turn: `{type, text, data}`, and the buttons offered `{label, payload}`.

Every reply carries a plain `text`, so a channel that knows no richer type (the terminal) still shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REPLY_TYPES = ("text", "article", "order", "timeline", "refund", "returns", "choices", "confirm", "handoff")

YES = "yes"
NO = "no"


@dataclass(frozen=True, slots=True)
class Reply:
    type: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.type not in REPLY_TYPES:
            raise ValueError(f"unknown reply type {self.type!r}")

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "text": self.text, "data": self.data}


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "payload": self.payload}


@dataclass(slots=True)
class Answer:
    """What one turn answers: the replies in order and the buttons offered now."""

    intent: str
    replies: list[Reply] = field(default_factory=list)
    actions: list[Button] = field(default_factory=list)

    def say(self, text: str, **data: Any) -> Answer:
        self.replies.append(Reply("text", text, data))
        return self

    def add(self, reply: Reply) -> Answer:
        self.replies.append(reply)
        return self

    def offer(self, label: str, payload: str) -> Answer:
        if all(button.payload != payload for button in self.actions):
            self.actions.append(Button(label, payload))
        return self

    def as_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "replies": [reply.as_dict() for reply in self.replies],
            "actions": [button.as_dict() for button in self.actions],
        }


def confirm_reply(
    *, question: str, preview: str, data: dict[str, Any], answer: Answer, yes_label: str
) -> None:
    """The preview of a change and the yes/no buttons: nothing changes until the customer presses yes."""
    answer.add(Reply("confirm", f"{preview} {question}", {"preview": preview, **data}))
    answer.offer(yes_label, YES)
    answer.offer("No, leave it as it is", NO)
