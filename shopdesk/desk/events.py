"""One function per ticket event kind: the audit trail agents see beside the conversation."""

from __future__ import annotations

from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.desk.enums import MessageKind, TicketEventKind
from shopdesk.desk.models import Ticket, TicketEvent
from shopdesk.desk.webhook_events import ticket_webhook_emit

# The messages the customer and the store both read, by who wrote them (`author_kind` of ticket.replied).
REPLY_AUTHOR_KINDS: dict[str, str] = {MessageKind.PUBLIC_REPLY: "agent", MessageKind.CUSTOMER: "customer"}


def _record(
    *, ticket: Ticket, kind: str, actor: Actor, before: str = "", after: str = "", message: str = ""
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor_kind=actor.kind,
        actor_label=actor.label[:254],
        before=before[:200],
        after=after[:200],
        message=message[:500],
        created_at=timezone.now(),
    )


def event_created(*, ticket: Ticket, actor: Actor) -> TicketEvent:
    event = _record(
        ticket=ticket,
        kind=TicketEventKind.CREATED,
        actor=actor,
        after=ticket.status,
        message=f"Opened from the {ticket.get_channel_display().lower()}.",
    )
    ticket_webhook_emit(
        type_name="ticket.created",
        ticket=ticket,
        actor=actor,
        after={"status": ticket.status},
        message=event.message,
    )
    return event


def event_status_changed(*, ticket: Ticket, actor: Actor, before: str, after: str) -> TicketEvent:
    event = _record(
        ticket=ticket, kind=TicketEventKind.STATUS_CHANGED, actor=actor, before=before, after=after
    )
    ticket_webhook_emit(
        type_name="ticket.status_changed",
        ticket=ticket,
        actor=actor,
        before={"status": before},
        after={"status": after},
    )
    return event


def event_assigned(*, ticket: Ticket, actor: Actor, before: str, after: str, how: str) -> TicketEvent:
    return _record(
        ticket=ticket, kind=TicketEventKind.ASSIGNED, actor=actor, before=before, after=after, message=how
    )


def event_message_added(
    *, ticket: Ticket, actor: Actor, kind: str, message_id: int | None = None, body: str = ""
) -> TicketEvent:
    """A message on the ticket; the conversation's public messages (an agent's reply, the customer's
    message) also go out as `ticket.replied` with their text. Internal notes stay here."""
    event = _record(ticket=ticket, kind=TicketEventKind.MESSAGE_ADDED, actor=actor, after=kind)
    if kind in REPLY_AUTHOR_KINDS:
        ticket_webhook_emit(
            type_name="ticket.replied",
            ticket=ticket,
            actor=actor,
            after={
                "author": actor.label,
                "author_kind": REPLY_AUTHOR_KINDS[kind],
                "message_id": message_id,
                "body": body,
            },
        )
    return event


def event_merged(*, ticket: Ticket, actor: Actor, source: str, target: str) -> TicketEvent:
    return _record(
        ticket=ticket,
        kind=TicketEventKind.MERGED,
        actor=actor,
        before=source,
        after=target,
        message=f"{source} was merged into {target}.",
    )


def event_field_changed(*, ticket: Ticket, actor: Actor, kind: str, before: str, after: str) -> TicketEvent:
    """Priority, tags or topic: `kind` is the matching TicketEventKind."""
    return _record(ticket=ticket, kind=kind, actor=actor, before=before, after=after)


def event_order_action(*, ticket: Ticket, actor: Actor, action_id: str, message: str) -> TicketEvent:
    return _record(
        ticket=ticket, kind=TicketEventKind.ORDER_ACTION, actor=actor, after=action_id, message=message
    )


def event_automated_mail(*, ticket: Ticket, actor: Actor, reason: str) -> TicketEvent:
    return _record(ticket=ticket, kind=TicketEventKind.AUTOMATED_MAIL, actor=actor, message=reason)


def event_macro_applied(*, ticket: Ticket, actor: Actor, macro_name: str, action_id: str = "") -> TicketEvent:
    return _record(
        ticket=ticket,
        kind=TicketEventKind.MACRO_APPLIED,
        actor=actor,
        after=macro_name,
        message=f"with the action {action_id}" if action_id else "",
    )


def event_approval(*, ticket: Ticket, actor: Actor, action_id: str, status: str, message: str) -> TicketEvent:
    return _record(
        ticket=ticket,
        kind=TicketEventKind.APPROVAL,
        actor=actor,
        before=action_id,
        after=status,
        message=message,
    )


def event_rule_overridden(*, ticket: Ticket, actor: Actor, action_id: str, message: str) -> TicketEvent:
    return _record(
        ticket=ticket, kind=TicketEventKind.RULE_OVERRIDDEN, actor=actor, after=action_id, message=message
    )


def event_case_decided(
    *, ticket: Ticket, actor: Actor, case: str, decision: str, message: str
) -> TicketEvent:
    return _record(
        ticket=ticket,
        kind=TicketEventKind.CASE_DECIDED,
        actor=actor,
        before=case,
        after=decision,
        message=message,
    )
