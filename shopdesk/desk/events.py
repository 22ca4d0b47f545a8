"""One function per ticket event kind: the audit trail agents see beside the conversation."""

from __future__ import annotations

from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.desk.enums import TicketEventKind
from shopdesk.desk.models import Ticket, TicketEvent


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
    return _record(
        ticket=ticket,
        kind=TicketEventKind.CREATED,
        actor=actor,
        after=ticket.status,
        message=f"Opened from the {ticket.get_channel_display().lower()}.",
    )


def event_status_changed(*, ticket: Ticket, actor: Actor, before: str, after: str) -> TicketEvent:
    return _record(
        ticket=ticket, kind=TicketEventKind.STATUS_CHANGED, actor=actor, before=before, after=after
    )


def event_assigned(*, ticket: Ticket, actor: Actor, before: str, after: str, how: str) -> TicketEvent:
    return _record(
        ticket=ticket, kind=TicketEventKind.ASSIGNED, actor=actor, before=before, after=after, message=how
    )


def event_message_added(*, ticket: Ticket, actor: Actor, kind: str) -> TicketEvent:
    return _record(ticket=ticket, kind=TicketEventKind.MESSAGE_ADDED, actor=actor, after=kind)


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
