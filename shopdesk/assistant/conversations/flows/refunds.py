"""Refunds of the verified order, line by line, each with the refund explainer's sentence; for a refund
that looks wrong, a dispute opened through the `refund_dispute` action after a yes.

The lines and the sentence come from shopdesk/payments and shopdesk/returns (the API's and the order
page's own); nothing here adds or subtracts money.
"""

from __future__ import annotations

from typing import Any

from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.orders import actor_for, order_url, preview_action
from shopdesk.assistant.conversations.replies import Reply
from shopdesk.orders.models import Order
from shopdesk.policy.money import money_text
from shopdesk.returns.refund_explanations import refunds_explained
from shopdesk.selfservice.registry import action_get

REFUND_INTENTS = ("refund_wrong", "partial_refund")
DISPUTE = "refund_dispute"


def refund_reply(order: Order, refund: dict[str, Any]) -> Reply:
    """One refund as a table: each line with its amount, the total, and the sentence that explains it."""
    money = lambda amount: money_text(amount, refund["currency"])  # noqa: E731
    return Reply(
        "refund",
        refund["explanation"],
        {
            "refund_id": refund["id"],
            "status": refund["status"],
            "lines": [
                {"label": line["description"], "amount": money(line["amount"]), "kind": line["kind"]}
                for line in refund["lines"]
            ],
            "total": money(refund["amount"]),
            "total_label": "Refunded",
            "points": refund["points"],
            "caption": f"Refund of {refund['created_at'].date().isoformat()}, line by line",
            "url": order_url(order.number),
        },
    )


def refund_flow(turn: Turn, order: Order, intent: str) -> None:
    """Every refund of the order, line by line; for a wrong one, the dispute to confirm."""
    refunds = refunds_explained(order=order)
    if not refunds:
        eligibility = action_get(DISPUTE).eligibility(order=order, actor=actor_for(turn))
        turn.answer.say(eligibility.message, code=eligibility.code)
        turn.tried(f"{intent}: order {order.number} has no refund")
        return
    for refund in refunds:
        turn.answer.add(refund_reply(order, refund))
    turn.tried(f"{intent}: showed {len(refunds)} refund(s) of {order.number} line by line")
    turn.conversation.step = {
        **turn.conversation.step,
        "refunds": [refund["id"] for refund in refunds],
    }
    if intent == "refund_wrong" and len(refunds) == 1:
        preview_action(turn, order, DISPUTE, {"refund_id": refunds[0]["id"]})
        return
    amounts = [money_text(refund["amount"], refund["currency"]) for refund in refunds]
    for index, (refund, amount) in enumerate(zip(refunds, amounts, strict=True), start=1):
        # Each button names its refund by its amount, or by its place when two amounts are the same.
        label = (
            "Report a problem with this refund"
            if len(refunds) == 1
            else f"Report the {amount} refund"
            if len(set(amounts)) == len(amounts)
            else f"Report refund {index}"
        )
        turn.answer.offer(label, f"rfd:{refund['id']}")


def refund_button(turn: Turn, order: Order, value: str) -> None:
    """`rfd:<refund id>`: the dispute of one refund shown in this conversation, previewed for a yes."""
    shown = [int(refund) for refund in turn.conversation.step.get("refunds") or []]
    if not value.isdigit() or int(value) not in shown:
        turn.answer.say("Please choose one of the refunds shown.")
        return
    preview_action(turn, order, DISPUTE, {"refund_id": int(value)})
