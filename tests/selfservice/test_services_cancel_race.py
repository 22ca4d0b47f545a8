"""Races: a cancel against a shipment recorded at the same moment, and two cancels at once.

The shipment side is simulated the way the shipment upsert must work: lock the order row first, check
the order is not cancelled, then insert shipment lines. Run the PostgreSQL tests with
DATABASE_URL=postgres://... (they are skipped on SQLite, whose IMMEDIATE transactions serialise writers).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotEligible
from shopdesk.orders.models import Order
from shopdesk.payments.models import Payment, Refund
from shopdesk.selfservice.services.cancel import order_cancel
from shopdesk.shipping.models import Shipment, ShipmentLine
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf

CUSTOMER = Actor.customer("shopper@example.com")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")


def _in_thread(target: Callable[[], Any], results: dict[str, Any], name: str) -> threading.Thread:
    def run() -> None:
        try:
            results[name] = target()
        except Exception as error:  # the test inspects what each side ended with
            results[name] = error
        finally:
            connection.close()  # each thread has its own connection

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def _ship_everything(order_id: int, *, locked: threading.Event | None = None, hold: float = 0.0) -> str:
    """The shipment upsert's contract: lock the order row, refuse a cancelled order, then add lines."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if locked is not None:
            locked.set()
        time.sleep(hold)
        if order.is_cancelled:
            return "refused: cancelled"
        shipment = Shipment.objects.create(
            order=order, carrier="ups", tracking_number="1Z999AA10123456784", origin_warehouse="us-nj"
        )
        for line in order.lines.all():
            ShipmentLine.objects.create(shipment=shipment, order_line=line, quantity=line.quantity_active)
        return "shipped"


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_cancel_waiting_on_a_shipment_sees_it_and_refuses():
    order = paid_order_of_shirt_and_scarf()
    locked = threading.Event()
    results: dict[str, Any] = {}
    shipper = _in_thread(lambda: _ship_everything(order.pk, locked=locked, hold=0.5), results, "ship")
    assert locked.wait(5)
    canceller = _in_thread(lambda: order_cancel(order=order, actor=CUSTOMER), results, "cancel")
    shipper.join(10)
    canceller.join(10)
    assert results["ship"] == "shipped"
    assert isinstance(results["cancel"], NotEligible) and results["cancel"].code == "already_dispatched"
    order.refresh_from_db()
    assert not order.is_cancelled and not Refund.objects.exists()


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_cancel_and_a_shipment_started_together_never_leave_a_shipped_order_cancelled():
    for _ in range(8):
        order = paid_order_of_shirt_and_scarf()
        start = threading.Barrier(2)
        results: dict[str, Any] = {}

        def cancel(order: Order = order, start: threading.Barrier = start) -> Any:
            start.wait()
            return order_cancel(order=order, actor=CUSTOMER)

        def ship(order: Order = order, start: threading.Barrier = start) -> str:
            start.wait()
            return _ship_everything(order.pk)

        threads = [_in_thread(cancel, results, "cancel"), _in_thread(ship, results, "ship")]
        for thread in threads:
            thread.join(10)
        order.refresh_from_db()
        shipped = ShipmentLine.objects.filter(order_line__order=order).exists()
        assert not (order.is_cancelled and shipped)
        assert order.is_cancelled or shipped
        assert Refund.objects.filter(order=order).count() == (1 if order.is_cancelled else 0)


@pytest.mark.django_db(transaction=True)
def test_two_cancels_at_once_refund_once_and_answer_the_same():
    order = paid_order_of_shirt_and_scarf()
    start = threading.Barrier(2)
    results: dict[str, Any] = {}

    def cancel() -> Any:
        start.wait()
        return order_cancel(order=order, actor=CUSTOMER)

    threads = [_in_thread(cancel, results, "first"), _in_thread(cancel, results, "second")]
    for thread in threads:
        thread.join(20)
    first, second = results["first"], results["second"]
    assert not isinstance(first, Exception) and not isinstance(second, Exception), results
    assert first.data == second.data and {first.replayed, second.replayed} == {True, False}
    assert Refund.objects.filter(order=order).count() == 1
    payment = Payment.objects.get(order=order)
    assert payment.amount_refunded == payment.amount_captured
