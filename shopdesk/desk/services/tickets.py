"""Ticket writes: create, change status (the only writer of `status`), assign, merge, triage.

Every write locks the ticket row, re-checks its rule inside the transaction and records an event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from shopdesk.core.actors import Actor, AgentRole
from shopdesk.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from shopdesk.desk import events
from shopdesk.desk.attachments import IncomingFile, attachments_store, attachments_validate
from shopdesk.desk.enums import (
    SLA_PAUSED_STATUSES,
    MessageKind,
    TicketChannel,
    TicketEventKind,
    TicketPriority,
    TicketStatus,
    TicketTopic,
    status_transition_check,
)
from shopdesk.desk.mail import reference_new, reply_token_new
from shopdesk.desk.models import Ticket, TicketMessage, TicketTag
from shopdesk.desk.roles import agent_role
from shopdesk.desk.sla import sla_due, sla_due_for_ticket
from shopdesk.orders.models import Customer

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from shopdesk.orders.models import Order

SEARCH_TEXT_LIMIT = 50_000
TAG_LIMIT = 20


def ticket_lock(ticket_id: int) -> Ticket:
    """The ticket row, locked until the transaction ends (call inside transaction.atomic)."""
    try:
        return Ticket.objects.select_for_update().get(pk=ticket_id)
    except Ticket.DoesNotExist:
        raise NotFound("There is no such ticket.", code="ticket_not_found") from None


def search_text_append(ticket: Ticket, text: str) -> None:
    """Add a message body to the ticket's search text (kept whole up to the limit)."""
    combined = f"{ticket.search_text}\n{text}" if ticket.search_text else text
    ticket.search_text = combined[:SEARCH_TEXT_LIMIT]


def search_vector_refresh(ticket_id: int) -> None:
    """Recompute the ticket's tsvector from its search text (PostgreSQL; SQLite searches the text)."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        Ticket.objects.filter(pk=ticket_id).update(
            search_vector=SearchVector("search_text", config="english")
        )


def _search_header(*, subject: str, email: str, name: str, order_number: str) -> str:
    return " ".join(part for part in (subject, email, name, order_number) if part)


def ticket_create(
    *,
    subject: str,
    customer_email: str,
    customer_name: str,
    channel: str,
    body: str,
    actor: Actor,
    topic: str = TicketTopic.OTHER,
    priority: str = TicketPriority.NORMAL,
    order: Order | None = None,
    order_number_given: str = "",
    message_id: str = "",
    files: Sequence[IncomingFile] = (),
) -> Ticket:
    """Open a ticket with the customer's first message. The caller sends the acknowledgement."""
    email = customer_email.strip().lower()
    if not email or "@" not in email:
        raise InvalidInput("A ticket needs the customer's email address.", code="email_invalid")
    if channel not in TicketChannel.values or topic not in TicketTopic.values:
        raise InvalidInput("Unknown channel or topic.", code="invalid_input")
    checked = attachments_validate(list(files))
    now = timezone.now()
    number = order.number if order is not None else ""
    if priority not in TicketPriority.values:
        raise InvalidInput("Unknown priority.", code="priority_invalid")
    first_due, resolution_due = sla_due(opened_at=now, priority=priority)
    with transaction.atomic():
        ticket = Ticket(
            subject=(subject.strip() or "(no subject)")[:200],
            customer_email=email,
            customer_name=customer_name.strip()[:200],
            customer=Customer.objects.filter(email=email).first(),
            order=order,
            order_number_given=order_number_given[:40],
            channel=channel,
            topic=topic,
            priority=priority,
            status=TicketStatus.NEW,
            reply_token=reply_token_new(),
            created_at=now,
            updated_at=now,
            last_customer_message_at=now,
            first_response_due_at=first_due,
            resolution_due_at=resolution_due,
        )
        ticket.search_text = _search_header(
            subject=ticket.subject,
            email=email,
            name=ticket.customer_name,
            order_number=number or order_number_given,
        )
        search_text_append(ticket, body)
        for _ in range(8):
            ticket.reference = reference_new()
            try:
                with transaction.atomic():  # a savepoint: a clashing reference is retried, not fatal
                    ticket.save()
                break
            except IntegrityError:
                ticket.pk = None
                continue
        else:  # pragma: no cover - 32^6 references make eight clashes in a row unthinkable
            raise Conflict("Could not allocate a ticket reference; try again.")
        message = TicketMessage.objects.create(
            ticket=ticket,
            kind=MessageKind.CUSTOMER,
            author_label=email,
            body=body,
            channel=channel,
            message_id=message_id[:300],
            created_at=now,
        )
        attachments_store(message=message, files=checked)
        search_vector_refresh(ticket.pk)
        events.event_created(ticket=ticket, actor=actor)
    return ticket


