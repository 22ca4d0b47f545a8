"""Every desk page and API endpoint as anonymous, a customer, a staff user who is not an agent, and
each desk role. Only agents get in; merging needs a lead."""

from __future__ import annotations

import pytest
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from shopdesk.access.web import SESSION_KEY
from shopdesk.desk.enums import TicketStatus
from shopdesk.desk.models import Ticket, TicketAttachment
from shopdesk.desk.services.agents import agent_token_create
from shopdesk.desk.services.messages import ticket_note
from tests.desk.conftest import PASSWORD, open_ticket

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "customer", "staff_not_agent", "agent", "lead", "admin_agent"]
AGENTS = {"agent", "lead", "admin_agent"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def world(unfulfilled_order, agent, lead, admin_agent, staff_not_agent):  # type: ignore[no-untyped-def]
    ticket = open_ticket(email=unfulfilled_order.email, order=unfulfilled_order)
    other = open_ticket(email=unfulfilled_order.email, subject="Second one")
    from shopdesk.desk.attachments import IncomingFile

    note = ticket_note(ticket=ticket, author=agent, body="See photo", files=[IncomingFile("photo.png", PNG)])
    return {
        "order": unfulfilled_order,
        "ticket": ticket,
        "other": other,
        "attachment": TicketAttachment.objects.get(message=note),
        "users": {
            "agent": agent,
            "lead": lead,
            "admin_agent": admin_agent,
            "staff_not_agent": staff_not_agent,
        },
    }


def page_client(who: str, world: dict) -> Client:  # type: ignore[type-arg]
    client = Client()
    if who == "customer":
        order = world["order"]
        issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
        session = client.session
        session[SESSION_KEY] = issued.access.session_id
        session.save()
    elif who != "anonymous":
        client.login(username=world["users"][who].username, password=PASSWORD)
    return client


def page_requests(world: dict) -> list[tuple[str, str, dict]]:  # type: ignore[type-arg]
    ref = world["ticket"].reference
    return [
        ("get", "/desk/", {}),
        ("get", "/desk/?view=mine", {}),
        ("get", "/desk/?view=breaching", {}),
        ("get", "/desk/macros/", {}),
        ("get", "/desk/approvals/", {}),
        ("get", f"/desk/tickets/{ref}/", {}),
        ("get", f"/desk/tickets/{ref}/next", {}),
        ("get", f"/desk/attachments/{world['attachment'].pk}/", {}),
        ("post", f"/desk/tickets/{ref}/presence", {"mode": "viewing"}),
        ("post", f"/desk/tickets/{ref}/note", {"body": "a note"}),
        ("post", f"/desk/tickets/{ref}/reply", {"body": "a reply", "status": "pending"}),
        ("post", f"/desk/tickets/{ref}/status", {"status": "solved"}),
        ("post", f"/desk/tickets/{ref}/assign", {"assignee": "me"}),
        ("post", f"/desk/tickets/{ref}/triage", {"priority": "high", "tags": "vip"}),
    ]


@pytest.mark.parametrize("who", WHO)
def test_desk_pages_let_only_agents_in(who: str, world) -> None:  # type: ignore[no-untyped-def]
    client = page_client(who, world)
    for method, url, data in page_requests(world):
        response = getattr(client, method)(url, data)
        if who in {"anonymous", "customer"}:
            assert response.status_code == 302 and response["Location"].startswith("/desk/login/"), url
        elif who == "staff_not_agent":
            assert response.status_code == 403, url
        else:
            assert response.status_code in {200, 302}, url
            assert not response.get("Location", "").startswith("/desk/login/"), url
    ticket = Ticket.objects.get(pk=world["ticket"].pk)
    changed = ticket.messages.filter(body__in=["a note", "a reply"]).count()
    assert changed == (2 if who in AGENTS else 0)


@pytest.mark.parametrize("who", WHO)
def test_only_leads_and_admins_merge_on_the_page(who: str, world) -> None:  # type: ignore[no-untyped-def]
    client = page_client(who, world)
    client.post(f"/desk/tickets/{world['other'].reference}/merge", {"into": world["ticket"].reference})
    merged = Ticket.objects.get(pk=world["other"].pk).status == TicketStatus.CLOSED
    assert merged == (who in {"lead", "admin_agent"})


def api_headers(who: str, world: dict) -> dict[str, str]:  # type: ignore[type-arg]
    if who == "anonymous":
        return {}
    if who == "customer":
        order = world["order"]
        issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
        return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}
    if who == "staff_not_agent":
        return {"HTTP_AUTHORIZATION": "Bearer sdk_not-a-real-token-at-all"}
    return {"HTTP_AUTHORIZATION": f"Bearer {agent_token_create(user=world['users'][who])}"}


def api_requests(world: dict) -> list[tuple[str, str, dict | None]]:  # type: ignore[type-arg]
    ref, number = world["ticket"].reference, world["order"].number
    return [
        ("get", "/api/v1/desk/tickets", None),
        ("get", "/api/v1/desk/tickets?q=parcel", None),
        ("get", "/api/v1/desk/tickets?view=breaching", None),
        ("get", "/api/v1/desk/macros", None),
        ("get", "/api/v1/desk/approvals", None),
        ("get", f"/api/v1/desk/tickets/{ref}", None),
        ("post", f"/api/v1/desk/tickets/{ref}/notes", {"body": "api note"}),
        ("post", f"/api/v1/desk/tickets/{ref}/replies", {"body": "api reply"}),
        ("patch", f"/api/v1/desk/tickets/{ref}", {"assignee": "me", "priority": "high"}),
        ("get", f"/api/v1/desk/orders/{number}/actions", None),
    ]


@pytest.mark.parametrize("who", WHO)
def test_desk_api_lets_only_agent_tokens_in(who: str, world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    headers = api_headers(who, world)
    for method, url, body in api_requests(world):
        kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
        response = getattr(client, method)(url, **kwargs, **headers)
        if who in AGENTS:
            assert response.status_code in {200, 201}, (url, response.content)
        else:
            assert response.status_code == 401, url
            assert response.json()["error"]["code"] in {"token_missing", "token_invalid"}
    notes = world["ticket"].messages.filter(body__in=["api note", "api reply"]).count()
    assert notes == (2 if who in AGENTS else 0)


@pytest.mark.parametrize("who", ["agent", "lead", "admin_agent"])
def test_only_leads_and_admins_merge_through_the_api(who: str, world) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(
        f"/api/v1/desk/tickets/{world['other'].reference}/merge",
        {"into": world["ticket"].reference},
        content_type="application/json",
        **api_headers(who, world),
    )
    if who == "agent":
        assert response.status_code == 403 and response.json()["error"]["code"] == "desk_role_required"
    else:
        assert response.status_code == 200 and len(response.json()["messages"]) >= 3


def test_a_token_stops_working_when_its_user_is_no_longer_an_agent(world) -> None:  # type: ignore[no-untyped-def]
    agent = world["users"]["agent"]
    token = agent_token_create(user=agent)
    agent.groups.clear()
    response = Client().get("/api/v1/desk/tickets", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_a_non_agent_gets_no_token(world) -> None:  # type: ignore[no-untyped-def]
    from shopdesk.core.errors import NotFound

    with pytest.raises(NotFound):
        agent_token_create(user=world["users"]["staff_not_agent"])
