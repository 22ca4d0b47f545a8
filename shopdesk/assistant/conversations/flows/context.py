"""What a flow is given: the conversation, the message, its understanding, and where the customer is."""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.assistant.conversations.models import Conversation
from shopdesk.assistant.conversations.replies import Answer
from shopdesk.assistant.nlu import Understanding


@dataclass
class Turn:
    conversation: Conversation
    text: str
    understanding: Understanding | None
    answer: Answer
    client_ip: str

    def entity(self, kind: str) -> str | None:
        if self.understanding is None:
            return None
        return next((e.value for e in self.understanding.entities if e.type == kind), None)

    def choices_remember(self, choices: list[tuple[str, str]]) -> None:
        """The choices offered, (payload, words naming it), so a later "no, the blue one" can name one."""
        self.conversation.step = {**self.conversation.step, "choices": [list(c) for c in choices][:20]}

    def tried(self, note: str) -> None:
        """Remember what was done or said, for the person who may take over."""
        tried = list(self.conversation.tried)
        if not tried or tried[-1] != note:
            tried.append(note[:300])
        self.conversation.tried = tried[-30:]