def status_apply(*, ticket: Ticket, status: str, actor: Actor) -> bool:
    """Move a locked ticket to `status` (checked against the table) with an event. False when unchanged.

    The only writer of Ticket.status: every service that changes a status calls it.
    """
    status_transition_check(ticket.status, status)
    if status == ticket.status:
        return False
    before = ticket.status
    now = timezone.now()
    fields: dict[str, object] = {"status": status, "updated_at": now}
    if status == TicketStatus.SOLVED:
        fields["solved_at"] = now
    # Compare-and-set on the old status: the row is locked, this also guards a caller that forgot.
    changed = Ticket.objects.filter(pk=ticket.pk, status=before).update(**fields)
    if changed != 1:
        raise Conflict("The ticket changed meanwhile; reload it.", code="ticket_changed")
    for name, value in fields.items():
        setattr(ticket, name, value)
    events.event_status_changed(ticket=ticket, actor=actor, before=before, after=status)
    if before in SLA_PAUSED_STATUSES and status not in SLA_PAUSED_STATUSES:
        # Back from waiting for the customer: the targets move on by the business time of the wait.
        ticket.first_response_due_at, ticket.resolution_due_at = sla_due_for_ticket(ticket, now=now)
        Ticket.objects.filter(pk=ticket.pk).update(
            first_response_due_at=ticket.first_response_due_at, resolution_due_at=ticket.resolution_due_at
        )
    if status == TicketStatus.SOLVED and ticket.merged_into_id is None:
        from shopdesk.desk.services.satisfaction import satisfaction_request  # it emails: one direction only

        satisfaction_request(ticket=ticket)
    return True


def ticket_status_change(*, ticket: Ticket, status: str, actor: Actor) -> Ticket:
    with transaction.atomic():
        locked = ticket_lock(ticket.pk)
        status_apply(ticket=locked, status=status, actor=actor)
    return locked


def _require_agent(user: User | None) -> None:
    if user is not None and agent_role(user) is None:
        raise InvalidInput("Tickets can only be assigned to desk agents.", code="assignee_not_agent")


def ticket_assign(*, ticket: Ticket, assignee: User | None, actor: Actor, how: str = "manual") -> Ticket:
    """Give the ticket to an agent (or to nobody). A new ticket becomes open once somebody has it."""
    _require_agent(assignee)
    with transaction.atomic():
        locked = ticket_lock(ticket.pk)
        if locked.status == TicketStatus.CLOSED:
            raise Conflict("A closed ticket cannot be reassigned.", code="ticket_closed")
        before = locked.assignee.get_username() if locked.assignee else ""
        after = assignee.get_username() if assignee else ""
        if before == after:
            return locked
        locked.assignee = assignee
        locked.updated_at = timezone.now()
        locked.save(update_fields=["assignee", "updated_at"])
        events.event_assigned(ticket=locked, actor=actor, before=before, after=after, how=how)
        if assignee is not None and locked.status == TicketStatus.NEW:
            status_apply(ticket=locked, status=TicketStatus.OPEN, actor=actor)
    return locked


def agents_active() -> list[User]:
    """Every active desk agent, by id (the round-robin order)."""
    from shopdesk.desk.roles import GROUP_FOR_ROLE

    user_model = get_user_model()
    users = user_model.objects.filter(is_active=True, groups__name__in=GROUP_FOR_ROLE.values()).distinct()
    return list(users.order_by("pk"))


def round_robin_next() -> User:
    """The agent after the one who got the last automatic assignment (cycling through agents by id)."""
    agents = agents_active()
    if not agents:
        raise Conflict("There are no desk agents to assign to.", code="no_agents")
    from shopdesk.desk.models import TicketEvent

    last = (
        TicketEvent.objects.filter(kind=TicketEventKind.ASSIGNED, message="round-robin")
        .order_by("-created_at", "-id")
        .values_list("after", flat=True)
        .first()
    )
    names = [agent.get_username() for agent in agents]
    if last in names:
        return agents[(names.index(last) + 1) % len(agents)]
    return agents[0]


