"""Order portal pages: lookup, order page with its diagnosis panels, cases, sign out, and who sees what."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from shopdesk.orders.models import Order
from tests import factories
from tests.html import only_package_scripts
from tests.situations import *  # noqa: F403 (the situation fixtures, found by name)
from tests.situations import EXPECTED_DIAGNOSIS


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def sign_in(client: Client, order: Order) -> None:
    response = client.post("/orders/", {"order_number": order.number.lower(), "email": order.email})
    assert response.status_code == 302, response.content


@pytest.mark.django_db
@pytest.mark.parametrize("situation", sorted(EXPECTED_DIAGNOSIS))
def test_page_shows_each_situations_diagnosis(
    situation: str, request: pytest.FixtureRequest, client: Client
) -> None:
    order = request.getfixturevalue(situation)
    sign_in(client, order)
    response = client.get(f"/orders/{order.number}/")
    assert response.status_code == 200
    html = response.content.decode()
    codes = re.findall(r'data-code="([a-z_]+)"', html)
    expected = EXPECTED_DIAGNOSIS[situation]
    assert (expected in codes) if expected else codes == []
    assert 'id="summary"' in html and "<h1>Order " in html


def test_lookup_then_order_page(order_with_split_shipment: Order, client: Client) -> None:
    order = order_with_split_shipment
    response = client.post(
        "/orders/", {"order_number": f" #{order.number[2:]} ", "email": order.email.upper()}
    )
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.number}/"
    html = client.get(response["Location"]).content.decode()
    assert "Venlo (Netherlands)" in html and "Edison, New Jersey (USA)" in html
    assert "$98.00" in html and "ending 4242" in html
    assert "https://www.ups.com/track?tracknum=" in html
    assert "Log out" in html
    assert only_package_scripts(html) and "style=" not in html  # the CSP allows no inline code


def test_failed_lookup_says_the_same_for_number_and_email(unfulfilled_order: Order, client: Client) -> None:
    wrong_email = client.post("/orders/", {"order_number": unfulfilled_order.number, "email": "x@y.example"})
    wrong_number = client.post("/orders/", {"order_number": "KW99999999", "email": unfulfilled_order.email})
    assert wrong_email.status_code == wrong_number.status_code == 404

    def message(response) -> str:  # type: ignore[no-untyped-def]
        return re.search(r'role="alert">([^<]+)<', response.content.decode()).group(1)

    assert message(wrong_email) == message(wrong_number)


def test_too_many_failures_get_a_friendly_429(unfulfilled_order: Order, client: Client) -> None:
    for attempt in range(8):
        client.post("/orders/", {"order_number": unfulfilled_order.number, "email": f"g{attempt}@x.example"})
    response = client.post(
        "/orders/", {"order_number": unfulfilled_order.number, "email": unfulfilled_order.email}
    )
    assert response.status_code == 429 and response["Retry-After"]
    assert "Too many attempts" in response.content.decode()


def test_bad_form_input_is_explained(db: None, client: Client) -> None:
    response = client.post("/orders/", {"order_number": "x" * 5000, "email": "not-an-email"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "errorlist" in html


@pytest.mark.parametrize("who", ["owner", "other_customer", "anonymous"])
def test_only_the_owner_sees_the_page(order_with_stale_tracking: Order, client: Client, who: str) -> None:
    order = order_with_stale_tracking
    if who == "owner":
        sign_in(client, order)
    elif who == "other_customer":
        sign_in(client, factories.OrderFactory())
    page = client.get(f"/orders/{order.number}/")
    emails = client.get(f"/orders/{order.number}/emails/")
    case = client.post(
        f"/orders/{order.number}/cases/", {"kind": "carrier_inquiry", "shipment": order.shipments.get().pk}
    )
    if who == "owner":
        assert page.status_code == 200 and emails.status_code == 200 and case.status_code == 302
        assert order.cases.count() == 1
    else:
        for response in (page, emails, case):
            assert response.status_code == 302 and response["Location"].startswith("/orders/?")
        assert order.cases.count() == 0


def test_pressing_the_case_button_shows_the_reference(order_lost: Order, client: Client) -> None:
    sign_in(client, order_lost)
    shipment = order_lost.shipments.get()
    response = client.post(
        f"/orders/{order_lost.number}/cases/", {"kind": "investigation", "shipment": shipment.pk}, follow=True
    )
    reference = order_lost.cases.get().reference
    assert reference in response.content.decode()


def test_log_out_ends_the_session(unfulfilled_order: Order, client: Client) -> None:
    sign_in(client, unfulfilled_order)
    assert client.get(f"/orders/{unfulfilled_order.number}/").status_code == 200
    client.post("/orders/logout/")
    assert client.get(f"/orders/{unfulfilled_order.number}/").status_code == 302


def test_magic_link_signs_in_to_the_list_of_orders(unfulfilled_order: Order, client: Client) -> None:
    from shopdesk.notifications.models import OutboxMessage

    factories.OrderFactory(customer=unfulfilled_order.customer, email=unfulfilled_order.email)
    assert client.post("/orders/link/", {"email": unfulfilled_order.email}).status_code == 200
    body = OutboxMessage.objects.get(template="magic_link").body_text
    path = re.search(r"(/orders/magic/[A-Za-z0-9_\-]+)", body).group(1)
    assert client.get(path).status_code == 200  # a mail scanner opening the link does not use it
    response = client.post(path)
    assert response.status_code == 302 and response["Location"] == "/orders/mine/"
    html = client.get("/orders/mine/").content.decode()
    assert html.count('class="panel"><a href="/orders/KW') == 2
    assert client.post(path).status_code == 410


def test_tracking_number_page(db: None, client: Client) -> None:
    html = client.get("/orders/tracking/", {"number": "1Z999AA10123456785"}).content.decode()
    assert "check digit" in html


def test_cached_page_follows_changes_and_never_shares_a_csrf_token(order_in_transit: Order) -> None:
    from django.test import Client as BrowserClient

    first, second = BrowserClient(), BrowserClient()
    sign_in(first, order_in_transit)
    sign_in(second, order_in_transit)
    before = first.get(f"/orders/{order_in_transit.number}/").content.decode()
    other = second.get(f"/orders/{order_in_transit.number}/").content.decode()

    def token(html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    assert token(before) != token(other)
    assert "csrf-placeholder" not in before
    shipment = order_in_transit.shipments.get()
    factories.TrackingEventFactory(
        shipment=shipment, status="out_for_delivery", description="With the driver today"
    )
    after = first.get(f"/orders/{order_in_transit.number}/").content.decode()
    assert "With the driver today" in after and "With the driver today" not in before


def test_my_orders_needs_a_session(db: None, client: Client) -> None:
    response = client.get("/orders/mine/")
    assert response.status_code == 302 and response["Location"] == "/orders/"
