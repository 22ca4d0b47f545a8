"""Agent overrides: the return window set aside with a reason, from the sidebar and the desk API. Every
other rule still applies, the override is on the order's and the ticket's history, and customers (or
anyone but an agent) can never override."""

from __future__ import annotations

import pytest
from django.test import Client

from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotEligible, PermissionDenied
from shopdesk.core.overrides import RuleOverride, rule_override
from shopdesk.desk.enums import TicketEventKind
from shopdesk.desk.roles import agent_actor
from shopdesk.desk.services.order_actions import order_action_perform, order_action_preview
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import OrderLine
from shopdesk.returns.errors import ReturnLinesRefused
from shopdesk.returns.models import ReturnRequest
from shopdesk.selfservice.registry import action_get
from tests.desk.conftest import open_ticket
from tests.desk.test_permissions import WHO, api_headers, page_client
from tests.orders.test_services_states import scarf_line, shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf

pytestmark = pytest.mark.django_db
REASON = "The carrier scanned it as delivered a week late."


def _scarf_back(order) -> dict:  # type: ignore[no-untyped-def]
    return {"lines": [{"line_id": scarf_line(order).pk, "quantity": 1, "reason": "changed_mind"}]}


@pytest.fixture
def expired_order(db: None):  # type: ignore[no-untyped-def]
    """Delivered 40 days ago: the 30-day return window closed ten days ago."""
    return delivered_shirt_and_scarf(delivered_days_ago=40)


def test_without_an_override_the_agent_gets_the_customers_refusal(agent, expired_order) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotEligible) as refused:
        order_action_perform(
            order=expired_order,
            action_id="return_start",
            actor=agent_actor(agent),
            params=_scarf_back(expired_order),
        )
    assert refused.value.code == "window_expired"
    assert not ReturnRequest.objects.exists()


def test_an_agent_sets_the_window_aside_with_a_reason_and_it_is_recorded(agent, expired_order) -> None:  # type: ignore[no-untyped-def]
    ticket = open_ticket(email=expired_order.email, order=expired_order)
    preview = order_action_preview(
        order=expired_order,
        action_id="return_start",
        actor=agent_actor(agent),
        params=_scarf_back(expired_order),
        override_reason=REASON,
    )
    assert "would come back" in preview.message
    result = order_action_perform(
        order=expired_order,
        action_id="return_start",
        actor=agent_actor(agent),
        params=_scarf_back(expired_order),
        idempotency_key="late-scarf",
        ticket=ticket,
        override_reason=f"  {REASON}  ",
    )
    created = ReturnRequest.objects.get(rma=result.data["rma"])
    assert [line.order_line_id for line in created.lines.all()] == [scarf_line(expired_order).pk]
    note = expired_order.events.get(kind=OrderEventKind.NOTE)
    assert note.actor_kind == "agent" and note.actor_label == agent.username
    assert note.after == {
        "override": {"action": "return_start", "codes": ["window_expired"], "reason": REASON}
    }
    assert "Wool scarf" in note.message and REASON in note.message
    override_event = ticket.events.get(kind=TicketEventKind.RULE_OVERRIDDEN)
    assert override_event.actor_label == agent.username and REASON in override_event.message
    assert ticket.events.filter(kind=TicketEventKind.ORDER_ACTION, after="return_start").exists()
    # A retry with the same key replays the first answer: one return, one override on the history.
    again = order_action_perform(
        order=expired_order,
        action_id="return_start",
        actor=agent_actor(agent),
        params=_scarf_back(expired_order),
        idempotency_key="late-scarf",
        ticket=ticket,
        override_reason=REASON,
    )
    assert again.replayed and ReturnRequest.objects.count() == 1
    assert expired_order.events.filter(kind=OrderEventKind.NOTE).count() == 1
    assert ticket.events.filter(kind=TicketEventKind.RULE_OVERRIDDEN).count() == 1


