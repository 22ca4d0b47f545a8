"""A message that is only an order number and an email (or one of them), before any question: the order is
verified with the portal's lookup and the shopper sees where it stands and what can be done with it.

Without this, a bare "KW10023456 me@example.com" has no question for the classifier to read and would be
answered as something else (a hand-off, or "I didn't understand").
"""

from __future__ import annotations

from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.general import HANDOFF_BUTTON
from shopdesk.assistant.conversations.flows.my_orders import order_chosen_or_listed
from shopdesk.assistant.conversations.flows.orders import actor_for, order_shown
from shopdesk.assistant.conversations.handoff import handoff_request
from shopdesk.assistant.conversations.models import Conversation
from shopdesk.assistant.conversations.slots import missing_identity_question, verified_order, verify
from shopdesk.orderview.cached import order_page_cached

DETAILS_INTENT = "track_order"  # what the card shows: the follow-ups ("and the other package?") carry on
# What the order page says can be done now, as (action, button label, intent that does it).
ORDER_OFFERS: tuple[tuple[str, str, str], ...] = (
    ("cancel", "Cancel items", "cancel_order"),
    ("shipping_address", "Change the address", "shipping_address"),
    ("return_start", "Return an item", "return_item"),
    ("pay_again", "Why my payment failed", "payment_declined"),
    ("verify_payment", "The payment check", "payment_verification"),
)


def handoff_awaits_email(conversation: Conversation) -> bool:
    """Handed over without an email to answer to, and now the email is known: the ticket can be opened."""
    return bool(conversation.handed_over and conversation.email and not conversation.handoff.get("ticket"))


def details_only(turn: Turn) -> None:
    """Verify the order the message names; then its card and what can be done, or what is still missing."""
    conversation = turn.conversation
    conversation.unsure_count = 0
    if handoff_awaits_email(conversation):
        # The email a person needs to answer, asked for by the hand-off: the ticket goes to the desk now.
        turn.answer.intent = "contact_support"
        turn.answer.add(handoff_request(conversation, reason=conversation.handoff_reason))
        return
    turn.answer.intent = DETAILS_INTENT
    verification = verify(conversation, client_ip=turn.client_ip)
    access = verification.access
    if access is None:
        if verification.problem:
            turn.answer.say(verification.problem)
        else:
            turn.answer.say("Thank you.")
        turn.answer.say(missing_identity_question(conversation))
        if conversation.email or verification.problem:
            turn.answer.offer("Email me a sign-in link instead", "magic_link")
        turn.answer.offer(*HANDOFF_BUTTON)
        return
    conversation.last_intent = DETAILS_INTENT
    if not conversation.order_number:
        number = order_chosen_or_listed(turn, access, DETAILS_INTENT)
        if number is None:
            return
        conversation.order_number = number
    order = verified_order(conversation, access)
    page = order_page_cached(order=order, actor=actor_for(turn))
    orders = [n for n in conversation.step.get("orders") or [] if n != order.number]
    conversation.step = {"orders": [*orders, order.number][-10:]}
    turn.answer.say(f"Thank you, I found order {order.number}. What would you like to do with it?")
    order_shown(turn, order, page)
    turn.answer.offer("Where is it?", f"intent:{DETAILS_INTENT}")
    for action, label, intent in ORDER_OFFERS:
        eligibility = page.actions.get(action)
        if eligibility is not None and eligibility.allowed:
            turn.answer.offer(label, f"intent:{intent}")
    turn.answer.offer(*HANDOFF_BUTTON)
    turn.tried(f"verified order {order.number} from its number and email alone, showed where it stands")
