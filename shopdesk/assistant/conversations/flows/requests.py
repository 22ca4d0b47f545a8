"""Requests the care team handles, recorded as desk tickets after a yes: a copy or the erasure of the
verified customer's personal data (topic privacy), and a wholesale inquiry (company and quantity).

The general answer is the help article's; what happens to the request is the desk's work, so nothing here
promises more than "our team answers by email".
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from shopdesk.access.errors import RateLimited
from shopdesk.assistant.conversations.flows.context import Turn
from shopdesk.assistant.conversations.flows.general import HANDOFF_BUTTON, article_answer
from shopdesk.assistant.conversations.replies import confirm_reply
from shopdesk.assistant.conversations.slots import access_get, slots_fill, verified_order
from shopdesk.assistant.nlu.entities.identifiers import find_emails
from shopdesk.core.errors import DomainError
from shopdesk.desk.enums import TicketTopic
from shopdesk.desk.services.handoffs import ticket_from_chat_request
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy

PRIVACY_INTENTS = ("privacy_policy",)
WHOLESALE_INTENTS = ("wholesale",)
PRIVACY_REQUEST = "privacy_request"
WHOLESALE_INQUIRY = "wholesale_inquiry"
TICKET_REQUESTS = (PRIVACY_REQUEST, WHOLESALE_INQUIRY)

_PRIVACY_KINDS = {
    "export": ("a copy of the personal data we hold about you", "Send me a copy of my data"),
    "erase": ("the erasure of the personal data we hold about you", "Delete my data"),
}
_ERASE = re.compile(
    r"\b(delete|delet|erase|remove|forget|wipe|close)\w*\b.{0,30}\b(data|account|info\w*|me)\b"
    r"|\b(delete|erase|remove|wipe)\w*\s+(it|them|everything)\b|\berasure\b|\bright to be forgotten\b",
    re.I,
)
_EXPORT = re.compile(
    r"\b(copy|export|download|access|see|get)\b.{0,30}\b(data|information|info)\b|\bdata (export|copy)\b",
    re.I,
)
COMPANY_CHARS = 120
ANSWER_WORDS = 14
_NUMBER = re.compile(r"(?<![\w.@])(\d{1,3}(?:[ ,.]\d{3})+|\d{1,7})(?![\w@])")
_QUANTITY_WORDS = re.compile(
    r"\b(about|around|roughly|some|approx\w*|maybe|pieces?|pcs|units?|items?|a month|per month|monthly"
    r"|we need|we'?d need|i need|i'?d need|quantity|of them|shirts?|products?)\b",
    re.I,
)
_COMPANY_LEAD = re.compile(
    r"^\W*(it'?s|it is|we are|we're|i'?m from|i am from|i work (for|at)|company( name)?( is)?|called|from|"
    r"the company is|our company is|my company is|name is|my shop is|our shop is)\b\W*",
    re.I,
)
_SPLIT = re.compile(r"[,;\n]|\band\b", re.I)


# --- personal data -----------------------------------------------------------------------------------


def privacy_kind(text: str) -> str | None:
    if _ERASE.search(text):
        return "erase"
    if _EXPORT.search(text):
        return "export"
    return None


def privacy_gate(turn: Turn, intent: str) -> bool:
    """The article; and, once the shopper asks for a copy or an erasure, True: their order is verified next."""
    kind = privacy_kind(turn.text or "") or turn.conversation.step.get("privacy")
    if kind in _PRIVACY_KINDS:
        turn.conversation.step = {**turn.conversation.step, "privacy": kind}
        return True
    article_answer(turn, intent)
    turn.answer.say(
        "I can also pass a request about your personal data to our team: a copy of it, or its erasure."
    )
    for value, (_, label) in _PRIVACY_KINDS.items():
        turn.answer.offer(label, f"privacy:{value}")
    turn.answer.offer(*HANDOFF_BUTTON)
    return False


def privacy_button(turn: Turn, value: str) -> str | None:
    """`privacy:<export|erase>`: remember which request; the intent to carry on with (None: not offered)."""
    if value not in _PRIVACY_KINDS:
        return None
    turn.conversation.step = {**turn.conversation.step, "privacy": value}
    return "privacy_policy"


def privacy_flow(turn: Turn, order: Order, intent: str) -> None:
    """The request previewed for the verified customer: it waits for their yes."""
    kind = str(turn.conversation.step.get("privacy") or "")
    what = _PRIVACY_KINDS[kind][0]
    email = turn.conversation.email
    preview = (
        f"I'll pass a request for {what} ({email}) to our team. They confirm it by email to {email} and "
        "answer it there."
    )
    _pending(turn, PRIVACY_REQUEST, preview, {"request": kind, "order_number": order.number})
    turn.tried(f"privacy_policy: previewed a data {kind} request, waiting for a yes")


# --- wholesale -----------------------------------------------------------------------------------------


def wholesale_gate(turn: Turn, intent: str) -> bool:
    """The article, then the inquiry's details (company, quantity, an email to answer): never an order."""
    step = turn.conversation.step
    if step.get("collect") != "wholesale":
        article_answer(turn, intent)
        turn.conversation.step = {
            "orders": step.get("orders") or [],
            "package": step.get("package"),
            "collect": "wholesale",
            "inquiry": {},
        }
    _wholesale_take(turn, turn.text or "", first=True)
    return False


