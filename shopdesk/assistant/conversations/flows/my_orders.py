"""Several orders of one email: a shopper signed in with a sign-in link (every order of their email) picks
the order the conversation is about; follow-ups then apply to that one."""

from __future__ import annotations

import re

from shopdesk.access.selectors import orders_for_access
from shopdesk.access.types import CustomerAccess
from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.orders import order_url
from shopdesk.assistant.conversations.models import Conversation
from shopdesk.assistant.conversations.replies import Reply
from shopdesk.orderview.diagnoses.types import format_date
from shopdesk.policy.money import money_text
from shopdesk.shipping.models import Shipment

ORDERS_LISTED = 10
_OTHER_ONE = re.compile(
    r"^\W*((no|nope|sorry|actually|wait)\W+)*((i meant|i mean|rather)\s+)?(the|that)?\s*other one\W*$"
    r"|^\W*(no\W+)?not (this|that) one\W*$",
    re.I,
)


def other_one_is_an_order(conversation: Conversation, text: str, package_topic: bool) -> bool:
    """ "No, the other one" after two orders were looked at here: the other order, unless the topic is a
    package and this order has several (then it is the other package)."""
    if not _OTHER_ONE.search(text) or len(conversation.step.get("orders") or []) < 2:
        return False
    if not package_topic:
        return True
    return Shipment.objects.filter(order__number=conversation.order_number).count() <= 1


def order_chosen_or_listed(turn: Turn, access: CustomerAccess, intent: str) -> str | None:
    """The number of the customer's only order; with several, None and a choice of them (newest first)."""
    conversation = turn.conversation
    orders = list(
        orders_for_access(access=access).prefetch_related("lines").order_by("-placed_at")[:ORDERS_LISTED]
    )
    if len(orders) == 1:
        return orders[0].number
    if not orders:
        turn.answer.say(f"I found no orders placed with {access.email}.")
        return None
    choices = []
    for order in orders:
        items = sum(line.quantity for line in order.lines.all())
        label = (
            f"Order {order.number}, {format_date(order.placed_at.date())}, "
            f"{money_text(order.total, order.currency)}, {items} item{'s' if items != 1 else ''}"
        )
        choices.append({"order": order.number, "label": label, "url": order_url(order.number)})
        turn.answer.offer(f"Order {order.number}", f"order:{order.number}")
    turn.answer.add(
        Reply(
            "choices",
            f"You have {len(orders)} orders with {access.email}. Which one is it about?",
            {"choices": choices},
        )
    )
    conversation.step = {
        **conversation.step,
        "orders": [order.number for order in orders],
        "awaiting": intent,
    }
    turn.choices_remember([(f"order:{c['order']}", c["label"]) for c in choices])
    turn.tried(f"{intent}: listed {len(orders)} orders of the signed-in email to choose from")
    return None
