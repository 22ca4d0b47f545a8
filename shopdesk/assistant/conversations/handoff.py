"""Hand a conversation over to a person: record why, the intent, the order and what was already tried.

`handoff_request` is the one place that does it: when the shopper gave an email, the desk gets a ticket
with the transcript, and the shopper an acknowledgement with its reference.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from shopdesk.assistant.conversations.models import Conversation, HandoffReason, Speaker
from shopdesk.assistant.conversations.replies import Reply
from shopdesk.desk.services.handoffs import HandoffTurn, ticket_from_chat
from shopdesk.policy import get_policy


def handoff_expectation() -> dict[str, Any]:
    """When a person answers, from the policy's support hours (the same words as the contact article)."""
    store = get_policy().store
    return {
        "response_hours": store.first_response_hours,
        "support_hours": store.support_hours,
        "support_email": store.support_email,
    }


def handoff_transcript(conversation: Conversation) -> list[HandoffTurn]:
    """What each side said, as the shopper saw it: the assistant's replies, and a button by its label."""
    turns: list[HandoffTurn] = []
    offered: dict[str, str] = {}
    for turn in conversation.turns.order_by("position"):
        if turn.speaker == Speaker.CUSTOMER:
            said = turn.text or (f"[{offered.get(turn.button, turn.button)}]" if turn.button else "")
            turns.append(HandoffTurn(turn.speaker, said))
            continue
        replies = " ".join(str(reply.get("text", "")) for reply in turn.replies or [])
        turns.append(HandoffTurn(turn.speaker, " ".join(part for part in (turn.text, replies) if part)))
        offered = {str(b.get("payload")): str(b.get("label")) for b in turn.actions or []}
    return turns


def handoff_request(conversation: Conversation, *, reason: str = HandoffReason.REQUESTED) -> Reply:
    """Mark the conversation handed over (once; a repeat keeps the first record) and say what happens next."""
    if not conversation.handed_over:
        now = timezone.now()
        conversation.handed_over = True
        conversation.handoff_reason = HandoffReason(reason).value
        conversation.handed_over_at = now
        conversation.handoff = {
            "reason": HandoffReason(reason).value,
            "reason_label": HandoffReason(reason).label,
            "intent": conversation.last_intent or None,
            # Only an order the customer proved is theirs goes to the desk as "their order".
            "order_number": conversation.order_number if conversation.is_verified else None,
            "email": conversation.email or None,
            "verified": conversation.is_verified,
            "tried": list(conversation.tried),
            "at": now.isoformat(),
        }
        conversation.save(
            update_fields=["handed_over", "handoff_reason", "handed_over_at", "handoff", "updated_at"]
        )
    if conversation.email and not conversation.handoff.get("ticket"):
        # Once an email is known (now or on a later turn), the desk gets its ticket, once.
        ticket_reference = ticket_from_chat(
            email=conversation.email,
            reason_label=conversation.handoff["reason_label"],
            intent=conversation.handoff["intent"],
            order_number=conversation.handoff["order_number"],
            tried=list(conversation.tried),
            transcript=handoff_transcript(conversation),
        ).reference
        conversation.handoff = {**conversation.handoff, "ticket": ticket_reference}
        conversation.save(update_fields=["handoff", "updated_at"])
    expected = handoff_expectation()
    ticket = conversation.handoff.get("ticket")
    if ticket:
        text = (
            f"I've passed our conversation to a person in our care team (reference {ticket}), with everything "
            f"we've said. They answer within {expected['response_hours']} hours ({expected['support_hours']}), "
            f"by email to {conversation.email}."
        )
    else:
        text = (
            "I can pass this to a person in our care team: tell me your email address so they can answer "
            f"you, or write to {expected['support_email']}. They answer within {expected['response_hours']} "
            f"hours ({expected['support_hours']})."
        )
    return Reply("handoff", text, {"reason": conversation.handoff_reason, "ticket": ticket, **expected})
