"""The refund explained from its own lines, in the order view and the refunds API; a dispute opens one case
with the questioned lines, for the owner only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.payments.models import Refund
from shopdesk.returns.refund_explanations import refunds_explained
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from shopdesk.shipping.models import Case, CaseKind
from tests.orders.test_services_states import shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf

pytestmark = pytest.mark.django_db
STORE = Actor.integration("warehouse")


def _refunded_with_deduction(order: Order) -> Refund:
    shirt = shirt_line(order)
    created = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(shirt.pk, 1, "changed_mind")],
        method="label",
    )
    return_mark_received(rma=created.data["rma"], actor=STORE)
    return_inspect(
        rma=created.data["rma"],
        actor=STORE,
        lines=[InspectionLine(shirt.pk, "deducted", reason="tags missing", deduction=Decimal("4.90"))],
    )
    return Refund.objects.get(order=order)


def _bearer(order: Order) -> dict[str, str]:
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def test_the_explanation_reads_the_refunds_own_figures(delivered_order):
    order = delivered_order
    refund = _refunded_with_deduction(order)
    # $49 shirt − $5 coupon share − $4.90 tags − $6.95 label = $32.15
    assert refund.amount == Decimal("32.15")
    [explained] = refunds_explained(order=order)
    text = explained["explanation"]
    assert text.startswith("$123.95 paid: $98.00 Linen shirt, $30.00 Wool scarf, $5.95 shipping")
    assert "Refunded $32.15 to your Visa ending 4242: $49.00 1 × Linen shirt − $5.00 coupon discount" in text
    assert "− $4.90 deduction on Linen shirt (tags missing) − $6.95 return label" in text
    assert "shipping not refunded (changed my mind)" in text
    assert sum(Decimal(line["amount"]) for line in explained["lines"]) == refund.amount


def test_the_order_view_lists_refunds_with_lines_that_sum_and_the_explanation(
    client: Client, delivered_order
):
    order = delivered_order
    refund = _refunded_with_deduction(order)
    body = client.get(f"/api/v1/customer/orders/{order.number}", **_bearer(order)).json()
    [listed] = body["refunds"]
    assert {"kind", "description", "amount"} <= set(listed["lines"][0])
    assert sum(Decimal(line["amount"]) for line in listed["lines"]) == refund.amount
    assert "Refunded $32.15" in listed["explanation"]
    assert body["actions"]["refund_dispute"]["allowed"] is True


def test_a_dispute_opens_one_case_with_the_questioned_lines(client: Client, delivered_order):
    order = delivered_order
    refund = _refunded_with_deduction(order)
    url = f"/api/v1/customer/orders/{order.number}/refunds/{refund.pk}/dispute"
    body = {"lines": [2], "message": "The tags were on the shirt."}
    first = client.post(url, body, content_type="application/json", **_bearer(order))
    again = client.post(url, body, content_type="application/json", **_bearer(order))

    assert first.status_code == 201, first.content
    assert again.status_code == 200 and again.json()["reference"] == first.json()["reference"]
    case = Case.objects.get(refund=refund)
    assert case.kind == CaseKind.REFUND_DISPUTE and case.shipment is None
    assert [line["description"] for line in case.details["questioned"]] == [
        "Deduction on Linen shirt (tags missing)"
    ]
    assert len(case.details["refund"]["lines"]) == refund.lines.count()


def test_a_dispute_is_refused_for_strangers_and_bad_lines(client: Client, delivered_order):
    order = delivered_order
    refund = _refunded_with_deduction(order)
    url = f"/api/v1/customer/orders/{order.number}/refunds/{refund.pk}/dispute"
    assert client.post(url, {}, content_type="application/json").status_code == 401
    other = delivered_shirt_and_scarf()
    stranger = client.post(url, {}, content_type="application/json", **_bearer(other))
    assert stranger.status_code == 404
    wrong_refund = f"/api/v1/customer/orders/{other.number}/refunds/{refund.pk}/dispute"
    assert client.post(wrong_refund, {}, content_type="application/json", **_bearer(other)).status_code == 409
    bad = client.post(url, {"lines": [99]}, content_type="application/json", **_bearer(order))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "unknown_refund_line"
    assert not Case.objects.exists()
    listed = client.get(f"/api/v1/customer/orders/{order.number}/refunds", **_bearer(other))
    assert listed.status_code == 404
