"""A chat over the API, and the trained model loaded once for the session."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shopdesk.assistant.nlu.classifier import IntentModel

BASE = "/api/v1/assistant/conversations"


class Chat:
    """One conversation, driven like the widget drives it: messages and button presses."""

    def __init__(self, client: Client) -> None:
        self.client = client
        response = client.post(BASE, content_type="application/json")
        assert response.status_code == 200, response.content
        self.id: str = response.json()["id"]
        self.last: dict[str, Any] = {}

    def send(self, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
        response = self.client.post(f"{BASE}/{self.id}/messages", body, content_type="application/json")
        assert response.status_code == status, response.content
        self.last = response.json()
        return self.last

    def say(self, text: str, status: int = 200) -> dict[str, Any]:
        return self.send({"text": text}, status)

    def press(self, payload: str, status: int = 200) -> dict[str, Any]:
        return self.send({"button": payload}, status)

    @property
    def text(self) -> str:
        return "\n".join(reply["text"] for reply in self.last.get("replies", []))

    def types(self) -> list[str]:
        return [reply["type"] for reply in self.last["replies"]]

    def reply(self, kind: str) -> dict[str, Any]:
        return next(reply for reply in self.last["replies"] if reply["type"] == kind)

    def payloads(self) -> list[str]:
        return [button["payload"] for button in self.last["actions"]]


@pytest.fixture
def chat(db: None, client: Client, intent_model: IntentModel) -> Chat:
    return Chat(client)


@pytest.fixture
def new_chat(db: None, client: Client, intent_model: IntentModel):  # type: ignore[no-untyped-def]
    return lambda: Chat(Client())
