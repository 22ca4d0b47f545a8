"""The verified order's payment: why it was declined (plain words, whether money left the account, what
next, the pay-again link) and where its payment check stands (reasons, deadline, the form to answer).

Every sentence is the order view's (payments/declines.py, payments/verification_selectors.py) or an
action's eligibility message; card details are never asked for here: the form on the order page takes them.
"""

from __future__ import annotations

import re

from django.urls import reverse

from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.orders import actor_for, declined_steps, order_url
from shopdesk.orders.models import Order
from shopdesk.orderview.cached import order_page_cached
from shopdesk.selfservice.registry import action_get

PAYMENT_INTENTS = ("payment_declined", "payment_verification")
NO_CARD_DETAILS = (
    "For your safety, please don't type card numbers or digits here: the secure form on your order "
    "page takes them."
)
# "Was I charged?", "is the money taken?": ten words at most, asking whether money left the account.
CHARGED_QUESTION = re.compile(
    r"^(?=\W*(?:\S+\s+){0,9}\S*\W*$).*\b(charged?|billed|debited|deducted|taken|withdrawn|pending"
    r"|on hold|held|double[- ]?charged?|money (left|gone|out)|paid twice)\b",
    re.I | re.S,
)


def payment_flow(turn: Turn, order: Order, intent: str) -> None:
    if intent == "payment_declined":
        _declined(turn, order)
    else:
        _verification(turn, order)


def _declined(turn: Turn, order: Order) -> None:
    actor = actor_for(turn)
    page = order_page_cached(order=order, actor=actor)
    declined = page.declined
    pay_again = page.actions.get("pay_again") or action_get("pay_again").eligibility(order=order, actor=actor)
    if declined is None:
        # Nothing declined is left unpaid: the pay-again rule says why (paid, or the order is cancelled).
        turn.answer.say(pay_again.message, code=pay_again.code)
        turn.tried(f"payment_declined: nothing to explain on {order.number} ({pay_again.code})")
        return
    if CHARGED_QUESTION.search(turn.text or ""):
        # Only whether money left the account: the reason was given already, or wasn't asked.
        turn.answer.say(declined.money_message, charged=declined.charged, hold=str(declined.hold))
        turn.tried(f"payment_declined: said whether the declined payment of {order.number} was charged")
        return
    declined_steps(turn, order, page)
    turn.tried(f"payment_declined: explained the decline of {order.number} ({declined.code})")


def _verification(turn: Turn, order: Order) -> None:
    page = order_page_cached(order=order, actor=actor_for(turn))
    check = page.verification
    if check is None:
        turn.answer.say(
            f"Order {order.number} has no payment check: there is nothing to verify. {page.payment_label}."
        )
        turn.tried(f"payment_verification: {order.number} has no payment check")
        return
    reasons = " ".join(check.reason_sentences)
    turn.answer.say(
        f"The payment check of order {order.number}: {check.status_label}."
        + (f" {reasons}" if reasons else ""),
        status=check.status,
        reasons=check.reasons,
        deadline=check.deadline.isoformat(),
    )
    verify = page.actions.get("verify_payment") or action_get("verify_payment").eligibility(
        order=order, actor=actor_for(turn)
    )
    if verify.allowed:
        url = reverse("portal:verify_payment", args=[order.number])
        turn.answer.say(f"{check.step} Answer here: {url}", url=url, deadline_text=check.deadline_text)
        turn.answer.say(NO_CARD_DETAILS)
    else:
        turn.answer.say(check.step, url=order_url(order.number))
    turn.tried(f"payment_verification: gave the status of the check of {order.number} ({check.status})")
