"""`refund_lines` from the desk: an agent previews, then refunds chosen units of a shipped order once
(a retry with the same Idempotency-Key replays); customers are refused; above the agent's refund limit
a lead approves it first."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from shopdesk.desk.models import ActionApproval, ApprovalStatus
from shopdesk.desk.services.approvals import approval_approve
from shopdesk.orders.models import Order
from shopdesk.payments.models import Payment, Refund
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Shipment
from tests import factories
from tests.desk.conftest import open_ticket
from tests.desk.test_permissions import api_headers, page_client
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, ship, shirt_line

pytestmark = pytest.mark.django_db


def _delivered(order: Order) -> Order:
    ship(order, *order.lines.all())
    Shipment.objects.filter(order=order).update(status=TrackingStatus.DELIVERED, delivered_at=timezone.now())
    return order


def _world(order: Order, users: dict) -> dict:  # type: ignore[type-arg]
    return {"order": order, "ticket": open_ticket(email=order.email, order=order), "users": users}


@pytest.fixture
def world(agent, lead):  # type: ignore[no-untyped-def]
    return _world(_delivered(paid_order_of_shirt_and_scarf()), {"agent": agent, "lead": lead})


def _post(world, who: str, body: dict, key: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return Client().post(
        f"/api/v1/desk/orders/{world['order'].number}/actions/refund_lines",
        body,
        content_type="application/json",
        **api_headers(who, world),
        **extra,
    )


def test_an_agent_previews_then_refunds_once_through_the_desk_api(world) -> None:  # type: ignore[no-untyped-def]
    order = world["order"]
    listed = Client().get(f"/api/v1/desk/orders/{order.number}/actions", **api_headers("agent", world))
    assert next(a for a in listed.json() if a["id"] == "refund_lines")["allowed"] is True
    params = {"lines": [{"line_id": scarf_line(order).pk, "quantity": 1}], "reason": "Arrived torn"}

    preview = _post(world, "agent", {"params": params, "preview": True})
    assert preview.status_code == 200, preview.content
    assert preview.json()["data"]["refund_amount"] == "30.00"
    assert preview.json()["data"]["details"] == ["1 × Wool scarf"]
    assert not Refund.objects.filter(order=order).exists()

    body = {"params": params, "ticket": world["ticket"].reference}
    first = _post(world, "agent", body, key="rl-1")
    again = _post(world, "agent", body, key="rl-1")
    assert first.status_code == 200, first.content
    assert first.json()["replayed"] is False and first.json()["data"]["refund_amount"] == "30.00"
    assert again.status_code == 200 and again.json()["replayed"] is True, again.content
    assert again.json()["data"] == first.json()["data"]
    assert Refund.objects.filter(order=order).count() == 1
    assert Payment.objects.get(order=order).amount_refunded == Decimal("30.00")
    # The same key with another body conflicts; a new request for the same unit is refused by name.
    other = {"params": {**params, "reason": "Lost"}}
    assert _post(world, "agent", other, key="rl-1").json()["error"]["code"] == "idempotency_key_reused"
    twice = _post(world, "agent", {"params": params}, key="rl-2")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "line_not_refundable"
    assert twice.json()["error"]["details"]["fields"] == {
        f"lines.{scarf_line(order).pk}": twice.json()["error"]["message"]
    }
    assert Refund.objects.filter(order=order).count() == 1


def test_bad_params_are_422_and_customers_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    order = world["order"]
    bad = _post(world, "agent", {"params": {"lines": [{"line_id": shirt_line(order).pk, "quantity": -1}]}})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    customer = Client().post(
        f"/api/v1/customer/orders/{order.number}/actions/refund_lines/preview",
        {"lines": [{"line_id": shirt_line(order).pk, "quantity": 1}], "reason": "Lost"},
        content_type="application/json",
        **api_headers("customer", world),
    )
    assert customer.status_code in (403, 409), customer.content
    assert customer.json()["error"]["code"] == "agents_only"
    assert not Refund.objects.filter(order=order).exists()


def test_a_refund_above_the_agent_limit_waits_for_a_lead(agent, lead) -> None:  # type: ignore[no-untyped-def]
    """$240 of items, above the demo policy's $150 an agent may refund alone."""
    order = factories.OrderFactory(subtotal=Decimal("240.00"), total=Decimal("240.00"))
    factories.OrderLineFactory(order=order, unit_price=Decimal("120.00"))
    factories.OrderLineFactory(order=order, unit_price=Decimal("120.00"))
    factories.PaymentFactory(order=order)
    world = _world(_delivered(order), {"agent": agent, "lead": lead})
    params = {
        "lines": [{"line_id": line.pk, "quantity": 1} for line in order.lines.all()],
        "reason": "Parcel lost",
    }
    asked = _post(world, "agent", {"params": params}, key="big-1")
    assert asked.status_code in (200, 202), asked.content
    assert asked.json()["data"]["approval_pending"] is True and "$150.00" in asked.json()["message"]
    assert not Refund.objects.filter(order=order).exists()
    # Below the limit, the agent goes ahead alone.
    one = {"lines": params["lines"][:1], "reason": "Parcel lost"}
    assert _post(world, "agent", {"params": one, "preview": True}).status_code == 200
    approval = ActionApproval.objects.get(order=order, action_id="refund_lines")
    done = approval_approve(approval=approval, lead=lead, note="Carrier confirmed the loss.")
    assert done.status == ApprovalStatus.APPROVED
    assert Payment.objects.get(order=order).amount_refunded == Decimal("240.00")
    assert order.lines.filter(quantity_refunded=1).count() == 2


def test_the_ticket_sidebar_offers_it_and_its_form_previews_then_refunds_once(world) -> None:  # type: ignore[no-untyped-def]
    order, ticket = world["order"], world["ticket"]
    client = page_client("agent", world)
    page = client.get(f"/desk/tickets/{ticket.reference}/").content.decode()
    assert "/actions/refund_lines" in page and "Refund items" in page
    params = json.dumps({"lines": [{"line_id": shirt_line(order).pk, "quantity": 2}], "reason": "Lost"})
    url = f"/desk/orders/{order.number}/actions/refund_lines"
    preview = client.post(url, {"ticket": ticket.reference, "params": params})
    assert preview.status_code == 200 and "$88.00" in preview.content.decode()
    assert not Refund.objects.filter(order=order).exists()
    confirm = {"ticket": ticket.reference, "params": params, "confirm": "1", "key": "press-1"}
    for _ in range(2):  # a double press replays
        assert client.post(url, confirm).status_code == 302
    assert Refund.objects.filter(order=order).count() == 1
    assert Payment.objects.get(order=order).amount_refunded == Decimal("88.00")