def test_every_other_rule_still_applies(agent, expired_order) -> None:  # type: ignore[no-untyped-def]
    OrderLine.objects.filter(pk=scarf_line(expired_order).pk).update(return_flags=["final_sale"])
    with pytest.raises(ReturnLinesRefused) as refused:
        order_action_perform(
            order=expired_order,
            action_id="return_start",
            actor=agent_actor(agent),
            params=_scarf_back(expired_order),
            override_reason=REASON,
        )
    assert "Final Sale" in refused.value.message  # the flag's refusal, not the window's
    too_many = {"lines": [{"line_id": shirt_line(expired_order).pk, "quantity": 5, "reason": "changed_mind"}]}
    with pytest.raises(ReturnLinesRefused, match="up to 2"):
        order_action_perform(
            order=expired_order,
            action_id="return_start",
            actor=agent_actor(agent),
            params=too_many,
            override_reason=REASON,
        )
    assert not ReturnRequest.objects.exists()
    assert not expired_order.events.filter(kind=OrderEventKind.NOTE).exists()


def test_an_override_that_changes_nothing_is_refused_and_not_recorded(agent) -> None:  # type: ignore[no-untyped-def]
    fresh = delivered_shirt_and_scarf(delivered_days_ago=3)
    with pytest.raises(NotEligible) as refused:
        order_action_perform(
            order=fresh,
            action_id="return_start",
            actor=agent_actor(agent),
            params=_scarf_back(fresh),
            override_reason=REASON,
        )
    assert refused.value.code == "override_not_needed"
    assert not ReturnRequest.objects.exists() and not fresh.events.filter(kind=OrderEventKind.NOTE).exists()


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_an_override_needs_a_reason(agent, expired_order, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput):
        order_action_perform(
            order=expired_order,
            action_id="return_start",
            actor=agent_actor(agent),
            params=_scarf_back(expired_order),
            override_reason=reason,
        )
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize(
    "actor",
    [
        Actor.customer("kim@example.com"),
        Actor.assistant("kim@example.com"),
        Actor.system(),
        Actor.integration("shop"),
    ],
)
def test_only_agents_can_override(actor: Actor) -> None:
    with pytest.raises(PermissionDenied) as refused:
        action_get("return_start").override_for(actor=actor, reason=REASON)
    assert refused.value.code == "override_not_allowed"
    with pytest.raises(PermissionDenied):
        RuleOverride(codes=frozenset({"window_expired"}), reason=REASON, actor=actor)


def test_an_action_without_overridable_rules_refuses_an_override(agent, expired_order) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied) as refused:
        order_action_perform(
            order=expired_order,
            action_id="cancel",
            actor=agent_actor(agent),
            params={},
            override_reason=REASON,
        )
    assert refused.value.code == "override_not_offered"


def test_a_rule_reserved_to_leads_refuses_an_agent() -> None:
    allowed = {"window_closed": "lead"}
    with pytest.raises(PermissionDenied) as refused:
        rule_override(actor=Actor.agent("ana", "agent"), reason=REASON, allowed=allowed)
    assert refused.value.code == "override_role_required"
    assert rule_override(actor=Actor.agent("leo", "lead"), reason=REASON, allowed=allowed).codes == {
        "window_closed"
    }
    assert rule_override(actor=Actor.agent("ada", "admin"), reason=REASON, allowed=allowed).codes == {
        "window_closed"
    }


# --- interfaces ----------------------------------------------------------------------------------------
@pytest.fixture
def world(expired_order, agent, lead, admin_agent, staff_not_agent):  # type: ignore[no-untyped-def]
    return {
        "order": expired_order,
        "ticket": open_ticket(email=expired_order.email, order=expired_order),
        "users": {
            "agent": agent,
            "lead": lead,
            "admin_agent": admin_agent,
            "staff_not_agent": staff_not_agent,
        },
    }


@pytest.mark.parametrize("who", WHO)
def test_the_api_override_as_each_role(who: str, world) -> None:  # type: ignore[no-untyped-def]
    order = world["order"]
    url = f"/api/v1/desk/orders/{order.number}/actions/return_start"
    listed = Client().get(f"/api/v1/desk/orders/{order.number}/actions", **api_headers(who, world))
    response = Client().post(
        url,
        {"params": _scarf_back(order), "ticket": world["ticket"].reference, "override": {"reason": REASON}},
        content_type="application/json",
        **api_headers(who, world),
    )
    if who in {"agent", "lead", "admin_agent"}:
        assert listed.status_code == 200
        return_start = next(a for a in listed.json() if a["id"] == "return_start")
        assert return_start["allowed"] is False and return_start["can_override"] is True
        assert response.status_code == 200, response.content
        assert ReturnRequest.objects.filter(order=order).count() == 1
        note = order.events.get(kind=OrderEventKind.NOTE)
        assert note.actor_label == world["users"][who].username
    else:
        assert response.status_code in {401, 403}
        assert not ReturnRequest.objects.exists()
        assert not order.events.filter(kind=OrderEventKind.NOTE).exists()


