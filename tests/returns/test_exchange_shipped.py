"""The "exchange shipped" email: when the exchange order of a return gets its first shipped package through
the store API, the customer is emailed once (over a real SMTP server on loopback); a re-sent upsert, a
second package and a package of an ordinary order send nothing more."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from shopdesk.api.auth import token_create
from shopdesk.catalog.models import Variant
from shopdesk.core.actors import Actor
from shopdesk.notifications.delivery import outbox_deliver
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order
from shopdesk.returns.enums import ReturnEventKind
from shopdesk.returns.exchange import return_exchange_order
from shopdesk.returns.models import ReturnEvent
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from tests.notifications.conftest import smtp_server  # noqa: F401 (the loopback SMTP server fixture)
from tests.orders.test_services_states import shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.situations import VALID_UPS_NUMBER

pytestmark = pytest.mark.django_db
STORE = Actor.integration("warehouse")


def _exchange_order_of_a_large_shirt() -> tuple[Order, str, Order]:
    """A delivered order whose shirt is exchanged for a size L: the return is inspected and the exchange
    order created. Returns the original order, the RMA and the exchange order."""
    order = delivered_shirt_and_scarf()
    shirt = shirt_line(order)
    large = Variant.objects.get(product__variants__pk=shirt.variant_id, size="L")
    created = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(shirt.pk, 1, "too_small", resolution="exchange", exchange_sku=large.sku)],
        method="label",
    )
    rma = created.data["rma"]
    return_mark_received(rma=rma, actor=STORE)
    return_inspect(rma=rma, actor=STORE, lines=[InspectionLine(shirt.pk, "accepted")])
    placed = return_exchange_order(rma=rma, actor=STORE)
    return order, rma, Order.objects.get(number=placed.data["exchange_order_number"])


def _put_package(client: Client, secret: str, order: Order, external_id: str, **fields: object) -> int:
    line = order.lines.get()
    body = {
        "carrier": "ups",
        "service": "ground",
        "tracking_number": VALID_UPS_NUMBER,
        "origin_warehouse": "us-nj",
        "lines": [{"sku": line.sku, "quantity": line.quantity}],
        **fields,
    }
    response = client.put(
        f"/api/v1/store/orders/{order.number}/shipments/{external_id}",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    return response.status_code


@override_settings(SHOPDESK_BASE_URL="http://127.0.0.1:8123")
def test_the_first_shipped_package_of_the_exchange_order_is_emailed_once(smtp_server):  # noqa: F811
    order, rma, exchange = _exchange_order_of_a_large_shirt()
    OutboxMessage.objects.all().delete()
    secret = token_create(name="platform").secret
    client = Client()
    shipped_at = timezone.now().isoformat()

    # Given a package without a ship time or a scan: it has not left yet, so nothing is sent.
    assert _put_package(client, secret, exchange, "x-pkg-1", shipped_at=None) in (200, 201)
    assert not OutboxMessage.objects.filter(template="return_exchange_shipped").exists()

    # When the store says it shipped, then once more (a re-sent webhook):
    assert _put_package(client, secret, exchange, "x-pkg-1", shipped_at=shipped_at) == 200
    assert _put_package(client, secret, exchange, "x-pkg-1", shipped_at=shipped_at) == 200

    # Then one email about the exchange, to the customer of the return, and one event on the return.
    queued = OutboxMessage.objects.filter(template="return_exchange_shipped")
    assert queued.count() == 1
    assert queued.get().to == order.email
    shipped = ReturnEvent.objects.filter(return_request__rma=rma, kind=ReturnEventKind.EXCHANGE_SHIPPED)
    assert shipped.count() == 1 and VALID_UPS_NUMBER in shipped.get().message

    report = outbox_deliver(batch=10)
    assert report.sent == OutboxMessage.objects.count()
    received = {message["Subject"]: message for message in smtp_server.received}
    exchange_mail = received[f"Your exchange for return {rma} is on its way"]
    assert exchange_mail["To"] == order.email
    text = next(
        part.get_payload(decode=True).decode()
        for part in exchange_mail.walk()
        if part.get_content_type() == "text/plain"
    )
    assert "1 x Linen shirt (Navy / L)" in text and VALID_UPS_NUMBER in text


def test_a_carrier_scan_on_the_exchange_package_sends_it_once_and_the_original_order_sends_none():
    order, rma, exchange = _exchange_order_of_a_large_shirt()
    secret = token_create(name="platform").secret
    client = Client()
    assert _put_package(client, secret, exchange, "x-pkg-2", shipped_at=None) == 201
    scan = {
        "events": [
            {"occurred_at": timezone.now().isoformat(), "status": "in_transit", "location": "Newark, NJ"}
        ]
    }

    for _ in range(2):  # the carrier's webhook, delivered twice
        response = client.post(
            "/api/v1/store/shipments/x-pkg-2/tracking-events",
            data=json.dumps(scan),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert response.status_code == 200, response.content

    queued = OutboxMessage.objects.filter(template="return_exchange_shipped")
    assert list(queued.values_list("to", flat=True)) == [order.email]
    assert (
        ReturnEvent.objects.filter(return_request__rma=rma, kind=ReturnEventKind.EXCHANGE_SHIPPED).count()
        == 1
    )
    # The original order's packages shipped too (its fixture), and are no exchange: no email names them.
    assert not queued.filter(order__number=exchange.number).exists()
