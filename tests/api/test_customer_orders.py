"""The customer order API: every shipping situation's diagnosis, cases, and who may see what."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from shopdesk.orders.models import Order
from shopdesk.shipping.models import Case
from tests import factories
from tests.situations import *  # noqa: F403 (the situation fixtures, found by name)
from tests.situations import EXPECTED_DIAGNOSIS


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def bearer(order: Order) -> dict[str, str]:
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


@pytest.mark.django_db
@pytest.mark.parametrize("situation", sorted(EXPECTED_DIAGNOSIS))
def test_api_shows_each_situations_diagnosis(
    situation: str, request: pytest.FixtureRequest, client: Client
) -> None:
    order = request.getfixturevalue(situation)
    response = client.get(f"/api/v1/customer/orders/{order.number}", **bearer(order))
    assert response.status_code == 200
    body = response.json()
    codes = [d["code"] for d in body["diagnoses"]]
    expected = EXPECTED_DIAGNOSIS[situation]
    assert (expected in codes) if expected else codes == []
    assert body["summary"]
    assert set(body["actions"]) >= {"cancel", "shipping_address", "change_email"}


def test_order_detail_has_everything_the_page_shows(order_with_split_shipment: Order, client: Client) -> None:
    body = client.get(
        f"/api/v1/customer/orders/{order_with_split_shipment.number}", **bearer(order_with_split_shipment)
    ).json()
    assert body["totals"]["total"]["display"] == "$98.00"
    assert body["payment"]["card_last4"] == "4242"
    first, second = body["packages"]
    assert (
        first["origin_name"] == "Edison, New Jersey (USA)" and second["origin_name"] == "Venlo (Netherlands)"
    )
    assert first["tracking_url"].startswith("https://www.ups.com/track?tracknum=")
    assert first["events"] and first["expected"]["latest"]
    assert {line["line"] for line in first["lines"]}.isdisjoint({line["line"] for line in second["lines"]})


@pytest.mark.parametrize("who", ["owner", "other_customer", "anonymous", "garbage_token"])
def test_only_the_owner_sees_the_order(order_with_stale_tracking: Order, client: Client, who: str) -> None:
    order = order_with_stale_tracking
    stranger = factories.OrderFactory()
    headers = {
        "owner": bearer(order),
        "other_customer": bearer(stranger),
        "anonymous": {},
        "garbage_token": {"HTTP_AUTHORIZATION": "Bearer not-a-token"},
    }[who]
    shipment = order.shipments.get()
    responses = [
        client.get(f"/api/v1/customer/orders/{order.number}", **headers),
        client.get(f"/api/v1/customer/orders/{order.number}/diagnoses/split_shipment", **headers),
        client.post(
            f"/api/v1/customer/orders/{order.number}/cases",
            {"kind": "carrier_inquiry", "shipment": shipment.pk},
            content_type="application/json",
            **headers,
        ),
    ]
    expected = {"owner": None, "other_customer": 404, "anonymous": 401, "garbage_token": 401}[who]
    for response in responses:
        if expected is None:
            assert response.status_code in (200, 201)
        else:
            assert response.status_code == expected
    assert Case.objects.exists() == (who == "owner")


def test_case_open_is_idempotent_and_shows_its_reference(
    order_with_stale_tracking: Order, client: Client
) -> None:
    order = order_with_stale_tracking
    headers = bearer(order)
    payload = {"kind": "carrier_inquiry", "shipment": order.shipments.get().pk}
    first = client.post(
        f"/api/v1/customer/orders/{order.number}/cases", payload, content_type="application/json", **headers
    )
    second = client.post(
        f"/api/v1/customer/orders/{order.number}/cases", payload, content_type="application/json", **headers
    )
    assert first.status_code == 201 and second.status_code == 200
    reference = first.json()["reference"]
    assert second.json()["reference"] == reference and reference.startswith("CS-")
    page = client.get(f"/api/v1/customer/orders/{order.number}", **headers).json()
    assert page["cases"][0]["reference"] == reference
    stale = next(d for d in page["diagnoses"] if d["code"] == "tracking_stale")
    assert reference in stale["message"] and stale["actions"] == []
    assert order.events.filter(kind="case_opened").count() == 1


def test_case_is_refused_when_no_diagnosis_calls_for_it(order_in_transit: Order, client: Client) -> None:
    response = client.post(
        f"/api/v1/customer/orders/{order_in_transit.number}/cases",
        {"kind": "investigation", "shipment": order_in_transit.shipments.get().pk},
        content_type="application/json",
        **bearer(order_in_transit),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "case_not_needed"
    assert not Case.objects.exists()


def test_case_on_another_orders_package_is_not_found(order_lost: Order, client: Client) -> None:
    other = factories.ShipmentFactory()
    response = client.post(
        f"/api/v1/customer/orders/{order_lost.number}/cases",
        {"kind": "investigation", "shipment": other.pk},
        content_type="application/json",
        **bearer(order_lost),
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("1z999aa1 0123 4567 84", "tracking_valid_format"),
        ("1Z999AA10123456785", "tracking_typo"),
        ("12345", "tracking_unrecognised"),
        ("<script>", "tracking_malformed"),
    ],
)
def test_tracking_number_check_needs_no_sign_in(db: None, client: Client, number: str, code: str) -> None:
    response = client.get(f"/api/v1/customer/tracking-numbers/{number}")
    assert response.status_code == 200
    assert response.json()["code"] == code


def test_topic_answers_and_unknown_topic(order_held_at_customs: Order, client: Client) -> None:
    headers = bearer(order_held_at_customs)
    base = f"/api/v1/customer/orders/{order_held_at_customs.number}/diagnoses"
    customs = client.get(f"{base}/customs_duties", **headers).json()["diagnoses"][0]
    assert customs["code"] == "held_at_customs"
    assert customs["facts"]["rate_percent"] == "20"
    fees = client.get(f"{base}/shipping_fees", **headers).json()["diagnoses"][0]
    assert fees["code"] == "shipping_fees" and fees["facts"]["free"] is True
    assert client.get(f"{base}/nonsense", **headers).status_code == 422


def test_cached_api_answer_follows_a_new_scan(order_in_transit: Order, client: Client) -> None:
    headers = bearer(order_in_transit)
    url = f"/api/v1/customer/orders/{order_in_transit.number}"
    before = client.get(url, **headers).json()
    factories.TrackingEventFactory(shipment=order_in_transit.shipments.get(), status="out_for_delivery")
    after = client.get(url, **headers).json()
    assert len(after["packages"][0]["events"]) == len(before["packages"][0]["events"]) + 1


@pytest.mark.parametrize("who", ["owner", "other_customer", "anonymous"])
def test_order_list_shows_only_the_sessions_orders(order_in_transit: Order, client: Client, who: str) -> None:
    stranger = factories.OrderFactory()
    headers = {"owner": bearer(order_in_transit), "other_customer": bearer(stranger), "anonymous": {}}[who]
    response = client.get("/api/v1/customer/orders", **headers)
    if who == "anonymous":
        assert response.status_code == 401
        return
    numbers = [row["number"] for row in response.json()]
    assert numbers == [order_in_transit.number if who == "owner" else stranger.number]


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "refund", "shipment": 1},
        {"kind": "investigation", "shipment": "one"},
        {"kind": "investigation"},
        {"kind": "investigation", "shipment": 1, "note": "x" * 10_000},
    ],
)
def test_bad_case_input_is_refused_and_changes_nothing(
    order_lost: Order, client: Client, payload: dict
) -> None:
    response = client.post(
        f"/api/v1/customer/orders/{order_lost.number}/cases",
        payload,
        content_type="application/json",
        **bearer(order_lost),
    )
    assert response.status_code == 422 and response.json()["error"]["fields"]
    assert not Case.objects.exists()


def test_oversized_magic_link_email_is_refused(db: None, client: Client) -> None:
    response = client.post(
        "/api/v1/customer/magic-link", {"email": "a" * 300 + "@x.example"}, content_type="application/json"
    )
    assert response.status_code == 422
