"""The contact form (site and API): a ticket with the customer's message, an optional order they proved
is theirs, attachments, and an acknowledgement email through the outbox.

An order is linked only when the customer proves it: their signed-in session covers it, or the number
and the email match (the same check as the order lookup, counted against the same failure limits).
A number that does not match is kept as typed for the agent and never linked: the answer is the same
either way, so the form cannot be used to probe orders.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from django.db import transaction

from shopdesk.access.rate_limits import (
    LOOKUP_FAILURES_PER_IP,
    LOOKUP_FAILURES_PER_ORDER,
    Limit,
    rate_limit_hit,
    rate_limit_take,
)
from shopdesk.access.types import CustomerAccess
from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput
from shopdesk.desk.attachments import IncomingFile
from shopdesk.desk.enums import TicketChannel, TicketTopic
from shopdesk.desk.models import Ticket
from shopdesk.desk.services.messages import acknowledgement_enqueue
from shopdesk.desk.services.tickets import ticket_create
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise

# Each message opens a ticket and sends an email: per client address and per sender address.
CONTACT_PER_IP = Limit("contact-ip", 10, 60 * 60)
CONTACT_PER_EMAIL = Limit("contact-email", 5, 60 * 60)
MESSAGE_LIMIT = 10_000


def contact_order_verify(
    *, order_number: str, email: str, access: CustomerAccess | None, client_ip: str
) -> Order | None:
    """The order when the customer proved it is theirs; None otherwise (never an error that tells why)."""
    number = order_number_normalise(order_number)
    if number is None:
        return None
    if access is not None and access.allows(number=number):
        from shopdesk.access.selectors import orders_for_access

        order = orders_for_access(access=access).filter(number=number).first()
        if order is not None:
            return order
    order = Order.objects.filter(number=number).first()
    stored = order.email.lower() if order is not None else "no-such-order@invalid.invalid"
    if order is not None and hmac.compare_digest(stored.encode(), email.encode()):
        return order
    rate_limit_hit(limit=LOOKUP_FAILURES_PER_IP, subject=client_ip)
    rate_limit_hit(limit=LOOKUP_FAILURES_PER_ORDER, subject=number)
    return None


def contact_submit(
    *,
    email: str,
    name: str,
    topic: str,
    message: str,
    client_ip: str,
    order_number: str = "",
    access: CustomerAccess | None = None,
    files: Sequence[IncomingFile] = (),
) -> Ticket:
    """Open a ticket from the contact form and queue the acknowledgement. Rate limited per address and email."""
    address = (email or "").strip().lower()
    local, _, domain = address.partition("@")
    if not local or "." not in domain or len(address) > 254 or " " in address:
        raise InvalidInput("Enter the email address we can answer you at.", code="email_invalid")
    text = (message or "").strip()
    if len(text) < 2:
        raise InvalidInput("Tell us how we can help.", code="message_empty")
    if len(text) > MESSAGE_LIMIT:
        raise InvalidInput(f"A message is at most {MESSAGE_LIMIT} characters.", code="message_too_long")
    if topic not in TicketTopic.values:
        raise InvalidInput("Choose a topic from the list.", code="topic_invalid")
    rate_limit_take(limit=CONTACT_PER_IP, subject=client_ip)
    rate_limit_take(limit=CONTACT_PER_EMAIL, subject=address)
    given = (order_number or "").strip()[:40]
    order = (
        contact_order_verify(order_number=given, email=address, access=access, client_ip=client_ip)
        if given
        else None
    )
    first_line = text.splitlines()[0]
    subject = f"{TicketTopic(topic).label}: {first_line}"[:120]
    with transaction.atomic():
        ticket = ticket_create(
            subject=subject,
            customer_email=address,
            customer_name=(name or "").strip(),
            channel=TicketChannel.CONTACT_FORM,
            body=text,
            topic=topic,
            order=order,
            order_number_given="" if order is not None else given,
            actor=Actor.customer(address),
            files=files,
        )
        acknowledgement_enqueue(ticket=ticket)
    return ticket
