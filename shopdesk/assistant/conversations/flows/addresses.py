"""Collect a new shipping or billing address field by field, then preview it through the registry.

Each answer is stored as the value of the field asked for, as data: nothing the customer types here is
read as a command, except leaving the flow ("start over", a person).
"""

from __future__ import annotations

from typing import Any

from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.orders import actor_for, preview_action
from shopdesk.orders.models import Order

ADDRESS_ACTIONS = {"shipping_address": "shipping_address", "change_billing_address": "billing_address"}
FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("line1", "What is the new street address (number and street)?", True),
    ("line2", "Apartment, suite or floor? Say 'none' if there isn't one.", False),
    ("city", "Which town or city?", True),
    ("region", "State, province or region? Say 'none' if there isn't one.", False),
    ("postcode", "And the postcode (ZIP code)? Say 'none' if there isn't one.", False),
    ("country", "Which country? (a name or a two-letter code such as US)", True),
)
_NONE = {"none", "no", "n/a", "-", "nothing", "no apartment", "nope"}
FIELD_CHARS = 200


def address_start(turn: Turn, order: Order, intent: str) -> None:
    action_id = ADDRESS_ACTIONS[intent]
    from shopdesk.selfservice.registry import action_get

    eligibility = action_get(action_id).eligibility(order=order, actor=actor_for(turn))
    if not eligibility.allowed or eligibility.needs_approval:
        preview_action(turn, order, action_id, {})  # says why not, or hands over
        return
    current: dict[str, Any] = getattr(order, f"{action_id.split('_')[0]}_address").as_dict()
    turn.conversation.step = {
        "intent": intent,
        "action": action_id,
        "fields": {"name": current.get("name", ""), "company": "", "phone": current.get("phone", "")},
        "next": FIELDS[0][0],
    }
    turn.tried(f"{action_id}: collecting the new address")
    turn.answer.say(f"{eligibility.message} {FIELDS[0][1]}".strip())


def address_answer(turn: Turn, order: Order) -> None:
    """The customer's answer to the field asked; the next question, or the preview once all are in."""
    step = dict(turn.conversation.step)
    fields = dict(step.get("fields", {}))
    name = step["next"]
    value = " ".join((turn.text or "").split())[:FIELD_CHARS]
    required = next(required for field, _, required in FIELDS if field == name)
    if value.lower() in _NONE and not required:
        value = ""
    if required and not value:
        turn.answer.say(next(question for field, question, _ in FIELDS if field == name))
        return
    fields[name] = value
    remaining = [field for field, _, _ in FIELDS if field not in fields]
    if remaining:
        step.update(fields=fields, next=remaining[0])
        turn.conversation.step = step
        turn.answer.say(next(question for field, question, _ in FIELDS if field == remaining[0]))
        return
    turn.conversation.step = {**step, "fields": fields, "next": ""}
    preview_action(turn, order, step["action"], fields)
    if not turn.conversation.pending_action:
        # The address didn't pass the checks: ask again for the first field it names.
        bad = next(
            (reply.data.get("fields") for reply in turn.answer.replies if reply.data.get("fields")), None
        )
        again = next((field for field, _, _ in FIELDS if bad and field in bad), None)
        if again:
            fields.pop(again, None)
            turn.conversation.step = {**step, "fields": fields, "next": again}
            turn.answer.say(next(question for field, question, _ in FIELDS if field == again))
        else:
            turn.conversation.step = {}
