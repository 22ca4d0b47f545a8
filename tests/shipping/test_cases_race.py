"""Two requests racing to open the same case get one case (partial unique constraint + row lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.selfservice.cases import case_open
from shopdesk.shipping.models import Case


@pytest.mark.django_db(transaction=True)
def test_racing_opens_make_one_case(order_lost: Order) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    shipment_id = order_lost.shipments.get().pk
    barrier = threading.Barrier(4)
    references: list[str] = []

    def press() -> None:
        try:
            barrier.wait()
            opened = case_open(
                order=order_lost,
                shipment_id=shipment_id,
                kind="investigation",
                actor=Actor.customer(order_lost.email),
            )
            references.append(opened.case.reference)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(references) == 4 and len(set(references)) == 1
    assert Case.objects.count() == 1
