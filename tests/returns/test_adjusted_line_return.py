"""A return of an item whose price was adjusted gives back what is still paid for it: the difference
already paid back comes off its units, so the line never gives back more than it cost."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.core.actors import Actor
from shopdesk.payments.enums import RefundLineKind
from shopdesk.payments.models import RefundLine
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from shopdesk.selfservice.services.price_adjustment import price_adjustment_request
from tests.orders.test_services_states import shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.selfservice.price_adjustment_fixtures import price_set

pytestmark = pytest.mark.django_db
STORE = Actor.integration("warehouse")


def _return_both_shirts(order, resolution: str = "refund"):  # type: ignore[no-untyped-def]
    return return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(shirt_line(order).pk, 2, "too_small", resolution=resolution)],
        method="label",
    )


@pytest.mark.parametrize(
    ("resolution", "less"),
    # As store credit the bonus (10% of what the items give back) is on what is still paid too.
    [("refund", "20.00"), ("store_credit", "22.00")],
)
def test_the_estimate_leaves_out_the_difference_already_paid_back(resolution: str, less: str) -> None:
    plain = _return_both_shirts(delivered_shirt_and_scarf(), resolution).data["refund_estimate"]
    order = delivered_shirt_and_scarf()
    price_set(shirt_line(order), "39.00")
    assert (
        price_adjustment_request(
            order=order, line_id=shirt_line(order).pk, actor=Actor.customer(order.email)
        ).data["amount"]
        == "20.00"
    )
    adjusted = _return_both_shirts(order, resolution).data["refund_estimate"]
    if resolution == "store_credit":
        plain, adjusted = plain["store_credit"], adjusted["store_credit"]
    lines = [line for line in adjusted["lines"] if line["kind"] == RefundLineKind.PRICE_ADJUSTMENT]
    assert [line["amount"] for line in lines] == ["-20.00"]
    assert Decimal(plain["total"]) - Decimal(adjusted["total"]) == Decimal(less)


def test_the_inspected_return_and_the_adjustment_give_back_the_line_exactly() -> None:
    order = delivered_shirt_and_scarf()
    shirt = shirt_line(order)
    price_set(shirt, "39.00")
    price_adjustment_request(order=order, line_id=shirt.pk, actor=Actor.customer(order.email))
    rma = _return_both_shirts(order).data["rma"]
    return_mark_received(rma=rma, actor=STORE)
    return_inspect(rma=rma, actor=STORE, lines=[InspectionLine(shirt.pk, "accepted")])
    shirt_money = RefundLine.objects.filter(order_line_id=shirt.pk).values_list("amount", flat=True)
    assert sum(shirt_money, Decimal(0)) == Decimal("88.00")  # 2 × $49.00 less the $10.00 coupon share
