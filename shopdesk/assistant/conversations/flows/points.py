"""Points on the verified customer's account: the balance they can spend (and when the first of it
expires), and an order's points entries with the day each becomes available (read from
shopdesk/loyalty; the rules' numbers from the policy).
Asked when points come back, the answer also gives the article's rules (a cancellation, a return), unless
the conversation showed them already."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.general import article_answer, article_given
from shopdesk.core.calendar import local_date
from shopdesk.loyalty.models import PointsEntry
from shopdesk.loyalty.selectors import (
    points_balance,
    points_day,
    points_entries_for_order,
    points_next_expiry,
)
from shopdesk.orders.models import Order
from shopdesk.orderview.diagnoses.types import format_date
from shopdesk.policy import get_policy

POINTS_INTENTS = ("pay_with_points", "points_refund_timing")


def points_flow(turn: Turn, order: Order, intent: str) -> None:
    points = get_policy().points
    now = timezone.now()
    balance = points_balance(customer=order.customer, at=now)
    turn.answer.say(
        f"You have {balance:,} {points.name} to spend now. At checkout they can pay up to "
        f"{points.max_order_share_percent}% of an order, from {points.min_redeem:,} points.",
        balance=balance,
    )
    expiry = points_next_expiry(customer=order.customer) if balance > 0 else None
    if expiry is not None:
        turn.answer.say(
            f"{expiry.points:,} of them expire on {points_day(expiry.expires_at)} if you don't use them by then.",
            expiring=expiry.points,
            expires_at=expiry.expires_at.isoformat(),
        )
    if intent == "points_refund_timing":
        if not article_given(turn, intent):
            article_answer(turn, intent)
        entries = points_entries_for_order(order)
        if not entries:
            turn.answer.say(f"Order {order.number} has no points entries.")
        for entry in entries:
            turn.answer.say(
                _entry_sentence(entry, now),
                kind=entry.kind,
                points=entry.points,
                available_at=entry.available_at.isoformat(),
            )
    turn.tried(f"{intent}: gave the points balance ({balance})")


def _entry_sentence(entry: PointsEntry, now: dt.datetime) -> str:
    """A line such as "Earned on an order: +121 points (available Tuesday 29 December)". Points taken
    from the account (spent, taken back, expired) give the day they went, not a day they become
    available. Days are the store's calendar days."""
    policy = get_policy()
    if entry.points < 0:
        went = format_date(local_date(entry.created_at, policy))
        return f"{entry.get_kind_display()}: {-entry.points:,} points ({went})."
    when = (
        "available now"
        if entry.available_at <= now
        else f"available {format_date(local_date(entry.available_at, policy))}"
    )
    return f"{entry.get_kind_display()}: +{entry.points:,} points ({when})."
