"""Slots from a message and verified access: the portal's order lookup, with its rate limits.

Slots change only from entities found in this conversation's own messages; the verified access is the
portal's customer session (same expiry, revocation and lookup limits), never a flag a message could set.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.access.errors import LookupFailed, RateLimited
from shopdesk.access.selectors import (
    access_for_session_id,
    access_remember,
    order_for_access,
    orders_for_access,
)
from shopdesk.access.services import email_normalise, magic_link_request, session_open_by_lookup
from shopdesk.access.types import CustomerAccess
from shopdesk.assistant.conversations.models import Conversation
from shopdesk.assistant.nlu.entities import Entity
from shopdesk.core.errors import DomainError
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise
from shopdesk.policy import get_policy


def slots_fill(conversation: Conversation, entities: list[Entity]) -> bool:
    """Take the order number and email of a message; a different one drops the verification. True if any."""
    filled = False
    for entity in entities:
        if entity.type == "order_number" and getattr(entity, "valid", True):
            number = order_number_normalise(entity.value) or ""
            if number and number != conversation.order_number:
                conversation.order_number = number
                if _signed_in_for(conversation, number):
                    conversation.pending_action = {}  # another order of the signed-in email
                else:
                    _unverify(conversation)
            filled = filled or bool(number)
        elif entity.type == "email":
            email = email_normalise(entity.value)[:254]
            if email and email != conversation.email:
                conversation.email = email
                _unverify(conversation)
            filled = filled or bool(email)
    return filled


def _signed_in_for(conversation: Conversation, number: str) -> bool:
    """True when the conversation's sign-in (a link: every order of its email) covers this order."""
    if conversation.access_session_id is None:
        return False
    access = access_for_session_id(session_id=conversation.access_session_id)
    return bool(
        access is not None
        and access.all_orders
        and orders_for_access(access=access).filter(number=number).exists()
    )


def access_adopt(conversation: Conversation, access: CustomerAccess | None) -> None:
    """The shopper is signed in on the store's pages (a sign-in link, or an order looked up): the chat on
    those pages starts verified with the same session, unless it already has a live one of its own."""
    if access is None or access_get(conversation) is not None:
        return
    if access.all_orders:
        covered = bool(conversation.order_number) and _covered(access, conversation.order_number)
        conversation.order_number = conversation.order_number if covered else ""
    else:
        numbers = sorted(access.order_numbers or ())
        if len(numbers) != 1 or conversation.order_number not in ("", numbers[0]):
            return
        conversation.order_number = numbers[0]
    conversation.email = access.email
    conversation.access_session_id = access.session_id
    conversation.pending_action = {}


def _covered(access: CustomerAccess, number: str) -> bool:
    return orders_for_access(access=access).filter(number=number).exists()


def _unverify(conversation: Conversation) -> None:
    conversation.access_session_id = None
    conversation.pending_action = {}


def slots_clear(conversation: Conversation) -> None:
    conversation.order_number = ""
    conversation.email = ""
    conversation.access_session_id = None
    conversation.pending_action = {}
    conversation.step = {}
    conversation.offered = []
    conversation.last_intent = ""
    conversation.unsure_count = 0


def missing_identity_question(conversation: Conversation) -> str:
    example = get_policy().format_order_number(10023456)
    if not conversation.order_number and not conversation.email:
        return (
            "To look at your order I need its number and the email address you ordered with "
            f"(both in one message is fine, e.g. {example} and your email)."
        )
    if not conversation.order_number:
        return f"What is the order number? It is in your confirmation email and looks like {example}."
    return "And the email address you placed the order with?"


@dataclass(frozen=True, slots=True)
class Verification:
    access: CustomerAccess | None
    problem: str = ""  # what to tell the customer when access is None


def access_get(conversation: Conversation) -> CustomerAccess | None:
    """The live verified access, or None (never verified, or the session expired or was revoked)."""
    if conversation.access_session_id is None:
        return None
    access = access_for_session_id(session_id=conversation.access_session_id)
    if access is None or not access.allows(number=conversation.order_number):
        conversation.access_session_id = None
        return None
    return access


def verify(conversation: Conversation, *, client_ip: str) -> Verification:
    """Verify order number + email with the portal's lookup (same answer for either mistake, rate limited)."""
    access = access_get(conversation)
    if access is not None:
        return Verification(access)
    if not (conversation.order_number and conversation.email):
        return Verification(None)
    try:
        issued = session_open_by_lookup(
            order_number=conversation.order_number, email=conversation.email, client_ip=client_ip
        )
    except LookupFailed as failed:
        # Both are forgotten: the customer types them again rather than us guessing which was wrong.
        conversation.order_number = ""
        conversation.email = ""
        return Verification(None, failed.message)
    except RateLimited as limited:
        return Verification(None, limited.message)
    except DomainError as error:  # a number in the wrong format
        conversation.order_number = ""
        return Verification(None, error.message)
    conversation.access_session_id = issued.access.session_id
    access_remember(access=issued.access, expires_at=issued.expires_at)
    return Verification(issued.access)


def verified_order(conversation: Conversation, access: CustomerAccess) -> Order:
    # Most turns never read the addresses: the address flows load them when they do.
    return order_for_access(access=access, number=conversation.order_number, addresses=False)


def magic_link_send(conversation: Conversation, *, client_ip: str) -> str:
    if not conversation.email:
        return "Tell me the email address you ordered with, and I'll send a sign-in link to it."
    try:
        magic_link_request(email=conversation.email, client_ip=client_ip)
    except RateLimited as limited:
        return limited.message
    return (
        f"If we have orders for {conversation.email}, a sign-in link is on its way there: open it to see "
        "and manage your orders. It works once, for 30 minutes."
    )