def wholesale_answer(turn: Turn) -> bool:
    """A typed answer while the inquiry's details are collected; False for a question (read it afresh)."""
    text = (turn.text or "").strip()
    # A question or a long message is the shopper asking something else, not the details asked for.
    if turn.conversation.last_intent != "wholesale" or text.endswith("?") or len(text.split()) > ANSWER_WORDS:
        return False
    turn.answer.intent = "wholesale"
    _wholesale_take(turn, text, first=False)
    return True


def _wholesale_take(turn: Turn, text: str, *, first: bool) -> None:
    conversation = turn.conversation
    inquiry: dict[str, Any] = dict(conversation.step.get("inquiry") or {})
    emails = list(find_emails(text))
    slots_fill(conversation, emails[:1])  # another email than the verified one ends that verification
    rest = text
    for found in sorted(emails, key=lambda e: -e.start):
        rest = rest[: found.start] + " " + rest[found.end :]
    quantity = _quantity(rest)
    if quantity is not None:
        inquiry["quantity"] = quantity
    if not first and not inquiry.get("company"):
        company = _company(rest)
        if company:
            inquiry["company"] = company
    conversation.step = {**conversation.step, "inquiry": inquiry}
    missing = [
        question
        for key, question in (
            ("company", "the name of your company"),
            ("quantity", "about how many pieces you'd order"),
        )
        if not inquiry.get(key)
    ]
    if not conversation.email:
        missing.append("the email address our team can answer you at")
    if missing:
        ask = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
        turn.answer.say(f"To pass your inquiry to our wholesale team, tell me {ask}.")
        turn.answer.offer(*HANDOFF_BUTTON)
        return
    wholesale = get_policy().wholesale
    below = (
        f" Wholesale prices start at {wholesale.min_units} pieces."
        if inquiry["quantity"] < wholesale.min_units
        else ""
    )
    preview = (
        f"I'll send your wholesale inquiry to our team: {inquiry['company']}, about {inquiry['quantity']} "
        f"pieces. They answer by email to {conversation.email} within {wholesale.response_business_days} "
        f"business days.{below}"
    )
    conversation.step = {**conversation.step, "collect": ""}
    _pending(turn, WHOLESALE_INQUIRY, preview, {"inquiry": inquiry, "order_number": ""})
    turn.tried("wholesale: previewed the inquiry, waiting for a yes")


def _quantity(text: str) -> int | None:
    for match in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group(1))
        if digits and 0 < int(digits) <= 10_000_000:
            return int(digits)
    return None


def _company(text: str) -> str:
    """The part of the answer that isn't the quantity: "Acme Ltd, about 300" → "Acme Ltd"."""
    parts = [part.strip(" .!-") for part in _SPLIT.split(text) if part and part.strip(" .!-")]
    named = [part for part in parts if not _NUMBER.search(part) and not _QUANTITY_WORDS.search(part)]
    if not named and parts and not _NUMBER.search(parts[0]):
        named = parts[:1]
    company = _COMPANY_LEAD.sub("", named[0]).strip(" .!-") if named else ""
    return " ".join(company.split())[:COMPANY_CHARS]


# --- shared ------------------------------------------------------------------------------------------


def _pending(turn: Turn, action: str, preview: str, data: dict[str, Any]) -> None:
    turn.conversation.pending_action = {
        "action": action,
        "preview": preview,
        "key": secrets.token_hex(12),
        **data,
    }
    confirm_reply(
        question="Shall I send it?",
        preview=preview,
        data={"action": action},
        answer=turn.answer,
        yes_label="Yes, send it",
    )


def ticket_request_confirmed(turn: Turn) -> None:
    """The yes to a previewed request: the ticket; a personal-data request only for a verified order.

    The preview is forgotten before anything is sent (under the conversation's row lock), so a repeated
    yes finds nothing waiting and sends nothing twice."""
    conversation = turn.conversation
    pending = dict(conversation.pending_action)
    conversation.pending_action = {}
    order: Order | None = None
    if pending["action"] == PRIVACY_REQUEST:
        access = access_get(conversation)
        if access is None or pending.get("order_number") != conversation.order_number:
            turn.answer.say(
                "For your safety I need to check your order number and email again before I send this."
            )
            return
        order = verified_order(conversation, access)
        kind = str(pending.get("request"))
        topic, subject = TicketTopic.PRIVACY, f"Personal data: {_PRIVACY_KINDS[kind][1].lower()}"
        body = (
            f"The customer asked in the chat for {_PRIVACY_KINDS[kind][0]}. They proved the order "
            f"{order.number} is theirs with its number and email."
        )
    else:
        inquiry = pending.get("inquiry") or {}
        topic, subject = TicketTopic.WHOLESALE, f"Wholesale inquiry: {inquiry.get('company', '')}"
        body = (
            f"Wholesale inquiry from the chat.\nCompany: {inquiry.get('company', '')}\n"
            f"Quantity: about {inquiry.get('quantity', '')} pieces"
        )
    try:
        ticket = ticket_from_chat_request(
            email=conversation.email,
            topic=topic,
            subject=subject,
            body=body,
            client_ip=turn.client_ip,
            order=order,
        )
    except RateLimited as limited:
        turn.answer.say(limited.message)
        return
    except DomainError as error:
        turn.answer.say(error.message, code=error.code)
        return
    turn.answer.say(
        f"Done: our team has your request (reference {ticket.reference}) and answers by email to "
        f"{conversation.email}.",
        reference=ticket.reference,
        topic=topic,
    )
    turn.tried(f"{pending['action']}: sent to the care team ({ticket.reference})")
