"""A declined payment explained: the decline code in plain words, whether money left the account, what next.

decline_explain(order=..., payments=..., now=...)   -> DeclineExplanation | None (None: nothing declined
                                                       is left unpaid: a later attempt went through)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.core.calendar import local_date
from shopdesk.core.money import format_money
from shopdesk.orders.models import Order
from shopdesk.payments.enums import PaymentState
from shopdesk.payments.models import Payment
from shopdesk.policy import Policy, get_policy
from shopdesk.policy.dates import day_text

UNKNOWN_REASON = "your bank declined the payment without telling us why"
UNKNOWN_ADVICE = "Try another card or payment method; if it happens again, contact us with your order number."


@dataclass(frozen=True, slots=True)
class DeclineExplanation:
    code: str  # the provider's decline code, as the store sent it
    reason: str  # the code in plain words ("the card has expired")
    advice: str  # what to do about this reason
    attempts: int  # declined attempts on this order
    charged: bool  # money taken from the account (never, for a decline: kept explicit for the API)
    hold: Decimal  # amount a declined attempt still holds on the account, not a charge
    hold_released_by: dt.date | None  # the bank drops the hold by this day at the latest
    money_message: str  # "Was I charged?" in one or two sentences
    next_step: str  # what to do now, naming the pay-again link when the store gave one
    can_pay_again: bool  # the store gave a link to pay this order again


def awaiting_payment(payments: Sequence[Payment]) -> bool:
    """No attempt holds or took money: every one was declined (or none was made)."""
    return not any(p.state not in (PaymentState.DECLINED, PaymentState.VOIDED) for p in payments)


def decline_explain(
    *, order: Order, payments: Sequence[Payment], now: dt.datetime, policy: Policy | None = None
) -> DeclineExplanation | None:
    """Why the order's payment was declined and what the customer can do, or None when nothing to explain.

    `payments` are the order's rows in the order they were made (the order page has them already)."""
    policy = policy or get_policy()
    declined = [p for p in payments if p.state == PaymentState.DECLINED]
    if order.is_cancelled or not declined or not awaiting_payment(payments):
        return None
    last = declined[-1]
    decline = policy.decline(last.decline_code)
    reason = decline.reason if decline else UNKNOWN_REASON
    advice = decline.advice if decline else UNKNOWN_ADVICE
    hold = sum((max(p.amount_authorised - p.amount_captured, Decimal(0)) for p in declined), Decimal(0))
    release_days = policy.payments.authorisation_release_days
    declined_on = local_date(last.updated_at or last.created_at, policy)
    released_by = declined_on + dt.timedelta(days=release_days) if hold > 0 else None
    if hold > 0 and released_by is not None:
        amount = format_money(hold, order.currency, policy.store.locale)
        passed = released_by < local_date(now, policy)
        money = (
            f"No money was taken. Your bank put a hold of {amount} on your account for this attempt; it is "
            f"not a charge, and it {'should have dropped off' if passed else 'drops off'} by "
            f"{day_text(released_by, weekday=True, year=False)} at the latest."
        )
    else:
        money = (
            "No money left your account: a declined payment is not charged. If your banking app shows a "
            f"pending amount, it disappears by itself within {release_days} days."
        )
    if order.payment_url:
        next_step = f"{advice} When you're ready, pay again on our secure payment page: your order is kept."
    else:
        next_step = (
            f"{advice} To pay for this order another way, contact us with your order number, {order.number}."
        )
    return DeclineExplanation(
        code=last.decline_code,
        reason=reason[:1].upper() + reason[1:],
        advice=advice,
        attempts=len(declined),
        charged=False,
        hold=hold,
        hold_released_by=released_by,
        money_message=money,
        next_step=next_step,
        can_pay_again=bool(order.payment_url),
    )
