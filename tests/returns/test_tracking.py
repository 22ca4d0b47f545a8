"""A return sent with the customer's own carrier: its tracking number is checked like every tracking number
(carrier format, check digit), given at creation or afterwards; the carrier's scans move it in transit and
show on the return; another customer and nobody signed in can't set it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from shopdesk.api.auth import token_create
from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.orders.models import Order
from shopdesk.returns.enums import ReturnEventKind, ReturnStatus
from shopdesk.returns.models import ReturnRequest, ReturnTrackingScan
from shopdesk.returns.tracking import return_tracking_set
from shopdesk.shipping.tracking_number_check import tracking_number_check
from tests.orders.test_services_states import shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.returns.follow_fixtures import return_of
from tests.situations import VALID_UPS_NUMBER

pytestmark = pytest.mark.django_db
BASE = "/api/v1/customer/orders"
FEDEX_NUMBER = "986578788855"
UPS_TYPO = VALID_UPS_NUMBER[:-1] + "5"


def _bearer(order: Order) -> dict[str, str]:
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}


def _store() -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(name='carrier sync').secret}"}


def _start(client: Client, order: Order, headers: dict[str, str], **extra: object):
    body = {
        "lines": [{"line_id": shirt_line(order).pk, "quantity": 1, "reason": "too_small"}],
        "method": "own_carrier",
        **extra,
    }
    return client.post(f"{BASE}/{order.number}/returns", body, content_type="application/json", **headers)


@pytest.mark.parametrize(
    ("number", "carrier", "code"),
    [
        (f" {VALID_UPS_NUMBER[:6]}-{VALID_UPS_NUMBER[6:]} ", None, "tracking_valid"),
        (UPS_TYPO, None, "tracking_typo"),
        ("12345", None, "tracking_unrecognised"),
        ("1Z<script>", None, "tracking_malformed"),
        (FEDEX_NUMBER, "ups", "tracking_other_carrier"),
        (FEDEX_NUMBER, "fedex", "tracking_valid"),
    ],
)
def test_a_number_is_checked_by_carrier_format_and_check_digit(db: None, number, carrier, code):
    checked = tracking_number_check(number=number, carrier=carrier)
    assert checked.code == code and checked.valid == (code == "tracking_valid") and checked.message


def test_the_tracking_number_given_at_creation_shows_on_the_return(client: Client):
    order = delivered_shirt_and_scarf()
    headers = _bearer(order)
    created = _start(client, order, headers, tracking_number=VALID_UPS_NUMBER.lower())
    assert created.status_code == 201, created.content
    detail = client.get(f"{BASE}/{order.number}/returns/{created.json()['rma']}", **headers).json()
    assert detail["tracking"]["number"] == VALID_UPS_NUMBER and detail["tracking"]["carrier"] == "ups"
    assert detail["tracking"]["url"].startswith("https://www.ups.com/")
    steps = {step["step"]: step for step in detail["steps"]}
    assert steps["tracking_added"]["state"] == "done" and "label_issued" not in steps


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"tracking_number": UPS_TYPO}, "tracking_typo"),
        ({"tracking_number": VALID_UPS_NUMBER, "method": "label"}, "tracking_needs_own_carrier"),
        ({"tracking_number": FEDEX_NUMBER, "carrier": "ups"}, "tracking_other_carrier"),
    ],
)
def test_a_bad_number_at_creation_is_422_and_records_no_return(client: Client, extra, code):
    order = delivered_shirt_and_scarf()
    response = _start(client, order, _bearer(order), **extra)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == code
    assert ReturnRequest.objects.count() == 0


def test_the_owner_adds_the_number_afterwards_and_strangers_cannot(client: Client):
    order = delivered_shirt_and_scarf()
    ret = return_of(order, reason="too_small", method="own_carrier")
    url = f"{BASE}/{order.number}/returns/{ret.rma}/tracking"
    body = {"tracking_number": VALID_UPS_NUMBER}
    stranger = _bearer(delivered_shirt_and_scarf())
    assert client.post(url, body, content_type="application/json", **stranger).status_code == 404
    assert client.post(url, body, content_type="application/json").status_code == 401
    bad = client.post(url, {"tracking_number": UPS_TYPO}, content_type="application/json", **_bearer(order))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "tracking_typo"
    ret.refresh_from_db()
    assert ret.tracking_number == ""
    ok = client.post(url, body, content_type="application/json", **_bearer(order))
    assert ok.status_code == 200, ok.content
    assert ok.json()["tracking"]["number"] == VALID_UPS_NUMBER
    again = client.post(url, body, content_type="application/json", **_bearer(order))
    assert again.status_code == 200
    assert ret.events.filter(kind=ReturnEventKind.TRACKING_ADDED).count() == 1  # the same number: no change


def test_a_return_with_the_prepaid_label_takes_no_customer_number():
    order = delivered_shirt_and_scarf()
    ret = return_of(order, reason="too_small", method="label")
    with pytest.raises(NotEligible) as refused:
        return_tracking_set(return_request=ret, actor=Actor.customer(order.email), number=VALID_UPS_NUMBER)
    assert refused.value.code == "return_uses_label"


def test_carrier_scans_move_the_return_in_transit_once_and_show_on_its_page(client: Client):
    order = delivered_shirt_and_scarf()
    ret = return_of(order, reason="too_small", method="own_carrier")
    return_tracking_set(return_request=ret, actor=Actor.customer(order.email), number=VALID_UPS_NUMBER)
    scanned_at = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)).isoformat()
    body = {"scans": [{"occurred_at": scanned_at, "status": "picked_up", "location": "Newark, NJ"}]}
    url = f"/api/v1/store/returns/{ret.rma}/tracking"
    assert client.post(url, body, content_type="application/json").status_code == 401
    store = _store()
    first = client.post(url, body, content_type="application/json", **store)
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "in_transit" and first.json()["scans_recorded"] == 1
    again = client.post(url, body, content_type="application/json", **store)
    assert again.json()["scans_recorded"] == 0 and ReturnTrackingScan.objects.count() == 1
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.IN_TRANSIT
    detail = client.get(f"{BASE}/{order.number}/returns/{ret.rma}", **_bearer(order)).json()
    assert detail["tracking"]["scans"][0]["location"] == "Newark, NJ"
    steps = {step["step"]: step for step in detail["steps"]}
    assert steps["in_transit"]["state"] == "done" and "Newark, NJ" in steps["in_transit"]["detail"]
    assert detail["received"]["received"] is False and detail["received"]["message"].startswith("Not yet")
    # Scanned: the number can't change any more.
    with pytest.raises(NotEligible):
        return_tracking_set(return_request=ret, actor=Actor.customer(order.email), number=FEDEX_NUMBER)


def test_the_store_sends_the_label_number_with_the_first_scans(client: Client):
    order = delivered_shirt_and_scarf()
    ret = return_of(order, reason="too_small", method="label")
    url = f"/api/v1/store/returns/{ret.rma}/tracking"
    at = dt.datetime.now(dt.UTC).isoformat()
    store = _store()
    without = client.post(
        url,
        {"scans": [{"occurred_at": at, "status": "in_transit"}]},
        content_type="application/json",
        **store,
    )
    assert without.status_code == 422 and without.json()["error"]["code"] == "tracking_missing"
    with_number = client.post(
        url,
        {"tracking_number": VALID_UPS_NUMBER, "scans": [{"occurred_at": at, "status": "in_transit"}]},
        content_type="application/json",
        **store,
    )
    assert with_number.status_code == 200 and with_number.json()["tracking_number"] == VALID_UPS_NUMBER


def test_the_return_page_saves_the_number_or_explains_the_typo(client: Client):
    from tests.web.test_actions import sign_in

    order = delivered_shirt_and_scarf()
    ret = return_of(order, reason="too_small", method="own_carrier")
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/returns/{ret.rma}/").content.decode()
    assert 'name="tracking_number"' in page
    bad = client.post(
        f"/orders/{order.number}/returns/{ret.rma}/tracking/", {"tracking_number": UPS_TYPO}, follow=True
    )
    assert "check digit does not match" in bad.content.decode()
    ok = client.post(
        f"/orders/{order.number}/returns/{ret.rma}/tracking/",
        {"tracking_number": VALID_UPS_NUMBER},
        follow=True,
    )
    assert VALID_UPS_NUMBER in ok.content.decode() and "Tracking number saved" in ok.content.decode()


def test_the_start_form_takes_the_number_with_the_own_carrier(client: Client):
    from tests.web.test_actions import sign_in

    order = delivered_shirt_and_scarf()
    sign_in(client, order)
    form = {
        "key": "k1",
        f"qty_{shirt_line(order).pk}": "1",
        f"reason_{shirt_line(order).pk}": "too_small",
        "method": "own_carrier",
        "tracking_number": UPS_TYPO,
    }
    refused = client.post(f"/orders/{order.number}/returns/new/", form)
    assert refused.status_code == 422 and "check digit" in refused.content.decode()
    assert ReturnRequest.objects.count() == 0
    form["tracking_number"] = VALID_UPS_NUMBER
    started = client.post(f"/orders/{order.number}/returns/new/", form)
    assert started.status_code == 302
    assert ReturnRequest.objects.get().tracking_number == VALID_UPS_NUMBER


@pytest.mark.parametrize(
    "scan",
    [
        {"occurred_at": "9999-01-01T00:00:00+00:00", "status": "in_transit"},
        {"occurred_at": "2026-03-03T18:02:00", "status": "in_transit"},
        {"occurred_at": "2026-03-03T18:02:00+00:00", "status": "in_transit", "location": "Newark\x00NJ"},
        {"occurred_at": "2026-03-03T18:02:00+00:00", "status": "teleported"},
    ],
)
def test_a_hostile_scan_is_422_and_records_nothing(client: Client, scan):
    order = delivered_shirt_and_scarf()
    ret = return_of(order, reason="too_small", method="label")
    response = client.post(
        f"/api/v1/store/returns/{ret.rma}/tracking",
        {"tracking_number": VALID_UPS_NUMBER, "scans": [scan]},
        content_type="application/json",
        **_store(),
    )
    assert response.status_code == 422, response.content
    assert ReturnTrackingScan.objects.count() == 0
    ret.refresh_from_db()
    assert ret.tracking_number == "" and ret.status == ReturnStatus.APPROVED
