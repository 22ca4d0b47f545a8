"""Ticket statuses with their allowed transitions (enforced by `status_transition_check`), and the other choices."""

from __future__ import annotations

from django.db import models

from shopdesk.core.errors import Conflict


class TicketStatus(models.TextChoices):
    NEW = "new", "New"  # nobody has looked at it yet
    OPEN = "open", "Open"  # an agent is on it, or the customer wrote last
    PENDING = "pending", "Pending customer"  # we answered and wait for the customer
    ON_HOLD = "on_hold", "On hold"  # we wait for someone else (a carrier, the warehouse)
    SOLVED = "solved", "Solved"  # answered; a customer reply reopens it
    CLOSED = "closed", "Closed"  # final: a later customer message starts a new ticket


# Where each status may go. Leaving a status for itself is a no-op, never an event.
TRANSITIONS: dict[str, frozenset[str]] = {
    TicketStatus.NEW: frozenset(
        {
            TicketStatus.OPEN,
            TicketStatus.PENDING,
            TicketStatus.ON_HOLD,
            TicketStatus.SOLVED,
            TicketStatus.CLOSED,
        }
    ),
    TicketStatus.OPEN: frozenset(
        {TicketStatus.PENDING, TicketStatus.ON_HOLD, TicketStatus.SOLVED, TicketStatus.CLOSED}
    ),
    TicketStatus.PENDING: frozenset(
        {TicketStatus.OPEN, TicketStatus.ON_HOLD, TicketStatus.SOLVED, TicketStatus.CLOSED}
    ),
    TicketStatus.ON_HOLD: frozenset(
        {TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.SOLVED, TicketStatus.CLOSED}
    ),
    TicketStatus.SOLVED: frozenset({TicketStatus.OPEN, TicketStatus.CLOSED}),
    TicketStatus.CLOSED: frozenset(),
}

# The statuses an inbox calls "open": somebody still has something to do.
ACTIVE_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD)
# Service-level clocks stop while the ticket waits for the customer: the wait is theirs, not the desk's.
# On hold keeps running: the customer still waits for us while we chase a carrier or the warehouse.
SLA_PAUSED_STATUSES = (TicketStatus.PENDING,)
SLA_RUNNING_STATUSES = tuple(s for s in ACTIVE_STATUSES if s not in SLA_PAUSED_STATUSES)
# A customer writing again brings these back to OPEN.
REOPENED_BY_CUSTOMER = (TicketStatus.PENDING, TicketStatus.ON_HOLD, TicketStatus.SOLVED)


def status_transition_check(current: str, new: str) -> None:
    """Raise Conflict when `current` may not become `new` (the one place the table is read)."""
    if new not in TRANSITIONS:
        raise Conflict(f"Unknown ticket status {new!r}.", code="ticket_status_unknown")
    if new != current and new not in TRANSITIONS[current]:
        raise Conflict(
            f"A {TicketStatus(current).label.lower()} ticket cannot become {TicketStatus(new).label.lower()}.",
            code="ticket_transition_not_allowed",
            details={"from": current, "to": new},
        )


class TicketChannel(models.TextChoices):
    CONTACT_FORM = "contact_form", "Contact form"
    EMAIL = "email", "Email"
    CASE = "case", "Self-service case"
    CHAT = "chat", "Chat handoff"


class TicketPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class TicketTopic(models.TextChoices):
    """What the customer asks about: chosen on the contact form, or set by an agent."""

    ORDER_STATUS = "order_status", "Where is my order"
    CHANGE_ORDER = "change_order", "Change or cancel an order"
    SHIPPING = "shipping", "Shipping and delivery"
    RETURNS = "returns", "Returns and exchanges"
    REFUNDS = "refunds", "Refunds"
    PAYMENTS = "payments", "Payments"
    PROMOTIONS = "promotions", "Promo codes and prices"
    POINTS = "points", "Points"
    PRODUCT = "product", "A product question"
    PRIVACY = "privacy", "My personal data (a copy or erasure)"
    WHOLESALE = "wholesale", "Wholesale and bulk orders"
    OTHER = "other", "Something else"


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", "Customer message"  # from the form, an email, a chat
    PUBLIC_REPLY = "reply", "Public reply"  # an agent's answer, emailed to the customer
    INTERNAL_NOTE = "note", "Internal note"  # agents only: never shown or sent to the customer


class TicketEventKind(models.TextChoices):
    CREATED = "created", "Created"
    STATUS_CHANGED = "status_changed", "Status changed"
    ASSIGNED = "assigned", "Assigned"
    MESSAGE_ADDED = "message_added", "Message added"
    MERGED = "merged", "Merged"
    PRIORITY_CHANGED = "priority_changed", "Priority changed"
    TAGS_CHANGED = "tags_changed", "Tags changed"
    TOPIC_CHANGED = "topic_changed", "Topic changed"
    ORDER_ACTION = "order_action", "Order action"
    AUTOMATED_MAIL = "automated_mail", "Automatic mail ignored"  # an auto-reply or a bounce
    SATISFACTION = "satisfaction", "Satisfaction rated"  # the customer answered the CSAT question
    MACRO_APPLIED = "macro_applied", "Macro applied"  # a macro's reply (and its action) went out
    APPROVAL = "approval", "Approval"  # an action requested for a lead's approval, approved or rejected
    RULE_OVERRIDDEN = "rule_overridden", "Rule set aside"  # an agent's override of an action's rule, with why
    CASE_DECIDED = "case_decided", "Case decided"  # a return or payment check approved or rejected here


class SatisfactionRating(models.TextChoices):
    GOOD = "good", "Good, I'm satisfied"
    BAD = "bad", "Bad, I'm unsatisfied"
