"""The order beside the ticket: the sidebar and the action endpoint loop over the registry, with the
agent as actor. The registry is filled elsewhere, so a fake action is registered for these tests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import pytest
from django.test import Client

from shopdesk.core.actors import Actor, AgentRole
from shopdesk.core.eligibility import Eligibility
from shopdesk.desk.enums import TicketEventKind
from shopdesk.desk.models import TicketEvent
from shopdesk.desk.services.agents import agent_token_create
from shopdesk.selfservice import registry
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction
from tests.desk.conftest import PASSWORD, open_ticket

pytestmark = pytest.mark.django_db


class FakeGiftNote(OrderAction):
    """Adds a gift note; only leads may do it for an order over $50, and a key replays."""

    id: ClassVar[str] = "fake_gift_note"
    label: ClassVar[str] = "Add a gift note"
    performed: ClassVar[list[tuple[str, str, str]]] = []
    keys: ClassVar[dict[str, ActionResult]] = {}

    def eligibility(self, *, order, actor: Actor, now=None) -> Eligibility:  # type: ignore[no-untyped-def]
        if order.total > 50 and not actor.has_role(AgentRole.LEAD):
            return Eligibility.no("lead_needed", "Only a lead may add a note to an order over $50.")
        return Eligibility.yes()

    def preview(self, *, order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:  # type: ignore[no-untyped-def]
        return ActionPreview(f"Add the note “{params.get('note', '')}” to {order.number}.")

    def perform(
        self, *, order, actor: Actor, params: Mapping[str, Any], idempotency_key=None
    ) -> ActionResult:  # type: ignore[no-untyped-def]
        self.eligibility(order=order, actor=actor).require()
        if idempotency_key and idempotency_key in self.keys:
            first = self.keys[idempotency_key]
            return ActionResult(first.message, first.data, replayed=True)
        self.performed.append((order.number, actor.label, actor.role))
        result = ActionResult("Gift note added.", {"note": params.get("note", "")})
        if idempotency_key:
            self.keys[idempotency_key] = result
        return result


@pytest.fixture(autouse=True)
def fake_action() -> Iterator[type[FakeGiftNote]]:
    FakeGiftNote.performed, FakeGiftNote.keys = [], {}
    registry.register(FakeGiftNote)
    yield FakeGiftNote
    registry._REGISTRY.pop(FakeGiftNote.id, None)


def test_the_api_lists_actions_with_the_agents_eligibility(unfulfilled_order, agent, lead) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/desk/orders/{unfulfilled_order.number}/actions"
    as_agent = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {agent_token_create(user=agent)}").json()
    as_lead = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {agent_token_create(user=lead)}").json()
    mine = next(a for a in as_agent if a["id"] == "fake_gift_note")
    assert mine["allowed"] is False and mine["code"] == "lead_needed"
    assert next(a for a in as_lead if a["id"] == "fake_gift_note")["allowed"] is True


def test_the_api_previews_then_performs_once_per_key_and_audits_the_ticket(unfulfilled_order, lead) -> None:  # type: ignore[no-untyped-def]
    ticket = open_ticket(email=unfulfilled_order.email, order=unfulfilled_order)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {agent_token_create(user=lead)}", "HTTP_IDEMPOTENCY_KEY": "k-1"}
    url = f"/api/v1/desk/orders/{unfulfilled_order.number}/actions/fake_gift_note"
    preview = Client().post(
        url,
        {"params": {"note": "Happy birthday"}, "preview": True},
        content_type="application/json",
        **headers,
    )
    assert (
        preview.status_code == 200
        and preview.json()["preview"] is True
        and "Happy birthday" in preview.json()["message"]
    )
    assert FakeGiftNote.performed == []
    body = {"params": {"note": "Happy birthday"}, "ticket": ticket.reference}
    first = Client().post(url, body, content_type="application/json", **headers)
    again = Client().post(url, body, content_type="application/json", **headers)
    assert first.json()["message"] == "Gift note added." and first.json()["replayed"] is False
    assert again.json()["replayed"] is True
    assert FakeGiftNote.performed == [(unfulfilled_order.number, "leo@desk.example", "lead")]
    event = TicketEvent.objects.get(ticket=ticket, kind=TicketEventKind.ORDER_ACTION)
    assert (event.after, event.actor_label, event.message) == (
        "fake_gift_note",
        "leo@desk.example",
        "Gift note added.",
    )


def test_the_api_refuses_with_the_actions_own_reason(unfulfilled_order, agent) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(
        f"/api/v1/desk/orders/{unfulfilled_order.number}/actions/fake_gift_note",
        {"params": {}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {agent_token_create(user=agent)}",
    )
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "lead_needed",
        "message": "Only a lead may add a note to an order over $50.",
    }
    assert FakeGiftNote.performed == []


def test_unknown_actions_and_orders_are_404s(unfulfilled_order, lead) -> None:  # type: ignore[no-untyped-def]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {agent_token_create(user=lead)}"}
    unknown = Client().post(
        f"/api/v1/desk/orders/{unfulfilled_order.number}/actions/teleport",
        {},
        content_type="application/json",
        **headers,
    )
    missing = Client().post(
        "/api/v1/desk/orders/KW99999999/actions/fake_gift_note",
        {},
        content_type="application/json",
        **headers,
    )
    assert unknown.status_code == missing.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_action"


def test_the_sidebar_shows_the_order_and_performs_after_a_preview(
    client: Client, unfulfilled_order, lead
) -> None:  # type: ignore[no-untyped-def]
    ticket = open_ticket(email=unfulfilled_order.email, order=unfulfilled_order)
    client.login(username=lead.username, password=PASSWORD)
    page = client.get(f"/desk/tickets/{ticket.reference}/").content.decode()
    assert f"Order {unfulfilled_order.number}" in page and "Add a gift note" in page
    url = f"/desk/orders/{unfulfilled_order.number}/actions/fake_gift_note"
    preview = client.post(url, {"ticket": ticket.reference, "params": '{"note": "Hi"}'})
    assert preview.status_code == 200 and "Add the note “Hi”" in preview.content.decode()
    assert FakeGiftNote.performed == []
    key = preview.context["key"]
    done = client.post(
        url, {"ticket": ticket.reference, "params": '{"note": "Hi"}', "confirm": "1", "key": key}
    )
    client.post(
        url, {"ticket": ticket.reference, "params": '{"note": "Hi"}', "confirm": "1", "key": key}
    )  # a double click
    assert done.status_code == 302 and len(FakeGiftNote.performed) == 1


def test_the_sidebar_shows_why_an_action_is_not_allowed(client: Client, unfulfilled_order, agent) -> None:  # type: ignore[no-untyped-def]
    ticket = open_ticket(email=unfulfilled_order.email, order=unfulfilled_order)
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(f"/desk/tickets/{ticket.reference}/").content.decode()
    assert "Only a lead may add a note to an order over $50." in page
    client.post(
        f"/desk/orders/{unfulfilled_order.number}/actions/fake_gift_note",
        {"ticket": ticket.reference, "confirm": "1", "key": "x"},
    )
    assert FakeGiftNote.performed == []
