"""A refunded return closes when every refund it recorded has succeeded (docs/decisions/0034): on the
provider's `succeeded` event for its last refund, or at once when it was paid back as store credit; the
close goes through the return's one status change (its event row, a verified `return.closed` on the
loopback receiver), once, however often the success is replayed."""

from __future__ import annotations

import pytest

from shopdesk.api.auth import token_create
from shopdesk.core.actors import Actor
from shopdesk.payments.enums import RefundDestination, RefundStatus
from shopdesk.payments.models import Refund
from shopdesk.returns.enums import ReturnEventKind, ReturnStatus
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.progress import return_received_answer, return_steps
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from shopdesk.webhooks.models import WebhookDelivery
from tests.integration.payloads import StoreClient
from tests.orders.test_services_states import scarf_line, shirt_line
from tests.returns.conftest import delivered_paid_by_card_and_store_credit, delivered_shirt_and_scarf
from tests.webhooks.conftest import Receiver, allow_private, delivered, endpoint_for, receiver

pytestmark = pytest.mark.django_db
__all__ = ["allow_private", "endpoint_for", "receiver"]  # the loopback receiver's fixtures, used below
WAREHOUSE = Actor.integration("warehouse")
RETURN_TYPES = ("return.inspected", "return.refunded", "return.closed")


def _shirt_returned_and_accepted(order, resolution: str = "refund") -> dict:  # type: ignore[no-untyped-def]
    ret = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(shirt_line(order).pk, 1, "too_small", resolution=resolution)],
        method="label",
    ).return_request
    return_mark_received(rma=ret.rma, actor=WAREHOUSE)
    return return_inspect(
        rma=ret.rma, actor=WAREHOUSE, lines=[InspectionLine(line_id=shirt_line(order).pk, outcome="accepted")]
    ).data


def _provider(store: StoreClient, refund: Refund, event_id: str, kind: str) -> dict:
    answer = store.post(f"/refunds/{refund.pk}/events", {"event_id": event_id, "kind": kind, "reason": ""})
    assert answer.status_code == 200, answer.content
    return answer.json()


def _closed_rows(ret: ReturnRequest) -> list[str]:
    return list(
        ret.events.filter(kind=ReturnEventKind.STATUS_CHANGED, to_status=ReturnStatus.CLOSED).values_list(
            "message", flat=True
        )
    )


def test_a_card_refund_s_success_closes_its_return_once(receiver: Receiver, endpoint_for) -> None:
    endpoint = endpoint_for(*RETURN_TYPES)
    order = delivered_shirt_and_scarf()
    result = _shirt_returned_and_accepted(order)
    assert result["status"] == "refunded"
    (refund,) = Refund.objects.filter(pk__in=result["refund"]["refund_ids"])
    ret = ReturnRequest.objects.get(rma=result["rma"])
    store = StoreClient(token_create(name="payments").secret)

    # The provider takes it: still on its way, nothing closes.
    assert _provider(store, refund, "evt-1", "processing")["status"] == "processing"
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.REFUNDED

    # It succeeds: the return closes, with its event row and return.closed.
    assert _provider(store, refund, "evt-2", "succeeded")["status"] == "succeeded"
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.CLOSED
    assert _closed_rows(ret) == ["The return is closed. Every refund went through."]

    # The same success replayed, and a late duplicate under another id: nothing more.
    assert _provider(store, refund, "evt-2", "succeeded")["replayed"] is True
    assert _provider(store, refund, "evt-3", "succeeded")["outcome"] == "ignored"
    assert len(_closed_rows(ret)) == 1

    received = delivered(receiver, endpoint=endpoint)
    assert [r.payload["type"] for r in received] == ["return.inspected", "return.refunded", "return.closed"]
    closed = received[-1].payload["data"]
    assert closed["before"] == {"status": "refunded"} and closed["after"] == {"status": "closed"}
    assert closed["return"]["rma"] == ret.rma and closed["return"]["status"] == "closed"
    assert closed["order"]["number"] == order.number
    assert closed["actor"] == {"kind": "system", "label": "shopdesk"}
    assert closed["message"] == "The return is closed. Every refund went through."

    # The customer's steps end on the refund, done, rather than "nothing to refund".
    last = return_steps(ret)[-1]
    assert (last["step"], last["state"], last["detail"]) == ("refunded", "done", "Every refund went through.")
    answer = return_received_answer(ret, payments=order.payments.all())
    assert "refunded it; every refund has gone through." in answer["message"]


