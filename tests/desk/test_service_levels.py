"""Service levels: due moments in business hours, the state of each clock, the breaching inbox and API."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from shopdesk.desk.enums import TicketPriority, TicketStatus
from shopdesk.desk.roles import agent_actor
from shopdesk.desk.selectors import tickets_inbox
from shopdesk.desk.services.agents import agent_token_create
from shopdesk.desk.services.messages import ticket_reply
from shopdesk.desk.services.tickets import ticket_status_change, ticket_triage
from shopdesk.desk.sla import SlaStatus, ticket_sla
from tests.desk.conftest import PASSWORD, open_ticket

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
# Friday 27 November 2026, 17:00 in New York: one business hour left that day.
FRIDAY_FIVE = dt.datetime(2026, 11, 27, 17, tzinfo=NY)


def ny(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY)


def test_a_friday_evening_ticket_falls_due_after_the_weekend() -> None:
    with time_machine.travel(FRIDAY_FIVE, tick=False):
        ticket = open_ticket()
    # Normal priority: 8 business hours to answer (1 on Friday, 7 on Monday), 40 to resolve.
    assert ticket.first_response_due_at == ny(2026, 11, 30, 16)
    assert ticket.resolution_due_at == ny(2026, 12, 4, 12)  # 1 + 4 × 9 + 3


def test_a_new_priority_brings_new_targets_from_the_opening(agent) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(FRIDAY_FIVE, tick=False):
        ticket = open_ticket()
    with time_machine.travel(ny(2026, 11, 30, 9, 30), tick=False):
        changed = ticket_triage(ticket=ticket, actor=agent_actor(agent), priority=TicketPriority.URGENT)
    # Urgent: 1 business hour from Friday 17:00 → Friday 18:00.
    assert changed.first_response_due_at == ny(2026, 11, 27, 18)
    assert changed.resolution_due_at == ny(2026, 11, 30, 16)


def test_the_first_response_clock_goes_from_ok_to_at_risk_to_breached() -> None:
    with time_machine.travel(FRIDAY_FIVE, tick=False):
        ticket = open_ticket()
    # 8 h target; at risk below 2 h left.
    assert ticket_sla(ticket, now=ny(2026, 11, 28, 12)).first_response.status == SlaStatus.OK  # Saturday
    soon = ticket_sla(ticket, now=ny(2026, 11, 30, 14, 30))
    assert soon.first_response.status == SlaStatus.AT_RISK
    assert soon.first_response.left == dt.timedelta(hours=1, minutes=30)
    assert soon.worst == SlaStatus.AT_RISK
    late = ticket_sla(ticket, now=ny(2026, 11, 30, 17))
    assert late.first_response.status == SlaStatus.BREACHED
    assert late.first_response.left == -dt.timedelta(hours=1)
    assert late.resolution.status == SlaStatus.OK


def test_a_reply_in_time_meets_the_target_and_a_late_solve_breaches(agent) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(FRIDAY_FIVE, tick=False):
        ticket = open_ticket()
    with time_machine.travel(ny(2026, 11, 30, 10), tick=False):
        # Kept open: the desk still owes the answer, so the resolution clock runs.
        ticket_reply(ticket=ticket, author=agent, body="On it.", status_after=TicketStatus.OPEN)
    with time_machine.travel(ny(2026, 12, 8, 10), tick=False):
        solved = ticket_status_change(ticket=ticket, status=TicketStatus.SOLVED, actor=agent_actor(agent))
    state = ticket_sla(solved, now=ny(2026, 12, 9, 10))
    assert state.first_response.status == SlaStatus.MET
    assert state.resolution.status == SlaStatus.BREACHED
    assert state.resolution.done_at == ny(2026, 12, 8, 10)


def test_the_breaching_view_lists_active_tickets_past_a_target(agent) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(FRIDAY_FIVE, tick=False):
        unanswered = open_ticket(email="a@example.com")
        answered = open_ticket(email="b@example.com")
        solved = open_ticket(email="c@example.com")
    with time_machine.travel(ny(2026, 11, 30, 10), tick=False):
        ticket_reply(ticket=answered, author=agent, body="Here you go.")
        ticket_status_change(ticket=solved, status=TicketStatus.SOLVED, actor=agent_actor(agent))
        fresh = open_ticket(email="d@example.com")
    with time_machine.travel(ny(2026, 11, 30, 17), tick=False):
        breaching = {t.reference for t in tickets_inbox(view="breaching", user=agent)}
        assert breaching == {unanswered.reference}
        page = _logged_in(agent).get("/desk/?view=breaching").content.decode()
        assert unanswered.reference in page and fresh.reference not in page
        assert "SLA breached" in page
    # A week later every unresolved one is past its resolution target too, except the answered one:
    # it waits for the customer (pending), and its clock stands still meanwhile.
    with time_machine.travel(ny(2026, 12, 8, 10), tick=False):
        breaching = {t.reference for t in tickets_inbox(view="breaching", user=agent)}
        assert breaching == {unanswered.reference, fresh.reference}


def _logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_inbox_flags_a_ticket_at_risk_and_the_ticket_page_says_when_it_is_due(agent) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(FRIDAY_FIVE, tick=False):
        ticket = open_ticket()
    with time_machine.travel(ny(2026, 11, 30, 15), tick=False):
        client = _logged_in(agent)
        inbox = client.get("/desk/?view=open").content.decode()
        assert "SLA at risk" in inbox and "sla-at-risk" in inbox
        page = client.get(f"/desk/tickets/{ticket.reference}/").content.decode()
        assert "due soon" in page


def test_the_api_reports_each_clock_and_filters_breaching(agent) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(FRIDAY_FIVE, tick=False):
        ticket = open_ticket()
        token = agent_token_create(user=agent)
    with time_machine.travel(ny(2026, 11, 30, 17), tick=False):
        body = (
            Client().get("/api/v1/desk/tickets?view=breaching", HTTP_AUTHORIZATION=f"Bearer {token}").json()
        )
    assert [row["reference"] for row in body["results"]] == [ticket.reference]
    sla = body["results"][0]["sla"]
    assert sla["status"] == "breached"
    assert sla["first_response"]["status"] == "breached"
    assert sla["first_response"]["business_seconds_left"] == -3600
    assert sla["resolution"]["status"] == "ok"
    assert dt.datetime.fromisoformat(sla["first_response"]["due_at"]) == ny(2026, 11, 30, 16)


def test_waiting_for_the_customer_stops_the_clock_and_the_targets_move_on(agent) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(FRIDAY_FIVE, tick=False):
        ticket = open_ticket()
    assert ticket.resolution_due_at == ny(2026, 12, 4, 12)
    with time_machine.travel(ny(2026, 11, 30, 10), tick=False):
        ticket_reply(ticket=ticket, author=agent, body="Which size would you like instead?")  # pending
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING
    waiting = ticket_sla(ticket, now=ny(2026, 12, 10, 10))  # long past the old due moment
    assert waiting.resolution.status == SlaStatus.PAUSED
    assert waiting.worst == SlaStatus.PAUSED
    with time_machine.travel(ny(2026, 12, 10, 10), tick=False):
        assert ticket not in list(tickets_inbox(view="breaching", user=agent))
    with time_machine.travel(ny(2026, 12, 1, 12), tick=False):
        # Paused Monday 10:00 → Tuesday 12:00: 8 + 3 business hours, so the resolution moves 11 hours on.
        back = ticket_status_change(ticket=ticket, status=TicketStatus.OPEN, actor=agent_actor(agent))
    back.refresh_from_db()
    assert back.resolution_due_at == ny(2026, 12, 7, 14)  # Friday 12:00 + 11 business hours
    state = ticket_sla(back, now=ny(2026, 12, 4, 17))
    assert state.resolution.status in (SlaStatus.OK, SlaStatus.AT_RISK)  # would have been breached


def test_on_hold_keeps_the_clock_running(agent) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(FRIDAY_FIVE, tick=False):
        ticket = open_ticket()
    with time_machine.travel(ny(2026, 11, 30, 10), tick=False):
        ticket_status_change(ticket=ticket, status=TicketStatus.ON_HOLD, actor=agent_actor(agent))
    with time_machine.travel(ny(2026, 12, 1, 12), tick=False):
        back = ticket_status_change(ticket=ticket, status=TicketStatus.OPEN, actor=agent_actor(agent))
    back.refresh_from_db()
    assert back.resolution_due_at == ny(2026, 12, 4, 12)
    assert ticket_sla(back, now=ny(2026, 12, 4, 13)).resolution.status == SlaStatus.BREACHED