def ticket_assign_round_robin(*, ticket: Ticket, actor: Actor) -> Ticket:
    return ticket_assign(ticket=ticket, assignee=round_robin_next(), actor=actor, how="round-robin")


def ticket_merge(*, source: Ticket, target: Ticket, actor: Actor) -> Ticket:
    """Move every message of `source` into `target` and close `source`. Leads and admins only."""
    if not actor.has_role(AgentRole.LEAD):
        raise PermissionDenied("Merging tickets needs a lead.", code="desk_role_required")
    if source.pk == target.pk:
        raise InvalidInput("A ticket cannot be merged into itself.", code="merge_same_ticket")
    with transaction.atomic():
        # Lock both rows in primary-key order, so two opposite merges cannot deadlock.
        locked = {
            row.pk: row
            for row in Ticket.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
        }
        if len(locked) != 2:
            raise NotFound("There is no such ticket.", code="ticket_not_found")
        src, dst = locked[source.pk], locked[target.pk]
        if src.customer_email != dst.customer_email:
            raise InvalidInput("Only tickets of one customer can be merged.", code="merge_other_customer")
        if TicketStatus.CLOSED in (src.status, dst.status):
            raise Conflict("A closed ticket cannot be merged.", code="ticket_closed")
        moved = list(src.messages.all())
        TicketMessage.objects.filter(ticket=src).update(ticket=dst)
        for message in moved:
            search_text_append(dst, message.body)
        for tag in src.tags.values_list("name", flat=True):
            TicketTag.objects.get_or_create(ticket=dst, name=tag)
        if dst.order_id is None and src.order_id is not None:
            dst.order_id = src.order_id
        dst.updated_at = timezone.now()
        dst.save(update_fields=["search_text", "order", "updated_at"])
        search_vector_refresh(dst.pk)
        src.merged_into = dst
        src.save(update_fields=["merged_into"])
        status_apply(ticket=src, status=TicketStatus.CLOSED, actor=actor)
        events.event_merged(ticket=src, actor=actor, source=src.reference, target=dst.reference)
        events.event_merged(ticket=dst, actor=actor, source=src.reference, target=dst.reference)
    return dst


def ticket_triage(
    *,
    ticket: Ticket,
    actor: Actor,
    priority: str | None = None,
    topic: str | None = None,
    tags: Sequence[str] | None = None,
) -> Ticket:
    """Change priority, topic and/or tags (each change its own event)."""
    if priority is not None and priority not in TicketPriority.values:
        raise InvalidInput("Unknown priority.", code="priority_invalid")
    if topic is not None and topic not in TicketTopic.values:
        raise InvalidInput("Unknown topic.", code="topic_invalid")
    clean_tags = None
    if tags is not None:
        from django.utils.text import slugify

        clean_tags = sorted({slugify(tag)[:40] for tag in tags if slugify(tag)})
        if len(clean_tags) > TAG_LIMIT:
            raise InvalidInput(f"At most {TAG_LIMIT} tags.", code="tags_too_many")
    with transaction.atomic():
        locked = ticket_lock(ticket.pk)
        changed = False
        for field_name, value, kind in (
            ("priority", priority, TicketEventKind.PRIORITY_CHANGED),
            ("topic", topic, TicketEventKind.TOPIC_CHANGED),
        ):
            if value is not None and getattr(locked, field_name) != value:
                events.event_field_changed(
                    ticket=locked, actor=actor, kind=kind, before=getattr(locked, field_name), after=value
                )
                setattr(locked, field_name, value)
                changed = True
        if clean_tags is not None:
            current = sorted(locked.tags.values_list("name", flat=True))
            if current != clean_tags:
                locked.tags.exclude(name__in=clean_tags).delete()
                TicketTag.objects.bulk_create(
                    [TicketTag(ticket=locked, name=name) for name in clean_tags if name not in current]
                )
                events.event_field_changed(
                    ticket=locked,
                    actor=actor,
                    kind=TicketEventKind.TAGS_CHANGED,
                    before=" ".join(current),
                    after=" ".join(clean_tags),
                )
                changed = True
        if changed:
            # A new priority brings new targets, counted from when the ticket opened (less its pauses).
            locked.first_response_due_at, locked.resolution_due_at = sla_due_for_ticket(
                locked, now=timezone.now()
            )
            locked.updated_at = timezone.now()
            locked.save(
                update_fields=[
                    "priority",
                    "topic",
                    "updated_at",
                    "first_response_due_at",
                    "resolution_due_at",
                ]
            )
    return locked
