"""Inbound email: one raw RFC 822 message becomes a new ticket or a message on the ticket it answers.

Threading, most trusted first:
1. our reply-to address (care+T-7KQ2MX.<token>@…) with the ticket's token: whoever got our email;
2. In-Reply-To / References naming a message of a ticket whose customer is the sender;
3. a ticket reference in the subject, again only when the sender is the ticket's customer.
So a stranger who knows a reference starts a ticket of their own instead of posting into someone else's.
Auto-replies and bounces (RFC 3834 Auto-Submitted, multipart/report, MAILER-DAEMON, Precedence) are
kept on a ticket they answer without reopening it, dropped otherwise, and never acknowledged: no loops.
"""

from __future__ import annotations

import email
import email.policy
import hmac
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr

import nh3
from django.db import transaction

from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput
from shopdesk.desk.attachments import MAX_ATTACHMENTS, IncomingFile, attachments_validate
from shopdesk.desk.enums import TicketChannel, TicketStatus
from shopdesk.desk.mail import reference_in_subject, tagged_address_parse
from shopdesk.desk.models import Ticket, TicketMessage
from shopdesk.desk.services.messages import acknowledgement_enqueue, ticket_customer_message
from shopdesk.desk.services.tickets import ticket_create
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise
from shopdesk.policy import get_policy

