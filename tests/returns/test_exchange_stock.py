"""Stock for an exchange is held from the moment the return accepts the line: the last unit goes to one
return; a cancelled or rejected return, or a line rejected at inspection, puts it back; the exchange order
takes the held unit and no other."""

from __future__ import annotations

import pytest
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.orders.models import Order, OrderLine
from shopdesk.returns.enums import ReturnStatus
from shopdesk.returns.errors import ReturnLinesRefused
from shopdesk.returns.exchange import return_exchange_order
from shopdesk.returns.models import ReturnLine
from shopdesk.returns.services import return_cancel, return_decide
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from tests.orders.test_services_states import shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.returns.exchange_fixtures import exchange_for_large, large_shirt

pytestmark = pytest.mark.django_db
STORE = Actor.integration("warehouse")


def _stock(order: Order) -> int:
    return large_shirt(order).stock


def test_asking_for_an_exchange_holds_the_unit_and_the_exchange_order_takes_no_other(delivered_order):
    order = delivered_order
    before = _stock(order)

    created = exchange_for_large(order)

    assert _stock(order) == before - 1
    line = ReturnLine.objects.get(return_request__rma=created.data["rma"])
    assert line.exchange_reserved == 1
    rma = created.data["rma"]
    return_mark_received(rma=rma, actor=STORE)
    return_inspect(rma=rma, actor=STORE, lines=[InspectionLine(shirt_line(order).pk, "accepted")])
    placed = return_exchange_order(rma=rma, actor=STORE)
    return_exchange_order(rma=rma, actor=STORE)  # a replay takes nothing either
    assert _stock(order) == before - 1
    assert (
        Order.objects.get(number=placed.data["exchange_order_number"]).lines.get().sku
        == large_shirt(order).sku
    )
    line.refresh_from_db()
    assert line.exchange_reserved == 0


def test_the_last_unit_goes_to_one_return_and_the_next_customer_is_told_why(delivered_order):
    first = delivered_order
    second = delivered_shirt_and_scarf()
    OrderLine.objects.filter(pk=shirt_line(second).pk).update(variant=shirt_line(first).variant)
    type(large_shirt(first)).objects.filter(pk=large_shirt(first).pk).update(stock=1)

    exchange_for_large(first)
    with pytest.raises(ReturnLinesRefused) as refused:
        exchange_for_large(second)

    assert refused.value.problems[0]["code"] == "exchange_out_of_stock"
    assert refused.value.problems[0]["field"] == "lines[0]"
    assert _stock(first) == 0
    assert not second.returns.exists()


def test_the_api_answers_422_with_the_code_when_the_size_is_gone(client: Client, delivered_order):
    order = delivered_order
    type(large_shirt(order)).objects.filter(pk=large_shirt(order).pk).update(stock=0)
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    body = {
        "lines": [
            {
                "line_id": shirt_line(order).pk,
                "quantity": 1,
                "reason": "too_small",
                "resolution": "exchange",
                "exchange_sku": large_shirt(order).sku,
            }
        ],
        "method": "label",
    }
    response = client.post(
        f"/api/v1/customer/orders/{order.number}/returns",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.token}",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert response.status_code == 422, response.content
    fields = response.json()["error"]["fields"]
    assert "exchange_out_of_stock" in str(fields)


def test_a_cancelled_return_puts_the_unit_back_once(delivered_order):
    order = delivered_order
    before = _stock(order)
    created = exchange_for_large(order)

    return_cancel(return_request=created.return_request, actor=Actor.customer(order.email))
    return_cancel(return_request=created.return_request, actor=Actor.customer(order.email))  # a repeat

    assert _stock(order) == before
    assert ReturnLine.objects.get(return_request=created.return_request).exchange_reserved == 0


def test_a_rejected_return_puts_the_unit_back(delivered_order):
    order = delivered_order
    OrderLine.objects.filter(pk=shirt_line(order).pk).update(unit_price="400.00")  # above the approval limit
    before = _stock(order)
    created = exchange_for_large(order)
    assert created.return_request.status == ReturnStatus.PENDING_APPROVAL
    assert _stock(order) == before - 1

    return_decide(return_request=created.return_request, actor=Actor.agent("ana@desk.example"), approve=False)

    assert _stock(order) == before


def test_a_line_rejected_at_inspection_puts_the_unit_back_and_gets_no_exchange(delivered_order):
    order = delivered_order
    before = _stock(order)
    rma = exchange_for_large(order).data["rma"]
    return_mark_received(rma=rma, actor=STORE)

    return_inspect(
        rma=rma, actor=STORE, lines=[InspectionLine(shirt_line(order).pk, "rejected", reason="worn")]
    )

    assert _stock(order) == before
    with pytest.raises(NotEligible) as refused:
        return_exchange_order(rma=rma, actor=STORE)
    assert refused.value.code == "no_exchange"
    assert _stock(order) == before
