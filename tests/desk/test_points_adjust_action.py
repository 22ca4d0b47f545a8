"""`points_adjust`: agents add points to the order's customer or take some off, from the desk's order
actions (API and sidebar) or the command line; customers are refused, the balance never goes below zero."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.loyalty.ledger import balance_available
from shopdesk.loyalty.models import PointsEntry, PointsEntryKind
from shopdesk.loyalty.services import points_adjust
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order
from shopdesk.selfservice.registry import action_get
from tests.desk.conftest import open_ticket
from tests.desk.test_permissions import api_headers, page_client
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf

pytestmark = pytest.mark.django_db


def _give(order: Order, points: int) -> None:
    points_adjust(
        customer=order.customer,
        points=points,
        note="Welcome gift",
        actor=Actor.agent("setup"),
        key=f"setup-{order.pk}",
        now=timezone.now(),
    )


def _adjustments(order: Order) -> list[int]:
    return list(
        PointsEntry.objects.filter(customer=order.customer, kind=PointsEntryKind.ADJUSTED)
        .exclude(note="Welcome gift")
        .values_list("points", flat=True)
    )


@pytest.fixture
def world(agent, lead, admin_agent, staff_not_agent):  # type: ignore[no-untyped-def]
    order = paid_order_of_shirt_and_scarf()
    _give(order, 100)
    return {
        "order": order,
        "ticket": open_ticket(email=order.email, order=order),
        "users": {
            "agent": agent,
            "lead": lead,
            "admin_agent": admin_agent,
            "staff_not_agent": staff_not_agent,
        },
    }


def _post(world, who: str, body: dict, key: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return Client().post(
        f"/api/v1/desk/orders/{world['order'].number}/actions/points_adjust",
        body,
        content_type="application/json",
        **api_headers(who, world),
        **extra,
    )


def test_an_agent_previews_then_adjusts_once_through_the_desk_api(world) -> None:  # type: ignore[no-untyped-def]
    order = world["order"]
    listed = Client().get(f"/api/v1/desk/orders/{order.number}/actions", **api_headers("agent", world))
    assert next(a for a in listed.json() if a["id"] == "points_adjust")["allowed"] is True
    params = {"points": 250, "reason": "Sorry for the late parcel"}

    preview = _post(world, "agent", {"params": params, "preview": True})
    assert preview.status_code == 200, preview.content
    assert preview.json()["data"] == {
        "points": 250,
        "reason": "Sorry for the late parcel",
        "balance_before": 100,
        "balance_after": 350,
    }
    assert "250 points are added" in preview.json()["message"]
    assert _adjustments(order) == []  # a preview writes nothing

    body = {"params": params, "ticket": world["ticket"].reference}
    first = _post(world, "agent", body, key="adj-1")
    again = _post(world, "agent", body, key="adj-1")

    assert first.status_code == 200, first.content
    assert first.json()["replayed"] is False and first.json()["data"]["balance"] == 350
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["data"] == first.json()["data"]
    assert _adjustments(order) == [250]
    assert balance_available(customer_id=order.customer_id) == 350
    note = order.events.get(kind=OrderEventKind.NOTE)
    assert note.actor_label == world["users"]["agent"].username
    assert note.after == {
        "points_adjusted": {"points": 250, "reason": "Sorry for the late parcel", "balance": 350}
    }
    # The same key with other points is a conflict, never a second adjustment.
    other = _post(world, "agent", {"params": {"points": 5, "reason": "Sorry"}}, key="adj-1")
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert _adjustments(order) == [250]


def test_a_removal_can_take_the_balance_to_zero_but_never_below(world) -> None:  # type: ignore[no-untyped-def]
    order = world["order"]
    for preview in (True, False):
        refused = _post(
            world, "agent", {"params": {"points": -101, "reason": "Duplicate gift"}, "preview": preview}
        )
        assert refused.status_code == 409, refused.content
        error = refused.json()["error"]
        assert error["code"] == "insufficient_points" and "below zero" in error["message"]
    assert _adjustments(order) == [] and balance_available(customer_id=order.customer_id) == 100
    assert not order.events.filter(kind=OrderEventKind.NOTE).exists()

    done = _post(world, "agent", {"params": {"points": -100, "reason": "Duplicate gift"}}, key="adj-2")

    assert done.status_code == 200, done.content
    assert balance_available(customer_id=order.customer_id) == 0


@pytest.mark.parametrize(
    "params",
    [
        {"points": 0, "reason": "Nothing"},
        {"points": 1_000_001, "reason": "Too many"},
        {"points": 10},
        {"points": 10, "reason": "   "},
        {"points": "ten", "reason": "Words"},
        {"points": 10, "reason": "x" * 201},
        {"points": 10, "reason": "Extra", "order": 1},
    ],
)
def test_bad_params_are_refused_and_change_nothing(world, params: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    response = _post(world, "agent", {"params": params})
    assert response.status_code == 422, response.content
    assert _adjustments(world["order"]) == []


@pytest.mark.parametrize("who", ["anonymous", "customer", "staff_not_agent"])
def test_only_agents_reach_it(world, who: str) -> None:  # type: ignore[no-untyped-def]
    assert _post(world, who, {"params": {"points": 10, "reason": "Please"}}).status_code in {401, 403}
    assert _adjustments(world["order"]) == []


def test_customers_are_refused_and_never_offered_it(world) -> None:  # type: ignore[no-untyped-def]
    order = world["order"]
    customer = Actor.customer(order.email)
    action = action_get("points_adjust")
    assert action.for_agents
    assert action.eligibility(order=order, actor=customer).code == "agents_only"
    for call in (action.preview, action.perform):
        with pytest.raises(NotEligible) as refused:
            call(order=order, actor=customer, params={"points": 10, "reason": "Please"})
        assert refused.value.code == "agents_only"
    response = Client().post(
        f"/api/v1/customer/orders/{order.number}/actions/points_adjust/preview",
        {"points": 10, "reason": "Please"},
        content_type="application/json",
        **api_headers("customer", world),
    )
    assert response.status_code in {403, 409}, response.content
    assert response.json()["error"]["code"] == "agents_only"
    assert _adjustments(order) == []


def test_the_sidebar_offers_it_to_agents(world) -> None:  # type: ignore[no-untyped-def]
    page = page_client("agent", world).get(f"/desk/tickets/{world['ticket'].reference}/").content.decode()
    assert "Adjust the customer&#x27;s points" in page or "Adjust the customer's points" in page
    assert "/actions/points_adjust" in page


# --- the command line ----------------------------------------------------------------------------------
def test_the_command_adds_and_takes_off_points() -> None:
    order = paid_order_of_shirt_and_scarf()
    out = StringIO()

    call_command("points", "adjust", order.email, "40", "--reason", "Goodwill", "--key", "k1", stdout=out)
    call_command("points", "adjust", order.email, "40", "--reason", "Goodwill", "--key", "k1", stdout=out)
    call_command("points", "adjust", order.email.upper(), "-15", "--reason", "Correction", stdout=out)

    assert _adjustments(order) == [40, -15]
    assert balance_available(customer_id=order.customer_id) == 25
    assert '"balance": 25' in out.getvalue().splitlines()[-1]


def test_the_command_refuses_bad_input_and_changes_nothing() -> None:
    order = paid_order_of_shirt_and_scarf()
    _give(order, 10)
    with pytest.raises(CommandError, match="10 points are available"):
        call_command("points", "adjust", order.email, "-11", "--reason", "Correction")
    with pytest.raises(CommandError, match="not zero"):
        call_command("points", "adjust", order.email, "0", "--reason", "Nothing")
    with pytest.raises(CommandError, match="Say why"):
        call_command("points", "adjust", order.email, "5", "--reason", "  ")
    with pytest.raises(CommandError, match="No customer"):
        call_command("points", "adjust", "nobody@example.com", "5", "--reason", "Goodwill")
    assert _adjustments(order) == [] and balance_available(customer_id=order.customer_id) == 10
