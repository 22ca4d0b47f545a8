"""The last unit of a size, asked for as an exchange by eight customers at the same instant through the
returns API on PostgreSQL (skipped on SQLite, whose IMMEDIATE transactions serialise writers): one return
holds it, the seven others get 422 `exchange_out_of_stock`, no server error, the stock ends at 0."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from shopdesk.catalog.models import Variant
from shopdesk.orders.models import OrderLine
from shopdesk.returns.models import ReturnLine, ReturnRequest
from tests.orders.test_services_states import shirt_line
from tests.races.conftest import race
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.returns.exchange_fixtures import large_shirt

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CUSTOMERS = 8


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")


def test_eight_customers_ask_for_the_last_unit_and_one_gets_it():
    orders = [delivered_shirt_and_scarf() for _ in range(CUSTOMERS)]
    shirt_variant = shirt_line(orders[0]).variant
    for order in orders[1:]:  # every customer bought the same shirt
        OrderLine.objects.filter(pk=shirt_line(order).pk).update(variant=shirt_variant)
    last = large_shirt(orders[0])
    Variant.objects.filter(pk=last.pk).update(stock=1)
    requests = []
    for index, order in enumerate(orders):
        opened = session_open_by_lookup(
            order_number=order.number, email=order.email, client_ip=f"127.0.0.{index + 1}"
        )
        token = opened.token
        body = {
            "lines": [
                {
                    "line_id": shirt_line(order).pk,
                    "quantity": 1,
                    "reason": "too_small",
                    "resolution": "exchange",
                    "exchange_sku": last.sku,
                }
            ],
            "method": "label",
        }
        requests.append((order.number, token, body))

    def ask(number: str, token: str, body: dict) -> tuple[int, dict]:
        response = Client().post(
            f"/api/v1/customer/orders/{number}/returns",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_IDEMPOTENCY_KEY=f"exchange-{number}",
        )
        return response.status_code, response.json()

    results = race([lambda r=r: ask(*r) for r in requests])

    assert not [r for r in results if isinstance(r, Exception)]
    statuses = sorted(status for status, _body in results)
    assert statuses == [201] + [422] * (CUSTOMERS - 1), results
    for status, body in results:
        if status == 422:
            assert body["error"]["fields"][0]["code"] == "exchange_out_of_stock", body
    last.refresh_from_db()
    assert last.stock == 0
    assert ReturnRequest.objects.count() == 1
    assert list(ReturnLine.objects.values_list("exchange_reserved", flat=True)) == [1]
