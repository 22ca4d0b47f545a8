"""Two requests upserting the same new order at the same time make one order, not two (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from shopdesk.core.actors import Actor
from shopdesk.core.sync.outcome import Upserted
from shopdesk.integration.schemas.orders import OrderIn
from shopdesk.integration.sync import order_upsert
from shopdesk.orders.models import Customer, Order, OrderEvent, OrderLine
from tests import factories
from tests.integration.payloads import order_payload


def _race(count: int, work: Any) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(slot: int) -> None:
        try:
            barrier.wait()
            results[slot] = work()
        except Exception as exc:  # the assertion below shows it
            results[slot] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_upserts_of_one_order_create_one_row() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and unique-key races need PostgreSQL")
    factories.VariantFactory(sku="TS-100-M")
    data = OrderIn.model_validate(order_payload(email="race@example.com"))

    results = _race(4, lambda: order_upsert(number="KW00000077", data=data, actor=Actor.integration("race")))

    assert all(isinstance(result, Upserted) for result in results), results
    assert sorted(str(result.status) for result in results) == [
        "created",
        "unchanged",
        "unchanged",
        "unchanged",
    ]
    assert Order.objects.filter(number="KW00000077").count() == 1
    assert Customer.objects.filter(email="race@example.com").count() == 1
    assert OrderLine.objects.count() == 1
    assert OrderEvent.objects.count() == 1
