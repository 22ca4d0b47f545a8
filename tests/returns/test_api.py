"""The returns API: the owner starts and reads returns; another customer gets 404; nobody signed in gets 401;
the warehouse (store token) marks them received and records the inspection, which makes the refund."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from shopdesk.api.auth import token_create
from shopdesk.orders.models import Order, OrderLine
from shopdesk.payments.models import Payment, Refund
from shopdesk.returns.models import ReturnRequest
from tests.orders.test_services_states import scarf_line, shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf

pytestmark = pytest.mark.django_db
BASE = "/api/v1/customer/orders"


def _bearer(order: Order) -> dict[str, str]:
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def _store() -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(name='warehouse').secret}"}


def _post(client: Client, url: str, body: dict, headers: dict[str, str], **extra: str):
    return client.post(url, body, content_type="application/json", **headers, **extra)


def _body(order: Order, **line: object) -> dict:
    return {
        "lines": [{"line_id": shirt_line(order).pk, "quantity": 1, "reason": "too_small", **line}],
        "method": "label",
    }


def test_eligibility_lists_each_line_and_the_policy_reasons(client: Client, delivered_order: Order):
    order = delivered_order
    OrderLine.objects.filter(pk=scarf_line(order).pk).update(return_flags=["final_sale"])
    response = client.get(f"{BASE}/{order.number}/returns/eligibility", **_bearer(order))
    assert response.status_code == 200, response.content
    body = response.json()
    lines = {line["line_id"]: line for line in body["lines"]}
    assert lines[shirt_line(order).pk]["returnable"] and lines[shirt_line(order).pk]["last_day"]
    scarf = lines[scarf_line(order).pk]
    assert (scarf["returnable"], scarf["code"]) == (False, "final_sale") and scarf["message"]
    assert {"code": "too_small", "label": "Too small"} in body["reasons"]


def test_start_answers_201_then_the_same_key_answers_200_with_the_same_body(client: Client, delivered_order):
    order = delivered_order
    headers = _bearer(order)
    first = _post(client, f"{BASE}/{order.number}/returns", _body(order), headers, HTTP_IDEMPOTENCY_KEY="abc")
    assert first.status_code == 201, first.content
    body = first.json()
    assert set(body) >= {"rma", "status", "lines", "refund_estimate", "slip_url"}
    assert body["status"] == "approved" and body["slip_url"].endswith(f"/returns/{body['rma']}/slip/")
    estimate = body["refund_estimate"]
    assert sum(Decimal(line["amount"]) for line in estimate["lines"]) == Decimal(estimate["total"])
    again = _post(client, f"{BASE}/{order.number}/returns", _body(order), headers, HTTP_IDEMPOTENCY_KEY="abc")
    assert again.status_code == 200 and again.json() == body
    assert ReturnRequest.objects.count() == 1


def test_an_ineligible_line_is_422_naming_the_line_and_its_code(client: Client, delivered_order: Order):
    order = delivered_order
    OrderLine.objects.filter(pk=scarf_line(order).pk).update(return_flags=["hygiene"])
    body = {
        "lines": [
            {"line_id": shirt_line(order).pk, "quantity": 1, "reason": "too_small"},
            {"line_id": scarf_line(order).pk, "quantity": 1, "reason": "too_small"},
        ],
        "method": "own_carrier",
    }
    response = _post(client, f"{BASE}/{order.number}/returns", body, _bearer(order))
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["fields"] == [
        {"field": "lines[1]", "code": "hygiene", "message": error["fields"][0]["message"]}
    ]
    assert not ReturnRequest.objects.exists()


def test_the_owner_reads_the_return_with_its_timeline(client: Client, delivered_order: Order):
    order = delivered_order
    headers = _bearer(order)
    rma = _post(client, f"{BASE}/{order.number}/returns", _body(order), headers).json()["rma"]
    response = client.get(f"{BASE}/{order.number}/returns/{rma}", **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rma"] == rma and body["status"] == "approved"
    assert [event["status"] for event in body["timeline"]] == ["requested", "approved"]


def test_the_order_view_lists_return_start(client: Client, delivered_order: Order):
    order = delivered_order
    view = client.get(f"{BASE}/{order.number}", **_bearer(order)).json()
    assert view["actions"]["return_start"]["allowed"] is True
    assert view["actions"]["return_start"]["code"] == "returnable"


@pytest.mark.parametrize("endpoint", ["eligibility", "start", "detail"])
def test_another_customer_gets_the_same_404_as_a_missing_order(client: Client, delivered_order, endpoint):
    order = delivered_order
    rma = _post(client, f"{BASE}/{order.number}/returns", _body(order), _bearer(order)).json()["rma"]
    stranger = _bearer(delivered_shirt_and_scarf())

    def call(number: str):
        if endpoint == "eligibility":
            return client.get(f"{BASE}/{number}/returns/eligibility", **stranger)
        if endpoint == "start":
            return _post(client, f"{BASE}/{number}/returns", _body(order), stranger)
        return client.get(f"{BASE}/{number}/returns/{rma}", **stranger)

    theirs, missing = call(order.number), call("KW99999999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert ReturnRequest.objects.count() == 1


def test_an_rma_of_another_order_is_not_found_on_mine(client: Client, delivered_order: Order):
    mine = delivered_order
    other = delivered_shirt_and_scarf()
    rma = _post(client, f"{BASE}/{other.number}/returns", _body(other), _bearer(other)).json()["rma"]
    response = client.get(f"{BASE}/{mine.number}/returns/{rma}", **_bearer(mine))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "returns/eligibility"), ("post", "returns"), ("get", "returns/RMA-23456789")],
)
def test_nobody_signed_in_gets_401(client: Client, delivered_order: Order, method, path):
    order = delivered_order
    url = f"{BASE}/{order.number}/{path}"
    response = client.get(url) if method == "get" else _post(client, url, _body(order), {})
    assert response.status_code == 401


# --- the store side ------------------------------------------------------------------------------
def _started(client: Client, order: Order, body: dict | None = None) -> str:
    response = _post(
        client, f"{BASE}/{order.number}/returns", body or _body(order, quantity=2), _bearer(order)
    )
    assert response.status_code == 201, response.content
    return response.json()["rma"]


def test_the_store_api_needs_its_token(client: Client, delivered_order: Order):
    rma = _started(client, delivered_order)
    customer = _bearer(delivered_order)
    assert _post(client, f"/api/v1/store/returns/{rma}/received", {}, {}).status_code == 401
    assert _post(client, f"/api/v1/store/returns/{rma}/received", {}, customer).status_code == 401


def test_inspection_with_a_deduction_makes_one_refund_whose_lines_sum(client: Client, delivered_order: Order):
    order = delivered_order
    store = _store()
    rma = _started(client, order)
    received = _post(client, f"/api/v1/store/returns/{rma}/received", {}, store)
    assert received.status_code == 200 and received.json()["status"] == "received"
    inspection = {
        "lines": [
            {
                "line_id": shirt_line(order).pk,
                "outcome": "deducted",
                "deduction": "4.90",
                "reason": "tags missing",
            }
        ]
    }
    done = _post(client, f"/api/v1/store/returns/{rma}/inspection", inspection, store)
    assert done.status_code == 201, done.content
    assert done.json()["status"] == "refunded"
    assert done.json()["refund"]["expected_by"]  # from the card's refund days in the policy
    refund = Refund.objects.get(order=order)
    amounts = list(refund.lines.values_list("kind", "amount"))
    # Two shirts $98, less their whole $10 coupon share, less $4.90 tags missing, less the $6.95 label.
    assert dict(amounts)["restocking_fee"] == Decimal("-4.90")
    assert refund.amount == sum(amount for _, amount in amounts) == Decimal("76.15")
    assert Payment.objects.get(order=order).amount_refunded == Decimal("76.15")
    assert OrderLine.objects.get(pk=shirt_line(order).pk).quantity_returned == 2
    again = _post(client, f"/api/v1/store/returns/{rma}/inspection", inspection, store)
    assert again.status_code == 200 and again.json()["refund"] == done.json()["refund"]
    assert Refund.objects.filter(order=order).count() == 1
    other = {"lines": [{"line_id": shirt_line(order).pk, "outcome": "accepted", "reason": ""}]}
    assert _post(client, f"/api/v1/store/returns/{rma}/inspection", other, store).status_code == 409
    customer_view = client.get(f"{BASE}/{order.number}/returns/{rma}", **_bearer(order)).json()
    assert customer_view["status"] == "refunded" and customer_view["inspection"]["refund"]["total"] == "76.15"


def test_a_rejected_line_gives_nothing_back_and_closes_the_return(client: Client, delivered_order: Order):
    order = delivered_order
    store = _store()
    rma = _started(client, order)
    _post(client, f"/api/v1/store/returns/{rma}/received", {}, store)
    inspection = {"lines": [{"line_id": shirt_line(order).pk, "outcome": "rejected", "reason": "worn"}]}
    done = _post(client, f"/api/v1/store/returns/{rma}/inspection", inspection, store)
    assert done.status_code == 201 and done.json()["status"] == "closed"
    assert not Refund.objects.filter(order=order).exists()
    assert OrderLine.objects.get(pk=shirt_line(order).pk).quantity_returned == 0


def test_inspection_before_the_parcel_is_received_is_refused(client: Client, delivered_order: Order):
    order = delivered_order
    rma = _started(client, order)
    inspection = {"lines": [{"line_id": shirt_line(order).pk, "outcome": "accepted", "reason": ""}]}
    response = _post(client, f"/api/v1/store/returns/{rma}/inspection", inspection, _store())
    assert response.status_code == 409 and response.json()["error"]["code"] == "return_not_received"
    assert not Refund.objects.exists()


def test_a_deduction_above_the_item_price_is_422(client: Client, delivered_order: Order):
    order = delivered_order
    store = _store()
    rma = _started(client, order)
    _post(client, f"/api/v1/store/returns/{rma}/received", {}, store)
    inspection = {
        "lines": [{"line_id": shirt_line(order).pk, "outcome": "deducted", "deduction": "500", "reason": "x"}]
    }
    response = _post(client, f"/api/v1/store/returns/{rma}/inspection", inspection, store)
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["code"] == "bad_deduction"
    assert not Refund.objects.exists()


def test_an_unknown_rma_is_404_on_the_store_api(client: Client, db: None):
    assert _post(client, "/api/v1/store/returns/RMA-ZZZZZZZZ/received", {}, _store()).status_code == 404


def test_the_owner_cancels_a_return_before_sending_it_and_strangers_cannot(client: Client, delivered_order):
    order = delivered_order
    rma = _started(client, order)
    url = f"{BASE}/{order.number}/returns/{rma}/cancel"
    assert _post(client, url, {}, {}).status_code == 401
    assert _post(client, url, {}, _bearer(delivered_shirt_and_scarf())).status_code == 404
    assert ReturnRequest.objects.get(rma=rma).status == "approved"
    done = _post(client, url, {}, _bearer(order))
    assert done.status_code == 200 and done.json()["status"] == "cancelled"
    assert done.json()["cancellable"] is False
    assert _post(client, url, {}, _bearer(order)).status_code == 200  # again: already cancelled


def test_a_return_on_its_way_back_can_not_be_cancelled(client: Client, delivered_order: Order):
    order = delivered_order
    rma = _started(client, order)
    _post(client, f"/api/v1/store/returns/{rma}/received", {}, _store())
    response = _post(client, f"{BASE}/{order.number}/returns/{rma}/cancel", {}, _bearer(order))
    assert response.status_code == 409 and response.json()["error"]["code"] == "return_not_cancellable"


def test_the_eligibility_preview_reads_a_fixed_number_of_queries(
    client: Client, delivered_order: Order, django_assert_max_num_queries
):
    order = delivered_order
    headers = _bearer(order)
    with django_assert_max_num_queries(12):  # session, order, lines, deliveries, open returns
        response = client.get(f"{BASE}/{order.number}/returns/eligibility", **headers)
    assert response.status_code == 200


def test_the_timeline_follows_the_parcel_back_and_cancelling_stops_once_it_travels(
    client: Client, delivered_order
):
    order = delivered_order
    store = _store()
    rma = _started(client, order)
    moving = _post(client, f"/api/v1/store/returns/{rma}/in-transit", {}, store)
    assert moving.status_code == 200 and moving.json()["status"] == "in_transit"
    assert _post(client, f"/api/v1/store/returns/{rma}/in-transit", {}, store).json()["replayed"] is True
    cancel = _post(client, f"{BASE}/{order.number}/returns/{rma}/cancel", {}, _bearer(order))
    assert cancel.status_code == 409
    _post(client, f"/api/v1/store/returns/{rma}/received", {}, store)
    timeline = client.get(f"{BASE}/{order.number}/returns/{rma}", **_bearer(order)).json()["timeline"]
    assert [event["status"] for event in timeline] == ["requested", "approved", "in_transit", "received"]
