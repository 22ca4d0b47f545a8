"""`shopdesk ask`: one turn with an argument, an interactive session without."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from shopdesk.assistant.conversations.models import Conversation
from shopdesk.orders.models import Order

pytestmark = pytest.mark.django_db


def test_one_turn(intent_model) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("ask", "what is your return policy?", stdout=out)
    assert "/help/articles/return-policy/" in out.getvalue()
    assert "[1] Talk to a person" in out.getvalue()


def test_interactive_session_with_buttons_by_number(
    intent_model,
    order_unfulfilled: Order,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    lines = iter([f"cancel my order {order_unfulfilled.number} {order_unfulfilled.email}", "1"])

    def fake_input(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", fake_input)
    out = io.StringIO()
    call_command("ask", stdout=out)
    assert "[1] Yes, cancel my order" in out.getvalue()
    assert order_unfulfilled.lines.filter(quantity_cancelled=0).count() == 0
    assert Conversation.objects.get().turns.count() == 4
