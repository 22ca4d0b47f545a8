"""The price difference on an item of the verified order that costs less now: each item's answer from the
`price_adjustment` rule, the action's preview for the item chosen, and the refund after a yes."""

from __future__ import annotations

from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.orders import actor_for, preview_action
from shopdesk.assistant.conversations.replies import Reply
from shopdesk.orders.models import Order
from shopdesk.orderview.cached import order_page_cached
from shopdesk.promotions.price_adjustment import LineAdjustment

PRICE_ADJUSTMENT_INTENTS = ("price_adjustment",)
ACTION = "price_adjustment"


def price_adjustment_flow(turn: Turn, order: Order, intent: str) -> None:
    page = order_page_cached(order=order, actor=actor_for(turn))
    order_answer = page.actions.get(ACTION)
    answers = [a for a in page.price_adjustments if a.units > 0]
    if order_answer is not None and order_answer.needs_approval:
        preview_action(turn, order, ACTION, {})  # a person decides: hands over
        return
    allowed = [a for a in answers if a.eligibility.allowed]
    for answer in answers:
        turn.answer.say(
            f"{answer.line.product_name}: {answer.eligibility.message}",
            line_id=answer.line.pk,
            code=answer.eligibility.code,
            allowed=answer.eligibility.allowed,
        )
    if not answers and order_answer is not None:
        turn.answer.say(order_answer.message, code=order_answer.code)
    turn.tried(f"price_adjustment: checked the items of {order.number} ({len(allowed)} eligible)")
    turn.conversation.step = {**turn.conversation.step, "adjustable": [a.line.pk for a in allowed]}
    named = _named(turn.text or "", allowed)
    if named is None and len(allowed) == 1:
        named = allowed[0]
    if named is not None:
        preview_action(turn, order, ACTION, {"line_id": named.line.pk})
        return
    if allowed:
        turn.answer.add(
            Reply(
                "choices",
                "Which item should I ask the difference back for?",
                {"choices": [{"line": a.line.pk, "label": a.line.product_name} for a in allowed]},
            )
        )
        for answer in allowed:
            turn.answer.offer(answer.line.product_name, f"pa:{answer.line.pk}")
        turn.choices_remember([(f"pa:{a.line.pk}", a.line.product_name) for a in allowed])


def _named(text: str, allowed: list[LineAdjustment]) -> LineAdjustment | None:
    lowered = text.lower()
    named = [a for a in allowed if a.line.product_name and a.line.product_name.lower() in lowered]
    return named[0] if len(named) == 1 else None


def price_adjustment_button(turn: Turn, order: Order, value: str) -> None:
    """`pa:<line id>`: an item shown as eligible in this conversation, previewed for a yes."""
    offered = [int(line) for line in turn.conversation.step.get("adjustable") or []]
    if not value.isdigit() or int(value) not in offered:
        turn.answer.say("Please choose one of the items offered.")
        return
    preview_action(turn, order, ACTION, {"line_id": int(value)})
