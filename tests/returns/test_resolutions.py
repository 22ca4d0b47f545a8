"""Resolutions other than a refund: store credit with the bonus, issued once; an exchange for another size
with its price difference refunded or to pay, and its order; keeping a wrongly sent item."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from shopdesk.api.auth import token_create
from shopdesk.catalog.models import Variant
from shopdesk.core.actors import Actor
from shopdesk.core.errors import Conflict
from shopdesk.orders.models import Order
from shopdesk.payments.enums import RefundDestination, RefundStatus
from shopdesk.payments.models import Payment, Refund, StoreCreditEntry
from shopdesk.payments.store_credit import store_credit_balance
from shopdesk.returns.enums import ReturnStatus
from shopdesk.returns.errors import ReturnLinesRefused
from shopdesk.returns.exchange import return_exchange_order
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from tests.orders.test_services_states import scarf_line, shirt_line

pytestmark = pytest.mark.django_db
STORE = Actor.integration("warehouse")


def _start(order: Order, *lines: ReturnLineRequest, method: str = "label"):
    return return_create(order=order, actor=Actor.customer(order.email), lines=list(lines), method=method)


def _size(order: Order, size: str) -> Variant:
    return Variant.objects.get(product__variants__pk=shirt_line(order).variant_id, size=size)


def test_store_credit_gives_the_bonus_and_is_issued_once(delivered_order):
    order = delivered_order
    scarf = scarf_line(order)
    created = _start(order, ReturnLineRequest(scarf.pk, 1, "too_big", resolution="store_credit"))
    credit = created.data["refund_estimate"]["store_credit"]
    # $30 scarf, 10% bonus on it, the $6.95 label: 30 + 3 − 6.95.
    assert credit["total"] == "26.05"
    assert {line["kind"] for line in credit["lines"]} == {"item", "store_credit_bonus", "return_label"}
    assert created.data["refund_estimate"]["total"] == "0.00"

    rma = created.data["rma"]
    return_mark_received(rma=rma, actor=STORE)
    outcome = [InspectionLine(scarf.pk, "accepted")]
    first = return_inspect(rma=rma, actor=STORE, lines=outcome)
    again = return_inspect(rma=rma, actor=STORE, lines=outcome)

    assert again.replayed and again.data == first.data
    refund = Refund.objects.get(order=order)
    assert (refund.destination, refund.status, refund.amount) == (
        RefundDestination.STORE_CREDIT,
        RefundStatus.SUCCEEDED,
        Decimal("26.05"),
    )
    assert sum(line.amount for line in refund.lines.all()) == refund.amount
    assert StoreCreditEntry.objects.filter(customer=order.customer).count() == 1
    assert store_credit_balance(customer=order.customer) == Decimal("26.05")
    assert Payment.objects.get(order=order).amount_refunded == 0  # the card keeps the money
    # Credit is the customer's at once: nothing left to wait for, so the return closes (decision 0034).
    assert ReturnRequest.objects.get(rma=rma).status == ReturnStatus.CLOSED


def test_an_exchange_for_a_cheaper_size_refunds_the_difference(delivered_order):
    order = delivered_order
    shirt = shirt_line(order)
    Variant.objects.filter(pk=_size(order, "L").pk).update(price=Decimal("39.00"))
    created = _start(
        order,
        ReturnLineRequest(
            shirt.pk, 1, "too_small", resolution="exchange", exchange_sku=_size(order, "L").sku
        ),
    )
    exchange = created.data["refund_estimate"]["exchange"]
    # $49 paid less its $5 coupon share, for a $39 shirt: $5 back; exchanges ship back free.
    assert (exchange["difference"], exchange["to_pay"]) == ("5.00", "0.00")
    assert created.data["refund_estimate"]["total"] == "5.00"
    assert created.data["lines"][0]["exchange_for"] == "Linen shirt (Navy / L)"

    rma = created.data["rma"]
    return_mark_received(rma=rma, actor=STORE)
    return_inspect(rma=rma, actor=STORE, lines=[InspectionLine(shirt.pk, "accepted")])
    assert Payment.objects.get(order=order).amount_refunded == Decimal("5.00")

    placed = return_exchange_order(rma=rma, actor=STORE)
    replay = return_exchange_order(rma=rma, actor=STORE)
    new_order = Order.objects.get(number=placed.data["exchange_order_number"])
    assert replay.replayed and replay.data == placed.data
    assert [(line.sku, line.quantity) for line in new_order.lines.all()] == [(_size(order, "L").sku, 1)]
    assert new_order.total == 0 and new_order.customer_id == order.customer_id
    assert _size(order, "L").stock == 9
    with pytest.raises(Conflict) as clash:
        return_exchange_order(rma=rma, actor=STORE, order_number="SHOP-OTHER")
    assert clash.value.code == "exchange_already_recorded"


def test_an_exchange_for_a_pricier_size_is_paid_on_the_platform(delivered_order):
    order = delivered_order
    shirt = shirt_line(order)
    Variant.objects.filter(pk=_size(order, "L").pk).update(price=Decimal("59.00"))
    created = _start(
        order,
        ReturnLineRequest(
            shirt.pk, 1, "too_small", resolution="exchange", exchange_sku=_size(order, "L").sku
        ),
    )
    assert created.data["refund_estimate"]["exchange"]["to_pay"] == "15.00"
    rma = created.data["rma"]
    return_mark_received(rma=rma, actor=STORE)
    done = return_inspect(rma=rma, actor=STORE, lines=[InspectionLine(shirt.pk, "accepted")])

    assert done.data["exchange"]["to_pay"] == "15.00"
    assert not Refund.objects.filter(order=order).exists()
    assert ReturnRequest.objects.get(rma=rma).exchange_due == Decimal("15.00")
    # The platform created the order and tells us its number.
    reported = return_exchange_order(rma=rma, actor=STORE, order_number="KW-EX-1")
    assert reported.data["exchange_order_number"] == "KW-EX-1"
    assert not Order.objects.filter(number="KW-EX-1").exists()


def test_an_exchange_needs_the_size_in_stock_and_of_the_same_product(delivered_order):
    order = delivered_order
    shirt = shirt_line(order)
    Variant.objects.filter(pk=_size(order, "L").pk).update(stock=0)
    with pytest.raises(ReturnLinesRefused) as refused:
        _start(
            order,
            ReturnLineRequest(
                shirt.pk, 1, "too_small", resolution="exchange", exchange_sku=_size(order, "L").sku
            ),
        )
    assert refused.value.problems[0]["code"] == "exchange_out_of_stock"
    scarf_sku = scarf_line(order).sku
    with pytest.raises(ReturnLinesRefused) as refused:
        _start(
            order, ReturnLineRequest(shirt.pk, 1, "too_small", resolution="exchange", exchange_sku=scarf_sku)
        )
    assert refused.value.problems[0]["code"] == "exchange_sku_unknown"
    assert not ReturnRequest.objects.exists()


def test_a_wrongly_sent_item_is_kept_and_refunded_at_once(delivered_order):
    order = delivered_order
    scarf = scarf_line(order)
    created = _start(order, ReturnLineRequest(scarf.pk, 1, "wrong_item", resolution="keep"))

    found = ReturnRequest.objects.get(rma=created.data["rma"])
    assert found.status == ReturnStatus.REFUNDED
    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal("30.00")  # no label: nothing travels
    assert "keep the items" in created.data["message"]


def test_keep_is_refused_above_the_threshold_for_other_reasons(delivered_order):
    order = delivered_order
    with pytest.raises(ReturnLinesRefused) as refused:
        _start(order, ReturnLineRequest(scarf_line(order).pk, 1, "too_big", resolution="keep"))
    assert refused.value.problems[0]["code"] == "keep_not_offered"
    assert "12.00" in refused.value.problems[0]["message"]


def test_store_api_records_the_exchange_order_and_refuses_strangers(client: Client, delivered_order):
    order = delivered_order
    shirt = shirt_line(order)
    created = _start(
        order,
        ReturnLineRequest(
            shirt.pk, 1, "too_small", resolution="exchange", exchange_sku=_size(order, "S").sku
        ),
    )
    rma = created.data["rma"]
    url = f"/api/v1/store/returns/{rma}/exchange-order"
    assert client.post(url, {}, content_type="application/json").status_code == 401
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_create(name='warehouse').secret}"}
    early = client.post(url, {}, content_type="application/json", **headers)
    assert early.status_code == 409 and early.json()["error"]["code"] == "return_not_inspected"
    return_mark_received(rma=rma, actor=STORE)
    return_inspect(rma=rma, actor=STORE, lines=[InspectionLine(shirt.pk, "accepted")])
    made = client.post(url, {"order_number": "KW-9"}, content_type="application/json", **headers)
    assert made.status_code == 201, made.content
    assert made.json()["exchange_order_number"] == "KW-9"
    again = client.post(url, {"order_number": "KW-9"}, content_type="application/json", **headers)
    assert again.status_code == 200 and again.json()["replayed"] is True
