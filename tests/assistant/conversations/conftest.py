"""A chat over the API, and the trained model loaded once for the session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from shopdesk.assistant.nlu.classifier import IntentModel
from shopdesk.orders.models import Order

BASE = "/api/v1/assistant/conversations"


class Chat:
    """One conversation, driven like the widget drives it: messages and button presses."""

    def __init__(self, client: Client) -> None:
        self.client = client
        response = client.post(BASE, content_type="application/json")
        assert response.status_code == 200, response.content
        self.id: str = response.json()["id"]
        self.last: dict[str, Any] = {}
        self.headers: dict[str, str] = {}  # e.g. the Sec-Fetch-Site a browser sends from our own pages

    def send(self, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
        response = self.client.post(
            f"{BASE}/{self.id}/messages", body, content_type="application/json", headers=self.headers
        )
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


@pytest.fixture(scope="module")
def demo_store(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[dict[str, Any]]]:
    """The demo store (60 orders, seed 7, at the real now so every window is live), loaded once for a module:
    each test's changes roll back with its transaction, and the store is deleted after the module."""
    from shopdesk.demo.store import demo_store_delete
    from tests.demo.conftest import listed, run_demo

    with django_db_blocker.unblock():
        run_demo("--orders", "60", "--seed", "7", "--quiet")
        rows = listed()
    yield rows
    with django_db_blocker.unblock():
        demo_store_delete()


def demo_orders(rows: list[dict[str, Any]], situation: str) -> list[Order]:
    """The demo orders listed under `situation` (skips the test when the store has none)."""
    numbers = [row["number"] for row in rows if situation in row["situations"]]
    if not numbers:
        pytest.skip(f"the demo store has no {situation} order")
    return list(Order.objects.filter(number__in=numbers).order_by("number"))
