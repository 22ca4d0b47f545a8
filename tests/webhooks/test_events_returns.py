"""`return.*` webhooks: a return walked through its statuses (the customer, the store API, an agent) sends
one verified event per status change, with the RMA, its lines, the order and the actor."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.api.auth import token_create
from shopdesk.core.actors import Actor
from shopdesk.orders.models import OrderLine
from shopdesk.returns.enums import RETURN_TRANSITIONS, ReturnStatus
from shopdesk.returns.services import ReturnLineRequest, return_cancel, return_create, return_decide
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from shopdesk.returns.webhook_events import STATUS_TYPES
from shopdesk.webhooks.catalogue import EVENT_TYPES
from shopdesk.webhooks.models import WebhookDelivery
from tests.integration.payloads import StoreClient
from tests.orders.test_services_states import scarf_line, shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.webhooks.conftest import Receiver, delivered

pytestmark = pytest.mark.django_db
RETURN_TYPES = sorted(STATUS_TYPES.values())


def _start(order, line, **kwargs):  # type: ignore[no-untyped-def]
    return return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(line_id=line.pk, quantity=1, reason="too_big")],
        method="label",
        **kwargs,
    ).return_request


def test_every_status_a_return_can_reach_has_a_catalogue_type() -> None:
    reachable = {ReturnStatus.REQUESTED} | {s for targets in RETURN_TRANSITIONS.values() for s in targets}
    assert set(STATUS_TYPES) == reachable
    assert set(STATUS_TYPES.values()) <= set(EVENT_TYPES)


def test_a_return_from_request_to_refund_sends_one_verified_event_per_status(
    receiver: Receiver, endpoint_for
) -> None:
    endpoint = endpoint_for(*RETURN_TYPES)
    only_received = endpoint_for("return.received")
    order = delivered_shirt_and_scarf()
    store = StoreClient(token_create(name="warehouse-app").secret)

    rma = _start(order, shirt_line(order)).rma
    assert store.post(f"/returns/{rma}/in-transit", {}).status_code == 200
    assert store.post(f"/returns/{rma}/received", {}).status_code == 200
    inspected = store.post(
        f"/returns/{rma}/inspection",
        {"lines": [{"line_id": shirt_line(order).pk, "outcome": "accepted", "reason": "as new"}]},
    )
    assert inspected.status_code == 201, inspected.content

    received = delivered(receiver)  # each verified against the secret of the endpoint it was sent for
    by_endpoint = [
        d.event.type for d in WebhookDelivery.objects.filter(endpoint_id=endpoint.endpoint.pk).order_by("id")
    ]
    assert by_endpoint == [
        "return.created",
        "return.approved",
        "return.in_transit",
        "return.received",
        "return.inspected",
        "return.refunded",
    ]
    # The endpoint that asked for return.received alone got exactly that one.
    assert [d.event.type for d in WebhookDelivery.objects.filter(endpoint_id=only_received.endpoint.pk)] == [
        "return.received"
    ]
    assert len(received) == 7  # six for the family endpoint, one for the filtered one
    payloads = {r.payload["type"]: r.payload for r in received}
    created = payloads["return.created"]["data"]
    assert created["order"]["number"] == order.number
    assert created["actor"] == {"kind": "customer", "label": order.email}
    assert created["before"] is None and created["after"] == {"status": "requested"}
    assert created["return"]["rma"] == rma
    assert created["return"]["lines"] == [
        {
            "sku": shirt_line(order).sku,
            "external_id": shirt_line(order).external_id,
            "quantity": 1,
            "reason": "too_big",
            "resolution": "refund",
            "outcome": "",
        }
    ]
    in_transit = payloads["return.in_transit"]["data"]
    assert (in_transit["before"], in_transit["after"]) == ({"status": "approved"}, {"status": "in_transit"})
    assert in_transit["actor"] == {"kind": "integration", "label": "warehouse-app"}
    refunded = payloads["return.refunded"]["data"]
    assert refunded["return"]["status"] == "refunded"
    assert refunded["return"]["lines"][0]["outcome"] == "accepted"


def test_approval_refusal_cancel_and_close_each_send_their_type(receiver: Receiver, endpoint_for) -> None:
    endpoint = endpoint_for(*RETURN_TYPES)
    order = delivered_shirt_and_scarf()
    OrderLine.objects.filter(pk=shirt_line(order).pk).update(unit_price=Decimal("400.00"))
    waiting = _start(order, shirt_line(order))
    return_decide(return_request=waiting, actor=Actor.agent("ann"), approve=False, note="Worn.")
    cancelled = _start(order, scarf_line(order))
    return_cancel(return_request=cancelled, actor=Actor.customer(order.email))
    closed = _start(order, scarf_line(order))
    return_mark_received(rma=closed.rma, actor=Actor.integration("warehouse-app"))
    return_inspect(
        rma=closed.rma,
        actor=Actor.integration("warehouse-app"),
        lines=[InspectionLine(scarf_line(order).pk, "rejected", "stained")],
    )

    received = delivered(receiver, endpoint=endpoint)
    per_rma: dict[str, list[str]] = {}
    for item in received:
        per_rma.setdefault(item.payload["data"]["return"]["rma"], []).append(item.payload["type"])
    assert per_rma[waiting.rma] == ["return.created", "return.pending_approval", "return.rejected"]
    assert per_rma[cancelled.rma] == ["return.created", "return.approved", "return.cancelled"]
    assert per_rma[closed.rma] == [
        "return.created",
        "return.approved",
        "return.received",
        "return.inspected",
        "return.closed",
    ]
    rejected = next(r.payload["data"] for r in received if r.payload["type"] == "return.rejected")
    assert rejected["actor"] == {"kind": "agent", "label": "ann"}
    assert rejected["before"] == {"status": "pending_approval"} and "Worn." in rejected["message"]


def test_a_refused_transition_sends_nothing(endpoint_for) -> None:
    endpoint_for("*")
    order = delivered_shirt_and_scarf()
    ret = _start(order, scarf_line(order))
    before = WebhookDelivery.objects.count()
    with pytest.raises(Exception, match="can't become"):
        from shopdesk.returns.services import return_transition

        return_transition(
            return_request=ret, to_status=ReturnStatus.CLOSED, actor=Actor.system(), now=ret.created_at
        )
    assert WebhookDelivery.objects.count() == before


def test_store_credit_is_recorded_then_settled_in_the_refund_events(receiver: Receiver, endpoint_for) -> None:
    endpoint = endpoint_for("refund.created", "refund.processing", "refund.succeeded")
    order = delivered_shirt_and_scarf()
    line = scarf_line(order)
    ret = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(line_id=line.pk, quantity=1, reason="too_big", resolution="store_credit")],
        method="label",
    ).return_request
    warehouse = Actor.integration("warehouse-app")
    return_mark_received(rma=ret.rma, actor=warehouse)
    return_inspect(rma=ret.rma, actor=warehouse, lines=[InspectionLine(line.pk, "accepted", "as new")])

    received = delivered(receiver, endpoint=endpoint)
    assert [r.payload["type"] for r in received] == [
        "refund.created",
        "refund.processing",
        "refund.succeeded",
    ]
    refund_ids = {r.payload["data"]["after"]["refund_id"] for r in received}
    assert len(refund_ids) == 1
    assert received[-1].payload["data"]["actor"] == {"kind": "integration", "label": "warehouse-app"}
