"""A lead sets the price-adjustment window aside with a reason, from the desk API and the sidebar. A plain
agent can't, customers never can, every other rule still applies, and the override is on the order's and
the ticket's history."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotEligible, PermissionDenied
from shopdesk.desk.enums import TicketEventKind
from shopdesk.desk.roles import agent_actor
from shopdesk.desk.services.order_actions import order_action_perform, order_action_preview
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order, OrderLine
from shopdesk.payments.models import Payment, Refund
from shopdesk.promotions.models import PriceAdjustment
from shopdesk.selfservice.registry import action_get
from tests.desk.conftest import open_ticket
from tests.desk.test_permissions import WHO, api_headers, page_client
from tests.orders.test_services_states import shirt_line
from tests.selfservice.price_adjustment_fixtures import order_with_cheaper_shirt, price_set

pytestmark = pytest.mark.django_db
REASON = "Promised on the phone before the sale ended."


def _shirt(order: Order) -> dict:  # type: ignore[type-arg]
    return {"line_id": shirt_line(order).pk}


@pytest.fixture
def closed_order(db: None) -> Order:
    """Placed 20 days ago: the 14-day window closed; the shirt is $10.00 cheaper each ($20.00 back)."""
    return order_with_cheaper_shirt(placed_at=timezone.now() - dt.timedelta(days=20))


def _nothing_adjusted(order: Order) -> bool:
    return (
        not PriceAdjustment.objects.filter(order=order).exists()
        and not Refund.objects.filter(order=order).exists()
        and not order.events.filter(kind=OrderEventKind.NOTE).exists()
    )


def test_without_an_override_a_lead_gets_the_customers_refusal(lead, closed_order) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotEligible) as refused:
        order_action_perform(
            order=closed_order,
            action_id="price_adjustment",
            actor=agent_actor(lead),
            params=_shirt(closed_order),
        )
    assert refused.value.code == "window_closed"
    assert _nothing_adjusted(closed_order)


def test_a_plain_agent_may_not_set_the_window_aside(agent, closed_order) -> None:  # type: ignore[no-untyped-def]
    for call in (order_action_preview, order_action_perform):
        with pytest.raises(PermissionDenied) as refused:
            call(
                order=closed_order,
                action_id="price_adjustment",
                actor=agent_actor(agent),
                params=_shirt(closed_order),
                override_reason=REASON,
            )
        assert refused.value.code == "override_role_required"
    assert _nothing_adjusted(closed_order)


def test_a_lead_sets_the_window_aside_with_a_reason_and_it_is_recorded(lead, closed_order) -> None:  # type: ignore[no-untyped-def]
    ticket = open_ticket(email=closed_order.email, order=closed_order)
    preview = order_action_preview(
        order=closed_order,
        action_id="price_adjustment",
        actor=agent_actor(lead),
        params=_shirt(closed_order),
        override_reason=REASON,
    )
    assert preview.data["amount"] == "20.00" and "you get $20.00 back" in preview.message
    assert "You can ask until" not in preview.message  # the window is over, whatever the override
    assert _nothing_adjusted(closed_order)

    result = order_action_perform(
        order=closed_order,
        action_id="price_adjustment",
        actor=agent_actor(lead),
        params=_shirt(closed_order),
        idempotency_key="late-price",
        ticket=ticket,
        override_reason=f"  {REASON}  ",
    )

    assert result.data["refund_amount"] == "20.00"
    assert PriceAdjustment.objects.get(order=closed_order).amount == Decimal("20.00")
    assert Payment.objects.get(order=closed_order).amount_refunded == Decimal("20.00")
    note = closed_order.events.get(kind=OrderEventKind.NOTE)
    assert note.actor_kind == "agent" and note.actor_label == lead.username
    assert note.after == {
        "override": {"action": "price_adjustment", "codes": ["window_closed"], "reason": REASON}
    }
    assert "Linen shirt" in note.message and REASON in note.message
    override_event = ticket.events.get(kind=TicketEventKind.RULE_OVERRIDDEN)
    assert override_event.actor_label == lead.username and REASON in override_event.message
    # A retry with the same key replays the first answer: one refund, one override on the history.
    again = order_action_perform(
        order=closed_order,
        action_id="price_adjustment",
        actor=agent_actor(lead),
        params=_shirt(closed_order),
        idempotency_key="late-price",
        ticket=ticket,
        override_reason=REASON,
    )
    assert again.replayed and Refund.objects.filter(order=closed_order).count() == 1
    assert closed_order.events.filter(kind=OrderEventKind.NOTE).count() == 1
    assert ticket.events.filter(kind=TicketEventKind.RULE_OVERRIDDEN).count() == 1


def test_every_other_rule_still_applies(lead, closed_order) -> None:  # type: ignore[no-untyped-def]
    def perform() -> None:
        order_action_perform(
            order=closed_order,
            action_id="price_adjustment",
            actor=agent_actor(lead),
            params=_shirt(closed_order),
            override_reason=REASON,
        )

    # A final-sale item: the flag's refusal, not the window's.
    OrderLine.objects.filter(pk=shirt_line(closed_order).pk).update(return_flags=["final_sale"])
    with pytest.raises(NotEligible) as refused:
        perform()
    assert refused.value.code == "excluded_item"
    OrderLine.objects.filter(pk=shirt_line(closed_order).pk).update(return_flags=[])
    # A drop below the policy's minimum: refused for it once the window is set aside.
    price_set(shirt_line(closed_order), "48.50", days_ago=0.5)
    with pytest.raises(NotEligible) as refused:
        perform()
    assert refused.value.code == "difference_too_small"
    assert _nothing_adjusted(closed_order)


def test_an_override_that_changes_nothing_is_refused_and_not_recorded(lead) -> None:  # type: ignore[no-untyped-def]
    fresh = order_with_cheaper_shirt()
    with pytest.raises(NotEligible) as refused:
        order_action_perform(
            order=fresh,
            action_id="price_adjustment",
            actor=agent_actor(lead),
            params=_shirt(fresh),
            override_reason=REASON,
        )
    assert refused.value.code == "override_not_needed"
    assert _nothing_adjusted(fresh)


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_an_override_needs_a_reason(lead, closed_order, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput):
        order_action_perform(
            order=closed_order,
            action_id="price_adjustment",
            actor=agent_actor(lead),
            params=_shirt(closed_order),
            override_reason=reason,
        )
    assert _nothing_adjusted(closed_order)


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
        action_get("price_adjustment").override_for(actor=actor, reason=REASON)
    assert refused.value.code == "override_not_allowed"


# --- interfaces ----------------------------------------------------------------------------------------
@pytest.fixture
def world(closed_order, agent, lead, admin_agent, staff_not_agent):  # type: ignore[no-untyped-def]
    return {
        "order": closed_order,
        "ticket": open_ticket(email=closed_order.email, order=closed_order),
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
    listed = Client().get(f"/api/v1/desk/orders/{order.number}/actions", **api_headers(who, world))
    response = Client().post(
        f"/api/v1/desk/orders/{order.number}/actions/price_adjustment",
        {"params": _shirt(order), "ticket": world["ticket"].reference, "override": {"reason": REASON}},
        content_type="application/json",
        **api_headers(who, world),
    )
    if who in {"lead", "admin_agent"}:
        offered = next(a for a in listed.json() if a["id"] == "price_adjustment")
        assert offered["allowed"] is False and offered["code"] == "window_closed"
        assert offered["can_override"] is True
        assert response.status_code == 200, response.content
        assert PriceAdjustment.objects.filter(order=order).count() == 1
        assert order.events.get(kind=OrderEventKind.NOTE).actor_label == world["users"][who].username
    elif who == "agent":
        offered = next(a for a in listed.json() if a["id"] == "price_adjustment")
        assert offered["allowed"] is False and offered["can_override"] is False
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "override_role_required"
        assert _nothing_adjusted(order)
    else:
        assert response.status_code in {401, 403}
        assert _nothing_adjusted(order)


def test_the_customer_api_has_no_override(world) -> None:  # type: ignore[no-untyped-def]
    order = world["order"]
    response = Client().post(
        f"/api/v1/customer/orders/{order.number}/lines/{shirt_line(order).pk}/price-adjustment",
        {"override": {"reason": REASON}},
        content_type="application/json",
        **api_headers("customer", world),
    )
    assert response.status_code in {409, 422}
    assert _nothing_adjusted(order)


def test_the_sidebar_offers_the_override_to_a_lead_only(world) -> None:  # type: ignore[no-untyped-def]
    order, ticket = world["order"], world["ticket"]
    as_agent = page_client("agent", world).get(f"/desk/tickets/{ticket.reference}/").content.decode()
    assert "Set this rule aside" not in as_agent
    client = page_client("lead", world)
    page = client.get(f"/desk/tickets/{ticket.reference}/").content.decode()
    assert 'name="override_reason"' in page and "Set this rule aside" in page
    form = {"ticket": ticket.reference, "params": json.dumps(_shirt(order))}
    done = client.post(
        f"/desk/orders/{order.number}/actions/price_adjustment",
        {**form, "override": "1", "override_reason": REASON, "confirm": "1", "key": "k1"},
    )
    assert done.status_code == 302
    assert PriceAdjustment.objects.filter(order=order).count() == 1
    history = client.get(f"/desk/tickets/{ticket.reference}/").content.decode()
    assert "adjustment window set aside" in history and "Promised on the phone" in history
