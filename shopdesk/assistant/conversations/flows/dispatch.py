"""Which flow answers what: the self-service intents on a verified order, the checks some intents make
before an order is needed, typed answers to a flow's question, buttons, and requests confirmed by a yes.

The engine looks these tables up; each flow lives in its own module.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from shopdesk.assistant.conversations.flows.changes import (
    CHANGE_INTENTS,
    change_answer,
    change_button,
    change_flow,
)
from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.identify import details_only, handoff_awaits_email
from shopdesk.assistant.conversations.flows.orders import RETURNED_CHOICE, returned_choice_button
from shopdesk.assistant.conversations.flows.payments import CHARGED_QUESTION, PAYMENT_INTENTS, payment_flow
from shopdesk.assistant.conversations.flows.price_adjustment import (
    PRICE_ADJUSTMENT_INTENTS,
    price_adjustment_button,
    price_adjustment_flow,
)
from shopdesk.assistant.conversations.flows.refunds import REFUND_INTENTS, refund_button, refund_flow
from shopdesk.assistant.conversations.flows.requests import (
    PRIVACY_INTENTS,
    TICKET_REQUESTS,
    privacy_button,
    privacy_flow,
    privacy_gate,
    ticket_request_confirmed,
    wholesale_answer,
    wholesale_gate,
)
from shopdesk.assistant.conversations.flows.returns import return_exchange_chosen
from shopdesk.assistant.conversations.models import Conversation
from shopdesk.orders.models import Order

IntentFlow = Callable[[Turn, Order, str], None]

# Self-service on the verified order: (turn, order, intent).
INTENT_FLOWS: dict[str, IntentFlow] = {
    **dict.fromkeys(CHANGE_INTENTS, change_flow),
    **dict.fromkeys(REFUND_INTENTS, refund_flow),
    **dict.fromkeys(PAYMENT_INTENTS, payment_flow),
    **dict.fromkeys(PRICE_ADJUSTMENT_INTENTS, price_adjustment_flow),
    **dict.fromkeys(PRIVACY_INTENTS, privacy_flow),
}

# Before the order: True to go on and verify it, False when the gate answered (the article, a question).
INTENT_GATES: dict[str, Callable[[Turn, str], bool]] = {
    "privacy_policy": privacy_gate,
    "wholesale": wholesale_gate,
}

# The typed answer to the question a flow asked (its step's `collect`); False to read the message afresh.
STEP_ANSWERS: dict[str, Callable[[Turn], bool]] = {
    "change": change_answer,
    "wholesale": wholesale_answer,
}

# Buttons `<kind>:<value>` on the verified order.
ORDER_BUTTONS: dict[str, Callable[[Turn, Order, str], None]] = {
    "chg": change_button,
    "rfd": refund_button,
    "pa": price_adjustment_button,
    "exch": return_exchange_chosen,
    "back": returned_choice_button,
}

# Buttons that choose before any order is looked up: they return the intent to carry on with.
CHOICE_BUTTONS: dict[str, Callable[[Turn, str], str | None]] = {
    "privacy": privacy_button,
}

# Previews that become a desk ticket on the yes (not a registry action).
PENDING_REQUESTS: dict[str, Callable[[Turn], None]] = dict.fromkeys(TICKET_REQUESTS, ticket_request_confirmed)

# A message that is only an order number and/or email, with no topic yet: verify, show the order, offer.
# (A hand-off still waiting for the email to answer to goes first: it gets its ticket.)
DETAILS_ONLY: Callable[[Turn], None] = details_only
DETAILS_FIRST: Callable[[Conversation], bool] = handoff_awaits_email

# Short questions that stay in the topic just answered, whatever they would mean alone ("was I charged?"
# after a declined payment is about that payment, not the shipping fees).
FOLLOW_UPS: dict[str, re.Pattern[str]] = {
    **dict.fromkeys(PAYMENT_INTENTS, CHARGED_QUESTION),
    "package_returned": RETURNED_CHOICE,  # "send it again" after the package that came back
}
