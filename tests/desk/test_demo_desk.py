"""The demo store's desk: one agent per role with a printed login, tickets in every status and channel."""

from __future__ import annotations

import pytest
from django.test import Client

from shopdesk.desk.enums import TicketChannel, TicketStatus
from shopdesk.desk.models import Ticket
from shopdesk.desk.roles import agent_role
from tests.demo.conftest import ANCHOR_ISO, run_demo

pytestmark = pytest.mark.django_db


def test_the_demo_loads_agents_and_tickets_and_prints_logins() -> None:
    out = run_demo("--orders", "30", "--seed", "3", "--now", ANCHOR_ISO)
    logins = [
        line.split() for line in out.splitlines() if line.startswith("  ") and "@kwoking.example" in line
    ]
    assert {role for role, _, _ in logins} == {"agent", "lead", "admin"}
    role, email, password = logins[0]
    client = Client()
    assert client.login(username=email, password=password)
    from django.contrib.auth import get_user_model

    assert agent_role(get_user_model().objects.get(username=email)) == role
    assert client.get("/desk/?view=all").status_code == 200
    tickets = Ticket.objects.all()
    assert {t.status for t in tickets} == set(TicketStatus.values)
    assert {t.channel for t in tickets} == set(TicketChannel.values)
    assert all(t.order_id for t in tickets)


def test_resetting_the_demo_replaces_its_desk() -> None:
    run_demo("--orders", "30", "--seed", "3", "--now", ANCHOR_ISO, "--quiet")
    first = Ticket.objects.count()
    run_demo("--orders", "30", "--seed", "3", "--now", ANCHOR_ISO, "--quiet", "--reset")
    assert Ticket.objects.count() == first
    from shopdesk.demo.store import demo_store_delete

    demo_store_delete()
    assert not Ticket.objects.exists()
