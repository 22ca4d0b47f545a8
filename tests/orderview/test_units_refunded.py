"""The order view counts, per line, the units whose money went back, from the refunds the money engine
recorded (cancels, returns, agents' item refunds): on the portal's order page, in the customer API (and
its OpenAPI document) and in the desk's sidebar (tests/desk/test_units_refunded_sidebar.py); a refund changes the cached view's version."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from shopdesk.api.customer import OrderViewOut
from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.cached import order_view_version
from shopdesk.orderview.serialise import order_view_json
from shopdesk.payments.enums import RefundStatus
from shopdesk.payments.models import Refund
from shopdesk.selfservice.services.cancel import order_cancel
from shopdesk.selfservice.services.refund_lines import order_refund_lines
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.models import Shipment
from tests.orders.test_services_states import (
    authorised_only,
    paid_order_of_shirt_and_scarf,
    scarf_line,
    ship,
    shirt_line,
)
from tests.payments.test_verification import bearer
from tests.web.test_actions import sign_in

pytestmark = pytest.mark.django_db
AGENT = Actor.agent("maria")


def delivered_order_with_one_shirt_refunded() -> Order:
    """Shirt ×2 and scarf delivered; an agent refunded one shirt (lost in the parcel)."""
    order = paid_order_of_shirt_and_scarf()
    ship(order, *order.lines.all())
    Shipment.objects.filter(order=order).update(status=TrackingStatus.DELIVERED, delivered_at=timezone.now())
    order_refund_lines(order=order, actor=AGENT, lines=[(shirt_line(order).pk, 1)], reason="Lost")
    return order


def _refunded(order: Order) -> dict[str, int]:
    return {line.product_name: line.quantity_refunded for line in order_page(order=order).lines}


def test_an_agents_item_refund_counts_its_units_on_their_line_only() -> None:
    order = delivered_order_with_one_shirt_refunded()
    assert _refunded(order) == {"Linen shirt": 1, "Wool scarf": 0}
    lines = {line["product_name"]: line for line in json.loads(order_view_json(order))["lines"]}
    assert lines["Linen shirt"]["quantity_refunded"] == 1 and lines["Wool scarf"]["quantity_refunded"] == 0


def test_a_cancel_of_a_charged_order_counts_every_unit_refunded() -> None:
    order = paid_order_of_shirt_and_scarf()
    order_cancel(order=order, actor=Actor.customer(order.email), reason="Changed my mind")
    assert _refunded(order) == {"Linen shirt": 2, "Wool scarf": 1}


def test_units_cancelled_before_anything_was_charged_were_never_refunded() -> None:
    """A hold released is not a refund: the lines say cancelled, not refunded."""
    order = paid_order_of_shirt_and_scarf()
    authorised_only(order)
    order_cancel(order=order, actor=Actor.customer(order.email), reason="Changed my mind")
    page = order_page(order=order)
    assert [line.quantity_cancelled for line in page.lines] == [2, 1]
    assert [line.quantity_refunded for line in page.lines] == [0, 0]


def test_a_refund_the_provider_refused_does_not_count_until_it_goes_through() -> None:
    order = delivered_order_with_one_shirt_refunded()
    Refund.objects.filter(order=order).update(status=RefundStatus.FAILED)
    assert _refunded(order)["Linen shirt"] == 0
    Refund.objects.filter(order=order).update(status=RefundStatus.PENDING)  # sent again
    assert _refunded(order)["Linen shirt"] == 1


def test_a_refund_changes_the_cached_views_version_and_the_api_shows_it() -> None:
    order = paid_order_of_shirt_and_scarf()
    ship(order, *order.lines.all())
    now = timezone.now()
    headers = bearer(order)
    url = f"/api/v1/customer/orders/{order.number}"
    before = Client().get(url, **headers).json()  # kept in the cache at this version
    version = order_view_version(order_id=order.pk, now=now)
    order_refund_lines(order=order, actor=AGENT, lines=[(scarf_line(order).pk, 1)], reason="Damaged")
    assert order_view_version(order_id=order.pk, now=now) != version
    after = Client().get(url, **headers).json()
    scarf = {line["product_name"]: line for line in after["lines"]}["Wool scarf"]
    assert scarf["quantity_refunded"] == 1
    OrderViewOut.model_validate(after)  # the answer is what the OpenAPI document says it is
    assert {line["product_name"]: line for line in before["lines"]}["Wool scarf"]["quantity_refunded"] == 0


def test_the_version_changes_with_the_units_refunded_alone() -> None:
    """The unit counters are part of the version too, not only the refund rows."""
    order = paid_order_of_shirt_and_scarf()
    now = timezone.now()
    version = order_view_version(order_id=order.pk, now=now)
    order.lines.filter(pk=shirt_line(order).pk).update(quantity_refunded=1)
    assert order_view_version(order_id=order.pk, now=now) != version


def test_the_openapi_document_describes_the_units_refunded_of_each_line() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/customer/orders/{number}"]["get"]
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    order_schema = document["components"]["schemas"][reference.rsplit("/", 1)[1]]
    line_reference = order_schema["properties"]["lines"]["items"]["$ref"]
    line_schema = document["components"]["schemas"][line_reference.rsplit("/", 1)[1]]
    assert line_schema["properties"]["quantity_refunded"]["type"] == "integer"
    assert "quantity_refunded" in line_schema["required"]
    assert "refunds record" in line_schema["properties"]["quantity_refunded"]["description"]


def test_the_portal_order_page_shows_the_units_refunded(client) -> None:  # type: ignore[no-untyped-def]
    order = delivered_order_with_one_shirt_refunded()
    sign_in(client, order)
    html = client.get(f"/orders/{order.number}/").content.decode()
    assert html.count('<span class="badge badge-ok">1 refunded</span>') == 1  # the scarf has none


def test_another_customer_sees_nothing_of_it(client) -> None:  # type: ignore[no-untyped-def]
    order = delivered_order_with_one_shirt_refunded()
    sign_in(client, paid_order_of_shirt_and_scarf())
    response = client.get(f"/orders/{order.number}/")
    assert response.status_code in (302, 404) and "1 refunded" not in response.content.decode()
