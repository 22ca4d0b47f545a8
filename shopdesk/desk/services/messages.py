"""Messages on a ticket: an agent's public reply (emailed through the outbox, threaded), an internal
note (never sent, never shown to the customer), and a customer's follow-up (reopens the ticket)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict, InvalidInput
from shopdesk.desk import events, signals
from shopdesk.desk.attachments import IncomingFile, attachments_store, attachments_validate
from shopdesk.desk.enums import REOPENED_BY_CUSTOMER, MessageKind, TicketChannel, TicketStatus
from shopdesk.desk.mail import message_id_new, reply_to_address
from shopdesk.desk.models import Ticket, TicketMessage
from shopdesk.desk.roles import agent_actor, agent_display_name
from shopdesk.desk.services.tickets import (
    search_text_append,
    search_vector_refresh,
    status_apply,
    ticket_lock,
)
from shopdesk.notifications.services import email_enqueue

if TYPE_CHECKING:
    from django.contrib.auth.models import User

BODY_LIMIT = 20_000

# A public reply goes to the customer by email through the outbox, unless the ticket's channel has a
# delivery of its own: the chat registers one so that a reply to a handed-over chat reaches the chat.
# `deliver(ticket, message)` runs inside the reply's transaction (write to an outbox, never call out);
# it returns True when it delivered the reply, and then no email is sent.
ReplyDelivery = Callable[[Ticket, TicketMessage], bool]
_reply_deliveries: dict[str, ReplyDelivery] = {}


def reply_delivery_register(*, channel: str, deliver: ReplyDelivery) -> None:
    """Called once at start-up by the app that owns a channel (e.g. the chat for TicketChannel.CHAT)."""
    if channel not in TicketChannel.values:
        raise ValueError(f"unknown ticket channel {channel!r}")
    _reply_deliveries[channel] = deliver


REFERENCES_KEPT = 10  # the References header names the latest messages of the thread, not all of them


def _body_clean(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise InvalidInput("Write a message first.", code="body_empty")
    if len(text) > BODY_LIMIT:
        raise InvalidInput(f"A message is at most {BODY_LIMIT} characters.", code="body_too_long")
    return text


def thread_headers(*, ticket: Ticket, message_id: str, auto: bool = False) -> dict[str, str]:
    """Message-ID, In-Reply-To, References and the ticket's reply-to address for an email we send."""
    known = list(
        TicketMessage.objects.filter(ticket=ticket)
        .exclude(message_id="")
        .exclude(message_id=message_id)
        .order_by("-created_at", "-id")
        .values_list("message_id", flat=True)[:REFERENCES_KEPT]
    )
    headers = {
        "Message-ID": message_id,
        "Reply-To": reply_to_address(reference=ticket.reference, reply_token=ticket.reply_token),
        "X-Shopdesk-Ticket": ticket.reference,
    }
    if known:
        headers["In-Reply-To"] = known[0]
        headers["References"] = " ".join(reversed(known))
    if auto:
        # RFC 3834: other robots must not answer this one (no auto-reply loops).
        headers["Auto-Submitted"] = "auto-replied"
    return headers


def acknowledgement_enqueue(*, ticket: Ticket) -> None:
    """Tell the customer we have their message, with the reference (call in the creating transaction).

    A message from the form has no Message-ID of its own: the acknowledgement's becomes its id, so our
    later replies answer the email the customer has in their mailbox and their client threads them.
    """
    message_id = message_id_new(reference=ticket.reference)
    TicketMessage.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER, message_id="").update(
        message_id=message_id
    )
    email_enqueue(
        to=ticket.customer_email,
        template="desk_acknowledgement",
        context={"ticket": ticket, "customer_name": ticket.customer_name},
        order=ticket.order,
        dedupe_key=f"desk-ack:{ticket.pk}",
        headers=thread_headers(ticket=ticket, message_id=message_id, auto=True),
    )


