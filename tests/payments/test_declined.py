"""Declined payments explained (order page and API), and `pay_again` with the store's payment_url."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.test import Client, override_settings

from shopdesk.access.services import session_open_by_lookup
from shopdesk.orders.models import Order
from shopdesk.payments.declines import decline_explain
from shopdesk.payments.enums import PaymentState
from tests import factories
from tests.integration import fixtures
from tests.integration.payloads import StoreClient, order_payload

pytestmark = pytest.mark.django_db
BASE = "/api/v1/customer/orders"
PAY_URL = "https://pay.kwoking.example/orders/abc123?token=t0k"
store = fixtures.store
store_with_product = fixtures.store_with_product
store_with_order = fixtures.store_with_order


def declined_order(*, code: str = "insufficient_funds", payment_url: str = "", hold: str = "0") -> Order:
    order = factories.OrderFactory(payment_url=payment_url)
    factories.OrderLineFactory(order=order, unit_price=Decimal("49.00"))
    factories.OrderLineFactory(order=order, unit_price=Decimal("49.00"))
    factories.PaymentFactory(
        order=order,
        state=PaymentState.DECLINED,
        decline_code=code,
        amount_authorised=Decimal(hold),
        amount_captured=Decimal("0"),
    )
    return order


def bearer(order: Order) -> dict[str, str]:
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def test_decline_in_plain_words_nothing_taken() -> None:
    order = declined_order(code="expired_card")
    found = decline_explain(order=order, payments=list(order.payments.all()), now=order.placed_at)
    assert found is not None
    assert found.reason == "The card has expired"
    assert found.advice == "Check the expiry date, or pay with another card."
    assert not found.charged and found.hold == 0 and found.hold_released_by is None
    assert found.money_message.startswith("No money left your account")
    assert f"contact us with your order number, {order.number}" in found.next_step


@time_machine.travel(dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC), tick=False)
def test_a_hold_left_by_the_attempt_drops_off_by_a_date() -> None:
    order = declined_order(code="do_not_honor", hold="98.00", payment_url=PAY_URL)
    found = decline_explain(order=order, payments=list(order.payments.all()), now=dt.datetime.now(dt.UTC))
    assert found is not None
    assert found.hold == Decimal("98.00")
    assert found.hold_released_by == dt.date(2026, 3, 17)  # policy: authorisation_release_days = 7
    assert "a hold of $98.00" in found.money_message
    assert "drops off by Tuesday, March 17 at the latest" in found.money_message
    assert found.can_pay_again and "pay again on our secure payment page" in found.next_step


def test_unknown_code_and_a_later_good_attempt() -> None:
    order = declined_order(code="weird_code_42")
    found = decline_explain(order=order, payments=list(order.payments.all()), now=order.placed_at)
    assert found is not None and found.code == "weird_code_42"
    assert "without telling us why" in found.reason
    factories.PaymentFactory(order=order)  # paid on a second attempt
    assert decline_explain(order=order, payments=list(order.payments.all()), now=order.placed_at) is None


def test_order_view_explains_and_never_says_being_prepared(client: Client) -> None:
    order = declined_order(code="insufficient_funds", payment_url=PAY_URL)
    body = client.get(f"{BASE}/{order.number}", **bearer(order)).json()
    assert body["status"]["payment"] == "declined"
    assert "preparing" not in body["summary"] and "declined" in body["summary"]
    assert body["unshipped"]["ship_by"] is None
    declined = body["payment_issue"]["declined"]
    assert declined["code"] == "insufficient_funds"
    assert declined["reason"].startswith("Your bank said the account does not have enough funds")
    assert declined["charged"] is False and declined["can_pay_again"] is True
    assert body["actions"]["pay_again"]["allowed"] is True
    assert PAY_URL not in str(body)  # the link itself comes from the action only


def test_pay_again_as_owner_other_customer_and_anonymous(client: Client) -> None:
    order = declined_order(payment_url=PAY_URL)
    stranger = declined_order(payment_url="https://pay.kwoking.example/other")
    url = f"{BASE}/{order.number}/pay-again"

    mine = client.post(url, **bearer(order))
    assert mine.status_code == 200, mine.content
    assert mine.json()["result"]["payment_url"] == PAY_URL

    theirs = client.post(url, **bearer(stranger))
    assert theirs.status_code == 404 and PAY_URL not in theirs.content.decode()
    nobody = client.post(url)
    assert nobody.status_code == 401 and PAY_URL not in nobody.content.decode()


def test_pay_again_refused_without_a_link_and_once_paid(client: Client) -> None:
    no_link = declined_order()
    refused = client.post(f"{BASE}/{no_link.number}/pay-again", **bearer(no_link))
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "no_pay_link"
    paid = declined_order(payment_url=PAY_URL)
    factories.PaymentFactory(order=paid)  # a second attempt went through
    answer = client.post(f"{BASE}/{paid.number}/pay-again", **bearer(paid))
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "already_paid"


def test_order_page_shows_the_explanation_and_redirects_to_the_pay_link(client: Client) -> None:
    order = declined_order(code="authentication_failed", payment_url=PAY_URL)
    assert client.post("/orders/", {"order_number": order.number, "email": order.email}).status_code == 302
    html = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="payment-declined"' in html
    assert "The 3-D Secure check with your bank was not completed." in html
    assert f'href="/orders/{order.number}/pay-again/"' in html
    assert "We are preparing" not in html
    jump = client.get(f"/orders/{order.number}/pay-again/")
    assert jump.status_code == 302 and jump["Location"] == PAY_URL
    assert jump["Referrer-Policy"] == "no-referrer"


def test_another_customers_pay_again_page_never_redirects_to_their_link(client: Client) -> None:
    order = declined_order(payment_url=PAY_URL)
    mine = declined_order()
    assert client.post("/orders/", {"order_number": mine.number, "email": mine.email}).status_code == 302
    response = client.get(f"/orders/{order.number}/pay-again/")
    assert response.status_code == 302 and PAY_URL not in response["Location"]


def test_store_sends_payment_url_with_the_order(store_with_product: StoreClient) -> None:
    payload = {**order_payload(), "payment_url": PAY_URL}
    assert store_with_product.put("/orders/KW00000001", payload).status_code == 201
    assert Order.objects.get(number="KW00000001").payment_url == PAY_URL
    # Omitted: kept. "": removed.
    assert store_with_product.put("/orders/KW00000001", order_payload()).status_code == 200
    assert Order.objects.get(number="KW00000001").payment_url == PAY_URL
    store_with_product.put("/orders/KW00000001", {**order_payload(), "payment_url": ""})
    assert Order.objects.get(number="KW00000001").payment_url == ""


@pytest.mark.parametrize(
    "bad",
    [
        "http://pay.kwoking.example/x",
        "javascript:alert(1)",
        "https://user:secret@pay.kwoking.example/",
        "https:///nohost",
        "https://pay.kwoking.example/a b",
        "https://pay.kwoking.example/" + "x" * 500,
    ],
)
def test_a_bad_payment_url_is_a_422_and_changes_nothing(store_with_order: StoreClient, bad: str) -> None:
    response = store_with_order.put("/orders/KW00000001", {**order_payload(), "payment_url": bad})
    assert response.status_code == 422, response.content
    assert response.json()["error"]["fields"][0]["field"] == "payment_url"
    assert Order.objects.get(number="KW00000001").payment_url == ""


@override_settings(DEBUG=True)
def test_http_is_accepted_while_debug_is_on(store_with_product: StoreClient) -> None:
    payload = {**order_payload(), "payment_url": "http://127.0.0.1:9000/pay"}
    assert store_with_product.put("/orders/KW00000001", payload).status_code == 201
