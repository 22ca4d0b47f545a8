"""Points on the verified customer's account: the balance they can spend, and an order's points entries
with the day each becomes available (read from shopdesk/loyalty; the rules' numbers from the policy)."""

from __future__ import annotations

from django.utils import timezone

from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.loyalty.selectors import points_balance, points_entries_for_order
from shopdesk.orders.models import Order
from shopdesk.orderview.diagnoses.types import format_date
from shopdesk.policy import get_policy

POINTS_INTENTS = ("pay_with_points", "points_refund_timing")


def points_flow(turn: Turn, order: Order, intent: str) -> None:
    points = get_policy().points
    now = timezone.now()
    balance = points_balance(customer=order.customer, at=now)
    turn.answer.say(
        f"You have {balance} {points.name} to spend now. At checkout they can pay up to "
        f"{points.max_order_share_percent}% of an order, from {points.min_redeem} points.",
        balance=balance,
    )
    if intent == "points_refund_timing":
        entries = points_entries_for_order(order)
        if not entries:
            turn.answer.say(f"Order {order.number} has no points entries.")
        for entry in entries:
            when = (
                "available now"
                if entry.available_at <= now
                else f"available {format_date(entry.available_at.date())}"
            )
            sign = "+" if entry.points > 0 else ""
            turn.answer.say(
                f"{entry.get_kind_display()}: {sign}{entry.points} points ({when}).",
                kind=entry.kind,
                points=entry.points,
                available_at=entry.available_at.isoformat(),
            )
    turn.tried(f"{intent}: gave the points balance ({balance})")
