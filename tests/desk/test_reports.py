"""Reports: the figures, each bar's tickets, the CSV, and who may see them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.desk.enums import TicketChannel, TicketPriority, TicketStatus, TicketTopic
from shopdesk.desk.models import TicketSatisfaction
from shopdesk.desk.reports import desk_report, report_tickets
from shopdesk.desk.roles import agent_actor
from shopdesk.desk.services.messages import ticket_reply
from shopdesk.desk.services.tickets import ticket_status_change
from shopdesk.helpcenter.models import UnansweredSearch
from shopdesk.helpcenter.services import unanswered_search_record
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.events import order_event_record
from tests.desk.conftest import PASSWORD, open_ticket

pytestmark = pytest.mark.django_db
WEDNESDAY = dt.datetime(2026, 11, 18, 15, tzinfo=dt.UTC)  # 10:00 in New York


@pytest.fixture
def month(agent, unfulfilled_order):  # type: ignore[no-untyped-def]
    """Three tickets: one answered and solved in time, one answered late, one never answered; a CSAT
    answer; a customer's own cancellation; an old ticket outside the period."""
    with time_machine.travel(WEDNESDAY - dt.timedelta(days=40), tick=False):
        open_ticket(email="old@example.com")
    with time_machine.travel(WEDNESDAY, tick=False):
        quick = open_ticket(email="a@example.com", topic=TicketTopic.REFUNDS, priority=TicketPriority.URGENT)
        slow = open_ticket(email="b@example.com", topic=TicketTopic.SHIPPING, channel=TicketChannel.EMAIL)
        never = open_ticket(email="c@example.com", topic=TicketTopic.SHIPPING)
        order_event_record(
            order=unfulfilled_order,
            kind=OrderEventKind.CANCELLED,
            actor=Actor.customer(unfulfilled_order.email),
            at=timezone.now(),
            message="Cancelled by the customer.",
        )
    with time_machine.travel(WEDNESDAY + dt.timedelta(minutes=30), tick=False):
        ticket_reply(ticket=quick, author=agent, body="Refunded.", status_after=TicketStatus.SOLVED)
    with time_machine.travel(WEDNESDAY + dt.timedelta(days=6), tick=False):
        ticket_reply(ticket=slow, author=agent, body="Sorry for the wait.")
        TicketSatisfaction.objects.filter(ticket=quick).update(rating="good", answered_at=timezone.now())
    return {"quick": quick, "slow": slow, "never": never}


def _bars(report, chart_id: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    chart = next(c for c in report.charts if c.id == chart_id)
    return {bar.key or bar.label: bar.value for bar in chart.bars}


def test_the_report_counts_and_each_bar_lists_its_tickets(month) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(WEDNESDAY + dt.timedelta(days=7), tick=False):
        report = desk_report(days=30)
        topics = _bars(report, "topics")
        assert topics["shipping"] == 2 and topics["refunds"] == 1 and sum(topics.values()) == 3
        assert _bars(report, "channels")["email"] == 1
        first = _bars(report, "first_response")
        assert first == {"met": 1, "late": 1, "overdue": 1}
        assert _bars(report, "resolution")["met"] == 1
        assert _bars(report, "csat") == {"good": 1, "bad": 0} and report.csat_score == 1.0
        assert _bars(report, "deflection") == {"Solved by self-service": 1, "all": 3}
        assert report.deflection_rate == pytest.approx(0.25)
        # Every bar's tickets are the ones it counted.
        for chart in report.charts:
            for bar in chart.bars:
                if bar.metric:
                    assert report_tickets(metric=bar.metric, key=bar.key, days=30).count() == bar.value, bar
        late = {t.reference for t in report_tickets(metric="first_response", key="late", days=30)}
        assert late == {month["slow"].reference}


def test_unanswered_searches_and_unhelpful_articles_are_reported(db) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(2):
        assert client.get("/api/v1/help/search", {"q": "zzqx flurbo KW12345678"}).json()["count"] == 0
    assert client.get("/help/search/", {"q": "zzqx flurbo"}).status_code == 200
    unanswered_search_record(query="Where is jo@x.example")  # an address is masked before it is kept
    rows = dict(UnansweredSearch.objects.values_list("query", "times"))
    assert rows == {"zzqx flurbo #": 2, "zzqx flurbo": 1, "where is [email]": 1}
    client.post("/help/articles/about-us/vote/", {"helpful": "no"})
    report = desk_report(days=7)
    assert _bars(report, "unanswered") == {"zzqx flurbo #": 2, "where is [email]": 1, "zzqx flurbo": 1}
    assert list(_bars(report, "unhelpful").values()) == [1]


@pytest.mark.parametrize("who", ["anonymous", "customer", "agent", "lead", "admin_agent"])
def test_reports_are_for_leads_and_admins(who: str, request, unfulfilled_order) -> None:  # type: ignore[no-untyped-def]
    from shopdesk.access.services import session_open_by_lookup
    from shopdesk.access.web import SESSION_KEY

    open_ticket(email=unfulfilled_order.email, topic=TicketTopic.RETURNS)
    client = Client()
    if who == "customer":
        issued = session_open_by_lookup(
            order_number=unfulfilled_order.number, email=unfulfilled_order.email, client_ip="127.0.0.1"
        )
        session = client.session
        session[SESSION_KEY] = issued.access.session_id
        session.save()
    elif who != "anonymous":
        user = request.getfixturevalue(who)
        assert client.login(username=user.username, password=PASSWORD)
    urls = [
        "/desk/reports/",
        "/desk/reports.csv?days=7",
        "/desk/reports/tickets?metric=topic&key=returns&days=30",
    ]
    responses = [client.get(url) for url in urls]
    if who in {"anonymous", "customer"}:
        assert all(r.status_code == 302 and r["Location"].startswith("/desk/login/") for r in responses)
        return
    if who == "agent":
        assert all(r.status_code == 403 for r in responses)
        return
    page, export, drill = responses
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Tickets by topic" in html
    assert 'href="/desk/reports/tickets?metric=topic&amp;key=returns&amp;days=30"' in html
    assert "https://" not in html.split("<main")[1]  # no assets from elsewhere
    table = list(csv.reader(io.StringIO(export.content.decode())))
    assert (
        table[0] == ["chart", "bar", "value"] and ["Tickets by topic", "Returns and exchanges", "1"] in table
    )
    assert drill.status_code == 200 and unfulfilled_order.email in drill.content.decode()
    bad = client.get("/desk/reports/tickets?metric=topic&key=nope")
    assert bad.status_code == 422


def test_a_closed_ticket_solved_late_counts_as_late(agent) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(WEDNESDAY, tick=False):
        ticket = open_ticket(priority=TicketPriority.URGENT)
    with time_machine.travel(WEDNESDAY + dt.timedelta(days=3), tick=False):
        ticket_status_change(ticket=ticket, status=TicketStatus.SOLVED, actor=agent_actor(agent))
        ticket_status_change(ticket=ticket, status=TicketStatus.CLOSED, actor=agent_actor(agent))
        assert _bars(desk_report(days=7), "resolution") == {"met": 0, "late": 1, "overdue": 0}
