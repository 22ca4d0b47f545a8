"""Every registered action through the customer API: listed with its eligibility, previewed, performed at
its own path by the owner; another customer gets the 404 of a missing order; nobody signed in gets 401."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shopdesk.orders.models import Order
from shopdesk.selfservice.registry import actions_all
from tests.api.test_customer_actions import ADDRESS, _bearer
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, ship, shirt_line
from tests.selfservice.price_adjustment_fixtures import price_set

pytestmark = pytest.mark.django_db
BASE = "/api/v1/customer/orders"


def _case_request(order: Order) -> tuple[str, dict[str, Any]]:
    return "cases", {"kind": "carrier_inquiry", "shipment": order.shipments.get().pk}


# action id -> (path under the order, body), for an order where it is allowed.
def _requests(order: Order) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "cancel": ("cancel", {"line_ids": [shirt_line(order).pk]}),
        "change_items": (f"lines/{shirt_line(order).pk}", {"quantity": 1, "size": "S"}),
        "shipping_address": ("shipping-address", ADDRESS),
        "billing_address": ("billing-address", ADDRESS),
        "resend_confirmation": ("resend", {"template": "confirmation"}),
        "resend_shipping": ("resend", {"template": "shipped"}),
        "change_email": ("email", {"new_email": "new.address@example.com"}),
        "price_adjustment": (f"lines/{shirt_line(order).pk}/price-adjustment", {}),
        "pay_again": ("pay-again", {}),
        "verify_payment": ("verification", {"card_last4": "4242", "billing_postcode": "10002"}),
    }


def _post(client: Client, url: str, body: dict[str, Any], headers: dict[str, str]):
    return client.post(url, body, content_type="application/json", **headers)


def test_every_registry_action_is_listed_by_the_api_and_in_the_order_view(client: Client):
    order = paid_order_of_shirt_and_scarf()
    headers = _bearer(order)
    listed = client.get(f"{BASE}/{order.number}/actions", **headers)
    assert listed.status_code == 200
    ids = [action.id for action in actions_all()]
    assert [item["id"] for item in listed.json()] == ids
    assert all(set(item["eligibility"]) >= {"allowed", "code", "message"} for item in listed.json())
    view = client.get(f"{BASE}/{order.number}", **headers).json()
    assert list(view["actions"]) == ids
    for item in listed.json():
        assert view["actions"][item["id"]] == item["eligibility"]


# open_case, return_start and refund_dispute answer 201 with their own body: tests/api and tests/returns
# cover them; pay_again and verify_payment need a declined or a checked payment: tests/payments covers them.
@pytest.mark.parametrize(
    "action_id",
    [
        a.id
        for a in actions_all()
        if not a.for_agents
        and a.id not in ("open_case", "return_start", "refund_dispute", "pay_again", "verify_payment")
    ],
)
def test_the_owner_previews_then_performs_each_action(client: Client, action_id: str):
    order = paid_order_of_shirt_and_scarf()
    if action_id == "resend_shipping":
        ship(order, scarf_line(order))
    headers = _bearer(order)
    path, body = _requests(order)[action_id]
    params = dict(body)
    if action_id == "change_items":
        params["line_id"] = shirt_line(order).pk
    if action_id.startswith("resend"):
        params = {}
    if action_id == "price_adjustment":  # the shirt is on sale since yesterday
        price_set(shirt_line(order), "39.00")
        params = {"line_id": shirt_line(order).pk}
    preview = _post(client, f"{BASE}/{order.number}/actions/{action_id}/preview", params, headers)
    assert preview.status_code == 200, preview.content
    assert preview.json()["message"]
    done = _post(client, f"{BASE}/{order.number}/{path}", body, headers)
    assert done.status_code == 200, done.content
    assert done.json()["result"]["message"]
    assert set(done.json()["eligibility"]) >= {"allowed", "code", "message"}


def test_open_case_through_its_path_and_preview(client: Client, order_with_stale_tracking: Order):
    order = order_with_stale_tracking
    headers = _bearer(order)
    path, body = _case_request(order)
    preview = _post(client, f"{BASE}/{order.number}/actions/open_case/preview", body, headers)
    assert preview.status_code == 200 and "carrier inquiry" in preview.json()["message"]
    opened = _post(client, f"{BASE}/{order.number}/{path}", body, headers)
    assert opened.status_code == 201 and opened.json()["reference"] in opened.json()["message"]


def test_partial_cancel_preview_over_the_api(client: Client):
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order))
    headers = _bearer(order)
    whole = _post(client, f"{BASE}/{order.number}/actions/cancel/preview", {}, headers)
    assert whole.status_code == 409 and whole.json()["error"]["code"] == "partially_dispatched"
    line = scarf_line(order).pk
    partial = _post(client, f"{BASE}/{order.number}/actions/cancel/preview", {"line_ids": [line]}, headers)
    assert partial.status_code == 200
    assert partial.json()["data"]["items"] == [{"line_id": line, "name": "Wool scarf", "quantity": 1}]
    order.refresh_from_db()
    assert order.lines.get(pk=line).quantity_cancelled == 0  # a preview changes nothing


def test_preview_rejects_bad_params_with_422(client: Client):
    order = paid_order_of_shirt_and_scarf()
    headers = _bearer(order)
    bad = _post(
        client, f"{BASE}/{order.number}/actions/change_email/preview", {"new_email": 5, "x": 1}, headers
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_input"
    unknown = _post(client, f"{BASE}/{order.number}/actions/price_match/preview", {}, headers)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_action"


@pytest.mark.parametrize("action_id", [a.id for a in actions_all()])
def test_another_customer_and_nobody_can_not_touch_an_order(client: Client, action_id: str):
    owner = paid_order_of_shirt_and_scarf()
    ship(owner, scarf_line(owner))
    stranger = paid_order_of_shirt_and_scarf()
    returning = {"lines": [{"line_id": scarf_line(owner).pk, "quantity": 1, "reason": "too_big"}]}
    requests = {
        **_requests(owner),
        "open_case": _case_request(owner),
        "return_start": ("returns", returning),
        "refund_dispute": ("refunds/1/dispute", {}),
        "refund_retry": ("actions/refund_retry/preview", {}),  # agents only: no customer path of its own
        "points_adjust": ("actions/points_adjust/preview", {"points": 10, "reason": "Goodwill"}),
        "refund_lines": (
            "actions/refund_lines/preview",
            {"lines": [{"line_id": scarf_line(owner).pk, "quantity": 1}], "reason": "Lost"},
        ),
    }
    path, body = requests[action_id]
    for url in (f"{BASE}/{owner.number}/{path}", f"{BASE}/{owner.number}/actions/{action_id}/preview"):
        theirs = _post(client, url, body, _bearer(stranger))
        assert theirs.status_code == 404, (url, theirs.content)
        assert theirs.json()["error"]["code"] != "unknown_action"
        assert _post(client, url, body, {}).status_code == 401
    assert client.get(f"{BASE}/{owner.number}/actions", **_bearer(stranger)).status_code == 404
    assert client.get(f"{BASE}/{owner.number}/actions").status_code == 401
    owner.refresh_from_db()
    assert not owner.is_cancelled and owner.email != "new.address@example.com"
    assert not owner.refunds.exists()
    assert not owner.events.filter(kind__in=["lines_cancelled", "line_changed", "email_resent"]).exists()
