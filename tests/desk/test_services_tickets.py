"""Ticket services: creation, the status table in use, assignment, merge, triage; each leaves an event."""

from __future__ import annotations

import re

import pytest

from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict, InvalidInput, PermissionDenied
from shopdesk.desk.enums import MessageKind, TicketEventKind, TicketStatus
from shopdesk.desk.models import Ticket, TicketEvent, TicketMessage
from shopdesk.desk.roles import agent_actor
from shopdesk.desk.services.tickets import (
    ticket_assign,
    ticket_assign_round_robin,
    ticket_merge,
    ticket_status_change,
    ticket_triage,
)
from tests.desk.conftest import open_ticket

pytestmark = pytest.mark.django_db


def kinds(ticket: Ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))


def test_a_new_ticket_has_a_reference_its_message_and_a_created_event(new_ticket: Ticket) -> None:
    assert re.fullmatch(r"T-[A-Z2-9]{6}", new_ticket.reference)
    assert new_ticket.status == TicketStatus.NEW and len(new_ticket.reply_token) >= 16
    [message] = new_ticket.messages.all()
    assert message.kind == MessageKind.CUSTOMER and message.body == "It has not arrived."
    assert kinds(new_ticket) == [TicketEventKind.CREATED]
    assert "kim@example.com" in new_ticket.search_text and "arrived" in new_ticket.search_text


def test_status_change_records_before_and_after(new_ticket: Ticket, agent) -> None:  # type: ignore[no-untyped-def]
    ticket_status_change(ticket=new_ticket, status=TicketStatus.SOLVED, actor=agent_actor(agent))
    event = TicketEvent.objects.get(ticket=new_ticket, kind=TicketEventKind.STATUS_CHANGED)
    assert (event.before, event.after, event.actor_label) == ("new", "solved", "ana@desk.example")
    new_ticket.refresh_from_db()
    assert new_ticket.solved_at is not None


def test_a_forbidden_transition_changes_nothing(new_ticket: Ticket, agent) -> None:  # type: ignore[no-untyped-def]
    actor = agent_actor(agent)
    ticket_status_change(ticket=new_ticket, status=TicketStatus.CLOSED, actor=actor)
    with pytest.raises(Conflict):
        ticket_status_change(ticket=new_ticket, status=TicketStatus.OPEN, actor=actor)
    new_ticket.refresh_from_db()
    assert new_ticket.status == TicketStatus.CLOSED
    assert kinds(new_ticket).count(TicketEventKind.STATUS_CHANGED) == 1


def test_setting_the_same_status_is_not_an_event(new_ticket: Ticket, agent) -> None:  # type: ignore[no-untyped-def]
    ticket_status_change(ticket=new_ticket, status=TicketStatus.NEW, actor=agent_actor(agent))
    assert kinds(new_ticket) == [TicketEventKind.CREATED]


def test_assigning_opens_a_new_ticket_and_only_agents_can_be_assignees(
    new_ticket, agent, lead, staff_not_agent
) -> None:  # type: ignore[no-untyped-def]
    ticket_assign(ticket=new_ticket, assignee=agent, actor=agent_actor(lead))
    new_ticket.refresh_from_db()
    assert new_ticket.assignee == agent and new_ticket.status == TicketStatus.OPEN
    assigned = TicketEvent.objects.get(ticket=new_ticket, kind=TicketEventKind.ASSIGNED)
    assert (assigned.before, assigned.after) == ("", "ana@desk.example")
    with pytest.raises(InvalidInput):
        ticket_assign(ticket=new_ticket, assignee=staff_not_agent, actor=agent_actor(lead))


def test_round_robin_cycles_through_the_agents(agent, lead, admin_agent) -> None:  # type: ignore[no-untyped-def]
    tickets = [open_ticket(email=f"c{i}@example.com") for i in range(4)]
    actor = agent_actor(lead)
    for ticket in tickets:
        ticket_assign_round_robin(ticket=ticket, actor=actor)
    got = [Ticket.objects.get(pk=t.pk).assignee for t in tickets]
    agents = sorted([agent, lead, admin_agent], key=lambda u: u.pk)
    assert got == [*agents, agents[0]]


def test_merge_moves_messages_and_closes_the_source(lead) -> None:  # type: ignore[no-untyped-def]
    first = open_ticket(body="First question")
    second = open_ticket(body="Second question")
    ticket_merge(source=second, target=first, actor=agent_actor(lead))
    second.refresh_from_db()
    assert second.status == TicketStatus.CLOSED and second.merged_into == first
    assert sorted(TicketMessage.objects.filter(ticket=first).values_list("body", flat=True)) == [
        "First question",
        "Second question",
    ]
    assert TicketEventKind.MERGED in kinds(first) and TicketEventKind.MERGED in kinds(second)


def test_merge_needs_a_lead_and_one_customer(agent, lead) -> None:  # type: ignore[no-untyped-def]
    first, second = open_ticket(), open_ticket()
    with pytest.raises(PermissionDenied):
        ticket_merge(source=second, target=first, actor=agent_actor(agent))
    stranger = open_ticket(email="someone-else@example.com")
    with pytest.raises(InvalidInput):
        ticket_merge(source=stranger, target=first, actor=agent_actor(lead))
    assert TicketMessage.objects.filter(ticket=first).count() == 1


def test_triage_changes_priority_topic_and_tags_with_events(new_ticket, agent) -> None:  # type: ignore[no-untyped-def]
    ticket_triage(ticket=new_ticket, actor=agent_actor(agent), priority="high", tags=["VIP", "damaged item"])
    new_ticket.refresh_from_db()
    assert new_ticket.priority == "high"
    assert sorted(new_ticket.tags.values_list("name", flat=True)) == ["damaged-item", "vip"]
    assert {TicketEventKind.PRIORITY_CHANGED, TicketEventKind.TAGS_CHANGED} <= set(kinds(new_ticket))
    with pytest.raises(InvalidInput):
        ticket_triage(ticket=new_ticket, actor=Actor.system(), priority="whenever")
