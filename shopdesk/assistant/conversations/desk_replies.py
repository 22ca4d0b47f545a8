"""A person's public reply on the ticket of a handed-over chat comes back into that chat.

The desk sends `public_reply_sent` inside the reply's transaction; the reply becomes an `agent` turn of
the conversation whose handoff opened the ticket, and the widget shows it on its next poll. The buttons
offered stay as they were: an agent's words are not a question the assistant asked.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from shopdesk.assistant.conversations.models import Conversation, Speaker, Turn


def conversation_agent_reply(*, ticket_reference: str, author_label: str, body: str) -> Turn | None:
    """Append the reply to the chat the ticket came from; None when no conversation opened that ticket."""
    if not ticket_reference:
        return None
    conversation = (
        Conversation.objects.select_for_update()
        .filter(handoff__ticket=ticket_reference)
        .order_by("pk")
        .first()
    )
    if conversation is None:
        return None
    position = (conversation.turns.aggregate(last=Max("position"))["last"] or 0) + 1
    turn = Turn.objects.create(
        conversation=conversation,
        position=position,
        speaker=Speaker.AGENT,
        text=body,
        replies=[{"type": "text", "text": body, "data": {"from": author_label}}],
    )
    conversation.save(update_fields=["updated_at"])
    return turn


def on_public_reply(sender: Any, *, ticket: Any, message: Any, **kwargs: Any) -> None:
    if getattr(ticket, "channel", "") != "chat":
        return
    conversation_agent_reply(
        ticket_reference=ticket.reference, author_label=message.author_label or "", body=message.body
    )