def test_a_return_waits_for_its_last_refund_even_after_a_failure(receiver: Receiver, endpoint_for) -> None:
    endpoint = endpoint_for("return.closed")
    order = delivered_paid_by_card_and_store_credit("20.00")
    result = _shirt_returned_and_accepted(order)
    refunds = {r.destination: r for r in Refund.objects.filter(pk__in=result["refund"]["refund_ids"])}
    credit, card = refunds[RefundDestination.STORE_CREDIT], refunds[RefundDestination.ORIGINAL_PAYMENT]
    assert credit.status == RefundStatus.SUCCEEDED and card.status == RefundStatus.PENDING
    ret = ReturnRequest.objects.get(rma=result["rma"])
    assert ret.status == ReturnStatus.REFUNDED  # the card's share is still to come
    store = StoreClient(token_create(name="payments").secret)

    _provider(store, card, "evt-1", "failed")
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.REFUNDED  # a failed refund is sent again: the return waits

    card.refresh_from_db()
    _provider(store, card, "evt-2", "processing")  # the provider tries again
    _provider(store, card, "evt-3", "succeeded")
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.CLOSED
    (closed,) = delivered(receiver, endpoint=endpoint)
    assert closed.payload["data"]["return"]["rma"] == ret.rma


def test_a_return_paid_back_as_store_credit_closes_with_its_inspection(
    receiver: Receiver, endpoint_for
) -> None:
    endpoint = endpoint_for(*RETURN_TYPES)
    order = delivered_shirt_and_scarf()

    result = _shirt_returned_and_accepted(order, resolution="store_credit")

    assert result["status"] == "closed" and result["store_credit"] is not None
    assert Refund.objects.get(pk=result["store_credit"]["refund_id"]).status == RefundStatus.SUCCEEDED
    ret = ReturnRequest.objects.get(rma=result["rma"])
    assert _closed_rows(ret) == ["The return is closed. Every refund went through."]
    received = delivered(receiver, endpoint=endpoint)
    assert [r.payload["type"] for r in received] == ["return.inspected", "return.refunded", "return.closed"]
    # The inspection replayed answers the same and closes nothing more.
    again = return_inspect(
        rma=ret.rma, actor=WAREHOUSE, lines=[InspectionLine(line_id=shirt_line(order).pk, outcome="accepted")]
    ).data
    assert again["status"] == "closed"
    assert WebhookDelivery.objects.filter(event__type="return.closed").count() == 1


def test_a_refund_of_another_return_of_the_order_leaves_this_one_open() -> None:
    order = delivered_shirt_and_scarf()
    first = _shirt_returned_and_accepted(order)
    ret = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(scarf_line(order).pk, 1, "too_big")],
        method="label",
    ).return_request
    return_mark_received(rma=ret.rma, actor=WAREHOUSE)
    second = return_inspect(
        rma=ret.rma, actor=WAREHOUSE, lines=[InspectionLine(line_id=scarf_line(order).pk, outcome="accepted")]
    ).data
    store = StoreClient(token_create(name="payments").secret)
    (refund,) = Refund.objects.filter(pk__in=first["refund"]["refund_ids"])

    _provider(store, refund, "evt-1", "succeeded")

    assert ReturnRequest.objects.get(rma=first["rma"]).status == ReturnStatus.CLOSED
    assert ReturnRequest.objects.get(rma=second["rma"]).status == ReturnStatus.REFUNDED
