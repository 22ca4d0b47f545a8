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


def test_the_demo_has_a_month_of_desk_history_and_macros() -> None:
    from django.utils import timezone

    from shopdesk.desk.models import Macro
    from shopdesk.desk.reports import desk_report
    from shopdesk.desk.selectors import tickets_inbox

    out = run_demo("--orders", "40", "--seed", "3", "--now", ANCHOR_ISO)
    assert "more over the last month" in out
    history = Ticket.objects.filter(tags__name="history")
    days = {t.created_at.date() for t in history}
    assert len(days) >= 20 and min(days) >= (timezone.now() - timezone.timedelta(days=31)).date()
    report = desk_report(days=30)
    charts = {chart.id: {bar.key or bar.label: bar.value for bar in chart.bars} for chart in report.charts}
    assert charts["first_response"]["met"] > 0 and charts["first_response"]["late"] > 0
    assert charts["resolution"]["overdue"] > 0
    assert charts["csat"]["good"] > 0 and charts["csat"]["bad"] > 0
    assert charts["unanswered"] and charts["unhelpful"]
    from django.contrib.auth import get_user_model

    lead = get_user_model().objects.get(username="leo@kwoking.example")
    assert tickets_inbox(view="breaching", user=lead).exists()
    assert set(Macro.objects.values_list("name", flat=True)) >= {"Where is my parcel", "Cancel and confirm"}
    assert Macro.objects.get(name="Cancel and confirm").action_id == "cancel"


def test_resetting_the_demo_removes_the_tickets_its_orders_opened() -> None:
    from shopdesk.demo.store import demo_store_delete
    from shopdesk.orders.models import Order
    from tests.desk.conftest import open_ticket

    run_demo("--orders", "30", "--seed", "3", "--now", ANCHOR_ISO, "--quiet")
    order = Order.objects.filter(demo__isnull=False).first()
    assert order is not None
    # A ticket the demo did not make itself (e.g. a return waiting for approval opens one).
    opened = open_ticket(email=order.email, order=order)
    assert not opened.tags.filter(name="demo").exists()
    demo_store_delete()
    assert not Ticket.objects.exists()
