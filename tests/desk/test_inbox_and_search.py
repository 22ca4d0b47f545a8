"""Inbox views, search (full-text on PostgreSQL, words on SQLite), pagination, presence and the CLI."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from shopdesk.desk.enums import TicketStatus
from shopdesk.desk.roles import agent_actor, agent_role
from shopdesk.desk.selectors import tickets_inbox
from shopdesk.desk.services.agents import agent_token_authenticate
from shopdesk.desk.services.messages import ticket_customer_message
from shopdesk.desk.services.tickets import ticket_assign, ticket_status_change
from tests.desk.conftest import PASSWORD, open_ticket

pytestmark = pytest.mark.django_db


def refs(tickets) -> set[str]:  # type: ignore[no-untyped-def]
    return {t.reference for t in tickets}


def test_inbox_views_split_mine_unassigned_and_open(agent, lead) -> None:  # type: ignore[no-untyped-def]
    mine, theirs, nobodys, done = (open_ticket(email=f"v{i}@example.com") for i in range(4))
    ticket_assign(ticket=mine, assignee=agent, actor=agent_actor(agent))
    ticket_assign(ticket=theirs, assignee=lead, actor=agent_actor(lead))
    ticket_status_change(ticket=done, status=TicketStatus.SOLVED, actor=agent_actor(agent))
    assert refs(tickets_inbox(view="mine", user=agent)) == {mine.reference}
    assert refs(tickets_inbox(view="unassigned", user=agent)) == {nobodys.reference}
    assert refs(tickets_inbox(view="open", user=agent)) == {
        mine.reference,
        theirs.reference,
        nobodys.reference,
    }
    assert done.reference in refs(tickets_inbox(view="all", user=agent))


def test_by_topic_and_by_tag(agent) -> None:  # type: ignore[no-untyped-def]
    from shopdesk.desk.services.tickets import ticket_triage

    shipping = open_ticket(topic="shipping")
    refunds = open_ticket(topic="refunds")
    ticket_triage(ticket=refunds, actor=agent_actor(agent), tags=["vip"])
    assert refs(tickets_inbox(view="topic", topic="shipping", user=agent)) == {shipping.reference}
    assert refs(tickets_inbox(view="tag", tag="vip", user=agent)) == {refunds.reference}


def test_search_matches_subject_body_customer_and_order_number(agent, unfulfilled_order) -> None:  # type: ignore[no-untyped-def]
    by_subject = open_ticket(subject="Umbrella handle broke", body="Please help.")
    by_body = open_ticket(subject="Question", body="The umbrella arrived without its sleeve.")
    later = open_ticket(subject="Other", body="Hello")
    ticket_customer_message(ticket=later, body="Also my umbrella is the wrong colour.", channel="email")
    by_customer = open_ticket(email="zelda.unique@example.com", subject="Hi", body="Hello")
    by_order = open_ticket(email=unfulfilled_order.email, subject="Hi", body="Hello", order=unfulfilled_order)
    open_ticket(subject="Shoes", body="Nothing about rain gear.")
    assert refs(tickets_inbox(view="all", user=agent, q="umbrella")) == {
        by_subject.reference,
        by_body.reference,
        later.reference,
    }
    assert refs(tickets_inbox(view="all", user=agent, q="umbrella sleeve")) == {by_body.reference}
    assert by_customer.reference in refs(tickets_inbox(view="all", user=agent, q="zelda.unique@example.com"))
    assert refs(tickets_inbox(view="all", user=agent, q=unfulfilled_order.number)) == {by_order.reference}


def test_the_api_search_matches_subject_and_body(agent_token: str) -> None:
    hit = open_ticket(subject="Umbrella handle broke")
    body_hit = open_ticket(subject="Question", body="Where is my umbrella?")
    open_ticket(subject="Shoes", body="Too small.")
    response = Client().get("/api/v1/desk/tickets?q=umbrella", HTTP_AUTHORIZATION=f"Bearer {agent_token}")
    assert response.status_code == 200
    assert {row["reference"] for row in response.json()["results"]} == {hit.reference, body_hit.reference}


def test_the_inbox_page_paginates(client: Client, agent) -> None:  # type: ignore[no-untyped-def]
    for index in range(27):
        open_ticket(email=f"p{index}@example.com")
    client.login(username=agent.username, password=PASSWORD)
    first = client.get("/desk/?view=open")
    second = client.get("/desk/?view=open&page=2")
    assert (
        first.content.count(b'class="ticket-link"') == 25
        and second.content.count(b'class="ticket-link"') == 2
    )
    assert b"Page 1 of 2" in first.content and b'rel="next"' in first.content


def test_presence_shows_the_other_agent_and_what_they_do(agent, lead, new_ticket) -> None:  # type: ignore[no-untyped-def]
    ana, leo = Client(), Client()
    ana.login(username=agent.username, password=PASSWORD)
    leo.login(username=lead.username, password=PASSWORD)
    url = f"/desk/tickets/{new_ticket.reference}/presence"
    assert ana.post(url, {"mode": "viewing"}).json() == {"others": []}
    assert leo.post(url, {"mode": "replying"}).json() == {
        "others": [{"name": "Ana Agent", "mode": "viewing"}]
    }
    assert ana.post(url, {"mode": "viewing"}).json() == {"others": [{"name": "Leo Lead", "mode": "replying"}]}


def test_next_ticket_goes_to_my_oldest_active_one(client: Client, agent) -> None:  # type: ignore[no-untyped-def]
    first, second = open_ticket(email="n1@example.com"), open_ticket(email="n2@example.com")
    ticket_assign(ticket=second, assignee=agent, actor=agent_actor(agent))
    client.login(username=agent.username, password=PASSWORD)
    response = client.get(f"/desk/tickets/{first.reference}/next")
    assert response["Location"] == f"/desk/tickets/{second.reference}/"


def test_cli_adds_an_agent_with_a_password_and_prints_a_token_alone(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("desk", "agent", "add", "Nia@Desk.example", "--role", "lead", "--name", "Nia Lead")
    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    client = Client()
    assert client.login(username="nia@desk.example", password=password)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="nia@desk.example")
    assert agent_role(user) == "lead" and user.get_full_name() == "Nia Lead"
    call_command("desk", "token", "nia@desk.example")
    token = capsys.readouterr().out
    assert token.count("\n") == 1 and token.strip().startswith("sdk_")
    assert agent_token_authenticate(token.strip()) == user
    from shopdesk.desk.models import AgentToken

    assert token.strip() not in {t.token_hash for t in AgentToken.objects.all()}  # only the hash is kept


def test_cli_refuses_an_unknown_role_and_a_non_agent_token() -> None:
    from django.core.management.base import CommandError

    with pytest.raises((CommandError, SystemExit)):
        call_command("desk", "agent", "add", "x@desk.example", "--role", "boss")
    with pytest.raises(CommandError):
        call_command("desk", "token", "nobody@desk.example")


def _page_queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_inbox_and_the_ticket_page_cost_the_same_queries_however_many_rows(
    client: Client, agent, unfulfilled_order
) -> None:  # type: ignore[no-untyped-def]
    from shopdesk.desk.attachments import IncomingFile
    from shopdesk.desk.services.messages import ticket_note

    client.login(username=agent.username, password=PASSWORD)
    ticket = open_ticket(email=unfulfilled_order.email, order=unfulfilled_order)
    for index in range(3):
        assigned = open_ticket(email=f"q{index}@example.com")
        ticket_assign(ticket=assigned, assignee=agent, actor=agent_actor(agent))
    ticket_note(ticket=ticket, author=agent, body="one", files=[IncomingFile("a.txt", b"hello")])
    few_inbox = _page_queries(client, "/desk/?view=open")
    few_ticket = _page_queries(client, f"/desk/tickets/{ticket.reference}/")
    for index in range(12):
        assigned = open_ticket(email=f"r{index}@example.com")
        ticket_assign(ticket=assigned, assignee=agent, actor=agent_actor(agent))
        ticket_note(ticket=ticket, author=agent, body=f"note {index}", files=[IncomingFile("b.txt", b"hi")])
    assert _page_queries(client, "/desk/?view=open") == few_inbox
    assert _page_queries(client, f"/desk/tickets/{ticket.reference}/") == few_ticket


def test_big_inboxes_count_up_to_a_cap(client: Client, agent, agent_token: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from shopdesk.desk import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for index in range(5):
        open_ticket(email=f"cap{index}@example.com")
    body = Client().get("/api/v1/desk/tickets?page_size=2", HTTP_AUTHORIZATION=f"Bearer {agent_token}").json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (3, True, 2)
    client.login(username=agent.username, password=PASSWORD)
    assert b"3+ tickets" in client.get("/desk/?view=open").content
    monkeypatch.setattr(selectors, "COUNT_CAP", 10)
    body = Client().get("/api/v1/desk/tickets", HTTP_AUTHORIZATION=f"Bearer {agent_token}").json()
    assert (body["count"], body["count_capped"]) == (5, False)


@pytest.mark.parametrize("dense_from", [2, 500])
def test_search_results_come_newest_first_whether_few_or_many_match(
    agent, monkeypatch, dense_from: int
) -> None:  # type: ignore[no-untyped-def]
    """Many matches walk the recency index, few are sorted (PostgreSQL); the order is the same either way."""
    import time_machine

    from shopdesk.desk import selectors

    monkeypatch.setattr(selectors, "DENSE_MATCHES", dense_from)
    made = []
    for day in (3, 1, 2):
        with time_machine.travel(f"2026-11-0{day} 10:00Z", tick=False):
            made.append(open_ticket(email=f"r{day}@example.com", subject="Umbrella", body="Broken umbrella."))
    open_ticket(subject="Shoes", body="Nothing about rain gear.")
    found = [t.reference for t in tickets_inbox(view="all", user=agent, q="umbrella")]
    assert found == [made[0].reference, made[2].reference, made[1].reference]
