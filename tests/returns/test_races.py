"""Return races on PostgreSQL (skipped on SQLite, whose IMMEDIATE transactions serialise writers):
20 inspections of one return at once make one refund; two tabs returning the same item make one return."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from shopdesk.core.actors import Actor
from shopdesk.payments.models import Payment, Refund
from shopdesk.returns.enums import ReturnStatus
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from tests.orders.test_services_states import scarf_line, shirt_line
from tests.races.conftest import race, server_errors
from tests.returns.conftest import delivered_shirt_and_scarf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
STORE = Actor.integration("warehouse")


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")


def test_twenty_concurrent_inspections_make_one_refund():
    order = delivered_shirt_and_scarf()
    shirt = shirt_line(order)
    created = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(line_id=shirt.pk, quantity=2, reason="too_small")],
        method="label",
    )
    return_mark_received(rma=created.data["rma"], actor=STORE)
    lines = [InspectionLine(line_id=shirt.pk, outcome="deducted", deduction=Decimal("4.90"), reason="tags")]

    results = race([lambda: return_inspect(rma=created.data["rma"], actor=STORE, lines=lines)] * 20)

    assert server_errors(results) == []
    assert sum(1 for r in results if not isinstance(r, Exception) and not r.replayed) == 1
    assert all(not isinstance(r, Exception) for r in results)
    assert Refund.objects.filter(order=order).count() == 1
    payment = Payment.objects.get(order=order)
    assert payment.amount_refunded == Decimal("76.15") <= payment.amount_captured
    shirt.refresh_from_db()
    assert shirt.quantity_returned == 2
    assert ReturnRequest.objects.get(rma=created.data["rma"]).status == ReturnStatus.REFUNDED


def test_two_tabs_returning_the_same_item_make_one_return():
    order = delivered_shirt_and_scarf()
    lines = [ReturnLineRequest(line_id=scarf_line(order).pk, quantity=1, reason="too_big")]

    def tab(key: str):
        return return_create(
            order=order, actor=Actor.customer(order.email), lines=lines, method="label", idempotency_key=key
        )

    results = race([lambda: tab("tab-a"), lambda: tab("tab-b")])

    assert server_errors(results) == []
    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    refused = [r for r in results if isinstance(r, Exception)]
    assert refused[0].problems[0]["code"] == "return_in_progress"
    assert ReturnRequest.objects.filter(order=order).count() == 1
