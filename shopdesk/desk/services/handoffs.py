"""Chat handoffs become tickets: the transcript, the intent, the verified order and what was tried."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from shopdesk.access.rate_limits import rate_limit_take
from shopdesk.core.actors import Actor
from shopdesk.desk.enums import TicketChannel, TicketTopic
from shopdesk.desk.models import Ticket
from shopdesk.desk.services.contact import CONTACT_PER_EMAIL, CONTACT_PER_IP
from shopdesk.desk.services.messages import acknowledgement_enqueue
from shopdesk.desk.services.tickets import ticket_create
from shopdesk.orders.models import Order

# The assistant's intents, grouped into the desk's topics (anything else is "other").
_TOPIC_PREFIXES = (
    (("track_order", "shipping_time", "package_", "tracking_", "split_shipment"), TicketTopic.ORDER_STATUS),
    (("cancel_order", "change_", "confirmation_email", "delivery_email"), TicketTopic.CHANGE_ORDER),
    (("shipping_", "not_at_address", "customs_duties", "ships_from"), TicketTopic.SHIPPING),
    (("return_", "non_returnable", "guarantees"), TicketTopic.RETURNS),
    (("refund_", "partial_refund"), TicketTopic.REFUNDS),
    (("payment_",), TicketTopic.PAYMENTS),
    (("promo_code", "coupon_", "price_adjustment"), TicketTopic.PROMOTIONS),
    (("pay_with_points", "points_"), TicketTopic.POINTS),
    (("privacy_policy",), TicketTopic.PRIVACY),
    (("wholesale",), TicketTopic.WHOLESALE),
)


@dataclass(frozen=True, slots=True)
class HandoffTurn:
    speaker: str  # "customer" | "assistant"
    text: str


def topic_for_intent(intent: str | None) -> str:
    for prefixes, topic in _TOPIC_PREFIXES:
        if intent and intent.startswith(prefixes):
            return topic
    return TicketTopic.OTHER


def ticket_from_chat(
    *,
    email: str,
    reason_label: str,
    intent: str | None,
    order_number: str | None,
    tried: list[str],
    transcript: list[HandoffTurn],
) -> Ticket:
    """Open the ticket of a handed-over chat and acknowledge it by email, in one transaction.

    `order_number` is set only when the customer proved the order is theirs in the chat.
    """
    order = Order.objects.filter(number=order_number).first() if order_number else None
    lines = [
        f"{'Customer' if turn.speaker == 'customer' else 'Assistant'}: {turn.text}" for turn in transcript
    ]
    if tried:
        lines += ["", "Already tried in the chat: " + ", ".join(tried)]
    with transaction.atomic():
        ticket = ticket_create(
            subject=f"Chat: {reason_label}",
            customer_email=email,
            customer_name="",
            channel=TicketChannel.CHAT,
            body="\n".join(lines)[:20_000],
            actor=Actor.customer(email),
            topic=topic_for_intent(intent),
            order=order,
        )
        acknowledgement_enqueue(ticket=ticket)
    return ticket


def ticket_from_chat_request(
    *,
    email: str,
    topic: str,
    subject: str,
    body: str,
    client_ip: str,
    order: Order | None = None,
) -> Ticket:
    """A request the shopper confirmed in the chat (their personal data, a wholesale inquiry) as a ticket.

    Counted against the contact form's limits: each one opens a ticket and sends an email. `order` is
    linked only when the customer proved it is theirs in the chat."""
    rate_limit_take(limit=CONTACT_PER_IP, subject=client_ip)
    rate_limit_take(limit=CONTACT_PER_EMAIL, subject=email.strip().lower())
    with transaction.atomic():
        ticket = ticket_create(
            subject=subject[:120],
            customer_email=email,
            customer_name="",
            channel=TicketChannel.CHAT,
            body=body[:20_000],
            actor=Actor.customer(email),
            topic=topic,
            order=order,
        )
        acknowledgement_enqueue(ticket=ticket)
    return ticket