def test_the_api_refuses_an_empty_reason_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    order = world["order"]
    response = Client().post(
        f"/api/v1/desk/orders/{order.number}/actions/return_start",
        {"params": _scarf_back(order), "override": {"reason": "  "}},
        content_type="application/json",
        **api_headers("agent", world),
    )
    assert response.status_code == 422
    assert not ReturnRequest.objects.exists()


def test_the_customer_api_has_no_override(world) -> None:  # type: ignore[no-untyped-def]
    order = world["order"]
    response = Client().post(
        f"/api/v1/customer/orders/{order.number}/returns",
        {**_scarf_back(order), "override": {"reason": REASON}},
        content_type="application/json",
        **api_headers("customer", world),
    )
    assert response.status_code in {409, 422}
    assert not ReturnRequest.objects.exists()


def test_the_sidebar_offers_the_override_and_the_history_shows_it(world) -> None:  # type: ignore[no-untyped-def]
    order, ticket = world["order"], world["ticket"]
    client = page_client("agent", world)
    page = client.get(f"/desk/tickets/{ticket.reference}/").content.decode()
    assert 'name="override_reason"' in page and "Set this rule aside" in page
    import json

    form = {"ticket": ticket.reference, "params": json.dumps(_scarf_back(order))}
    # The checkbox without a reason: refused, nothing created.
    client.post(f"/desk/orders/{order.number}/actions/return_start", {**form, "override": "1"})
    assert not ReturnRequest.objects.exists()
    preview = client.post(
        f"/desk/orders/{order.number}/actions/return_start",
        {**form, "override": "1", "override_reason": REASON},
    ).content.decode()
    assert "Rule set aside" in preview and "delivered a week late" in preview
    assert 'name="override_reason"' in preview
    done = client.post(
        f"/desk/orders/{order.number}/actions/return_start",
        {**form, "override": "1", "override_reason": REASON, "confirm": "1", "key": "k1"},
    )
    assert done.status_code == 302
    assert ReturnRequest.objects.filter(order=order).count() == 1
    history = client.get(f"/desk/tickets/{ticket.reference}/").content.decode()
    assert "Rule set aside" in history and "delivered a week late" in history  # the ticket's history
    assert "Order history" in history and "return window set aside for Wool scarf" in history  # the order's


def test_an_override_waiting_for_a_lead_keeps_its_reason_and_the_lead_performs_it(
    agent, lead, expired_order
) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from shopdesk.desk.models import ActionApproval
    from shopdesk.desk.services.approvals import approval_approve

    # A $400 shirt: above the policy's $300, so a person approves the return, override or not.
    OrderLine.objects.filter(pk=shirt_line(expired_order).pk).update(unit_price=Decimal("400.00"))
    ticket = open_ticket(email=expired_order.email, order=expired_order)
    shirt = {"lines": [{"line_id": shirt_line(expired_order).pk, "quantity": 1, "reason": "changed_mind"}]}
    waiting = order_action_perform(
        order=expired_order,
        action_id="return_start",
        actor=agent_actor(agent),
        params=shirt,
        ticket=ticket,
        override_reason=REASON,
    )
    assert waiting.data["approval_pending"] and not ReturnRequest.objects.exists()
    approval = ActionApproval.objects.get()
    assert approval.override_reason == REASON
    approval_approve(approval=approval, lead=lead)
    created = ReturnRequest.objects.get(order=expired_order)
    assert created.lines.get().order_line_id == shirt_line(expired_order).pk
    note = expired_order.events.get(kind=OrderEventKind.NOTE)
    assert note.actor_label == lead.username
    assert note.after["override"]["reason"] == f"{REASON} (asked by {agent.username})"