MAX_RAW_BYTES = 25 * 1024 * 1024
_ROBOT_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@", re.IGNORECASE)
_ORDER_NUMBER_CANDIDATE = re.compile(r"\b[A-Z]{0,4}\d{4,12}\b")
_QUOTE_HEADER = re.compile(r"^(On .{0,200} wrote:|-{2,} ?Original Message ?-{2,})\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class InboundOutcome:
    ticket: Ticket | None
    message: TicketMessage | None
    created: bool  # a new ticket was opened
    ignored: str = ""  # why nothing was stored (an automatic mail that answers nothing)


def automated_reason(message: EmailMessage) -> str:
    """Why this mail was sent by a robot (an auto-reply, a bounce, a list), or '' for a person."""
    auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
    if auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    for header in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if message.get(header):
            return header
    if (message.get("Precedence") or "").strip().lower() in {"bulk", "junk", "auto_reply", "list"}:
        return "Precedence"
    if message.get("Return-Path", "").strip() == "<>":
        return "null return path"
    _, sender = parseaddr(str(message.get("From", "")))
    if _ROBOT_SENDERS.match(sender or ""):
        return "robot sender"
    return ""


def _text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = nh3.clean(content, tags=set())
        content = re.sub(r"[ \t]+", " ", content)
    return str(content)


def reply_text(body: str) -> str:
    """The new part of a reply: quoted history ("On … wrote:" and what follows, "> " lines) cut off."""
    found = _QUOTE_HEADER.search(body)
    if found:
        body = body[: found.start()]
    lines = [line for line in body.splitlines() if not line.startswith(">")]
    return "\n".join(lines).strip()


def _attachments(message: EmailMessage) -> tuple[list[IncomingFile], list[str]]:
    kept: list[IncomingFile] = []
    refused: list[str] = []
    for part in message.iter_attachments():
        filename = str(part.get_filename() or "")
        if not filename:
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        incoming = IncomingFile(filename, payload)
        try:
            attachments_validate([incoming])
        except InvalidInput as exc:
            refused.append(exc.message)
            continue
        if len(kept) >= MAX_ATTACHMENTS:
            refused.append(f"{filename}: more than {MAX_ATTACHMENTS} attachments")
            continue
        kept.append(incoming)
    return kept, refused


def _message_ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def _find_ticket(message: EmailMessage, sender: str) -> Ticket | None:
    recipients = " ".join(
        str(message.get_all(header) or "")
        for header in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
    )
    tagged = tagged_address_parse(recipients)
    if tagged is not None:
        reference, token = tagged
        ticket = Ticket.objects.filter(reference=reference).first()
        if ticket is not None and hmac.compare_digest(ticket.reply_token.encode(), token.encode()):
            return ticket
    ids = _message_ids(str(message.get("In-Reply-To", ""))) + _message_ids(str(message.get("References", "")))
    if ids:
        known = (
            TicketMessage.objects.filter(message_id__in=ids[-50:], ticket__customer_email=sender)
            .select_related("ticket")
            .order_by("-created_at")
            .first()
        )
        if known is not None:
            return known.ticket
    in_subject = reference_in_subject(str(message.get("Subject", "")))
    if in_subject:
        return Ticket.objects.filter(reference=in_subject, customer_email=sender).first()
    return None


def _follow_merges(ticket: Ticket) -> Ticket:
    seen = set()
    while ticket.merged_into_id and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def _order_of_sender(text: str, sender: str) -> Order | None:
    """An order named in the mail whose email is the sender's: the sender matched to their order."""
    for candidate in _ORDER_NUMBER_CANDIDATE.findall(text.upper())[:20]:
        number = order_number_normalise(candidate)
        if number:
            order = Order.objects.filter(number=number, email=sender).first()
            if order is not None:
                return order
    return None


def inbound_email_receive(*, raw: bytes) -> InboundOutcome:
    """Store one inbound email (see the module docstring for threading and loop rules)."""
    if not raw or len(raw) > MAX_RAW_BYTES:
        raise InvalidInput("Send one email message (message/rfc822), at most 25 MB.", code="email_invalid")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    _, sender = parseaddr(str(message.get("From", "")))
    sender = sender.strip().lower()
    if "@" not in sender:
        raise InvalidInput("The email has no sender address.", code="email_no_sender")
    message_id = (_message_ids(str(message.get("Message-ID", ""))) or [""])[0]
    if message_id:
        duplicate = TicketMessage.objects.filter(message_id=message_id).select_related("ticket").first()
        if duplicate is not None:  # the provider retried a delivery: store it once
            return InboundOutcome(ticket=duplicate.ticket, message=duplicate, created=False)
    robot = automated_reason(message)
    support_local, _, support_domain = get_policy().store.support_email.lower().partition("@")
    sender_local, _, sender_domain = sender.partition("@")
    if sender_domain == support_domain and sender_local.split("+")[0] == support_local:
        robot = robot or "our own address"  # our own mail bounced back to us: never answer it
    subject = str(message.get("Subject", "")).strip()
    body = _text_body(message)
    files, refused = _attachments(message)
    if refused:
        body += "\n\n[Not kept: " + "; ".join(refused) + "]"
    ticket = _find_ticket(message, sender)
    if ticket is not None:
        ticket = _follow_merges(ticket)
    if ticket is not None and ticket.status != TicketStatus.CLOSED:
        stored = ticket_customer_message(
            ticket=ticket,
            body=reply_text(body) or body,
            channel=TicketChannel.EMAIL,
            message_id=message_id,
            files=files,
            automated=bool(robot),
            sender=sender,
        )
        return InboundOutcome(ticket=ticket, message=stored, created=False)
    if robot:
        return InboundOutcome(ticket=None, message=None, created=False, ignored=robot)
    display_name = parseaddr(str(message.get("From", "")))[0]
    if ticket is not None:  # a closed ticket: the follow-up opens a new one that names it
        subject = f"{subject} (follow-up to {ticket.reference})"
    with transaction.atomic():
        created = ticket_create(
            subject=subject,
            customer_email=sender,
            customer_name=display_name,
            channel=TicketChannel.EMAIL,
            body=body.strip() or "(empty message)",
            order=_order_of_sender(f"{subject}\n{body}", sender),
            message_id=message_id,
            files=files,
            actor=Actor.customer(sender),
        )
        acknowledgement_enqueue(ticket=created)
    first = created.messages.first()
    return InboundOutcome(ticket=created, message=first, created=True)