def ticket_reply(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    status_after: str = TicketStatus.PENDING,
    files: Sequence[IncomingFile] = (),
) -> TicketMessage:
    """A public reply: stored, emailed to the customer through the outbox, the status moved (pending by default)."""
    actor = agent_actor(author)
    text = _body_clean(body)
    checked = attachments_validate(list(files))
    with transaction.atomic():
        locked = ticket_lock(ticket.pk)
        if locked.status == TicketStatus.CLOSED:
            raise Conflict(
                "This ticket is closed; the customer's next message opens a new one.", code="ticket_closed"
            )
        now = timezone.now()
        message = TicketMessage.objects.create(
            ticket=locked,
            kind=MessageKind.PUBLIC_REPLY,
            author=author,
            author_label=agent_display_name(author),
            body=text,
            channel=TicketChannel.EMAIL,
            message_id=message_id_new(reference=locked.reference),
            created_at=now,
        )
        attachments_store(message=message, files=checked)
        deliver = _reply_deliveries.get(locked.channel)
        if deliver is None or not deliver(locked, message):
            _reply_email_enqueue(ticket=locked, message=message, author=author)
        events.event_message_added(
            ticket=locked,
            actor=actor,
            kind=MessageKind.PUBLIC_REPLY,
            message_id=message.pk,
            body=message.body,
        )
        signals.public_reply_sent.send(sender=Ticket, ticket=locked, message=message)
        if locked.first_response_at is None:
            locked.first_response_at = now
        search_text_append(locked, text)
        locked.updated_at = now
        locked.save(update_fields=["first_response_at", "search_text", "updated_at"])
        search_vector_refresh(locked.pk)
        status_apply(ticket=locked, status=status_after, actor=actor)
    return message


def _reply_email_enqueue(*, ticket: Ticket, message: TicketMessage, author: User) -> None:
    email_enqueue(
        to=ticket.customer_email,
        template="desk_reply",
        context={
            "ticket": ticket,
            "body": message.body,
            "agent_name": author.get_full_name() if hasattr(author, "get_full_name") else "",
            "customer_name": ticket.customer_name,
        },
        order=ticket.order,
        dedupe_key=f"desk-reply:{message.pk}",
        headers=thread_headers(ticket=ticket, message_id=message.message_id),
    )


def ticket_note(
    *, ticket: Ticket, author: User, body: str, files: Sequence[IncomingFile] = ()
) -> TicketMessage:
    """An internal note: agents only, nothing is sent, the status stays."""
    actor = agent_actor(author)
    text = _body_clean(body)
    checked = attachments_validate(list(files))
    with transaction.atomic():
        locked = ticket_lock(ticket.pk)
        now = timezone.now()
        message = TicketMessage.objects.create(
            ticket=locked,
            kind=MessageKind.INTERNAL_NOTE,
            author=author,
            author_label=agent_display_name(author),
            body=text,
            channel=locked.channel,
            created_at=now,
        )
        attachments_store(message=message, files=checked)
        events.event_message_added(ticket=locked, actor=actor, kind=MessageKind.INTERNAL_NOTE)
        locked.updated_at = now
        locked.save(update_fields=["updated_at"])
    return message


def ticket_customer_message(
    *,
    ticket: Ticket,
    body: str,
    channel: str,
    message_id: str = "",
    files: Sequence[IncomingFile] = (),
    automated: bool = False,
    sender: str = "",
) -> TicketMessage:
    """The customer wrote again: kept on the ticket, which reopens (an automatic mail never reopens it)."""
    actor = Actor.customer(ticket.customer_email)
    checked = attachments_validate(list(files))
    with transaction.atomic():
        locked = ticket_lock(ticket.pk)
        now = timezone.now()
        message = TicketMessage.objects.create(
            ticket=locked,
            kind=MessageKind.CUSTOMER,
            author_label=(sender or locked.customer_email)[:254],
            body=(body or "").strip()[:BODY_LIMIT] or "(empty message)",
            channel=channel,
            message_id=message_id[:300],
            automated=automated,
            created_at=now,
        )
        attachments_store(message=message, files=checked)
        if automated:
            events.event_automated_mail(
                ticket=locked, actor=Actor.system("inbound email"), reason="auto-reply or bounce"
            )
            return message
        events.event_message_added(
            ticket=locked, actor=actor, kind=MessageKind.CUSTOMER, message_id=message.pk, body=message.body
        )
        search_text_append(locked, message.body)
        locked.updated_at = now
        locked.last_customer_message_at = now
        locked.save(update_fields=["search_text", "updated_at", "last_customer_message_at"])
        search_vector_refresh(locked.pk)
        if locked.status in REOPENED_BY_CUSTOMER:
            status_apply(ticket=locked, status=TicketStatus.OPEN, actor=actor)
    return message
