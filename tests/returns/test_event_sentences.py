"""The sentences a return's timeline shows for money give it in the store's format ($98.00)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from shopdesk.core.actors import Actor
from shopdesk.policy.money import money_text
from shopdesk.returns.enums import ReturnEventKind
from shopdesk.returns.models import ReturnEvent
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from tests.orders.test_services_states import shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf

pytestmark = pytest.mark.django_db
STORE = Actor.integration("warehouse")


@pytest.mark.parametrize(
    ("resolution", "kind", "sentence"),
    [
        ("refund", ReturnEventKind.REFUND_CREATED, "Refund of {} recorded."),
        ("store_credit", ReturnEventKind.STORE_CREDIT_ISSUED, "Store credit of {} added to your balance."),
    ],
)
def test_the_money_events_say_the_amount_as_money(resolution: str, kind: str, sentence: str) -> None:
    order = delivered_shirt_and_scarf()
    shirt = shirt_line(order)
    rma = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(shirt.pk, 1, "too_small", resolution=resolution)],
        method="label",
    ).data["rma"]
    return_mark_received(rma=rma, actor=STORE)
    return_inspect(rma=rma, actor=STORE, lines=[InspectionLine(shirt.pk, "accepted")])

    event = ReturnEvent.objects.get(return_request__rma=rma, kind=kind)
    amount = Decimal(event.data["amount"])
    assert amount > 0
    assert event.message == sentence.format(money_text(amount, order.currency))
    assert re.search(r"\$\d+\.\d\d", event.message)
