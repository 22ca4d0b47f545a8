"""An imported order's points reach the ledger the same way whichever path brought the order: the batch
of new orders (`POST /store/bulk`) and the one-order upsert (`PUT /store/orders/{number}`) write the same
rows, and neither sends a `points.*` webhook (the store took those points itself, at its checkout)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import transaction

from shopdesk.core.actors import Actor
from shopdesk.integration import bulk
from shopdesk.loyalty.ledger import ledger_write
from shopdesk.loyalty.models import PointsBalance, PointsEntry, PointsEntryKind
from shopdesk.loyalty.services import points_adjust
from shopdesk.orders.models import Customer, Order
from shopdesk.webhooks.catalogue import EVENT_TYPES
from shopdesk.webhooks.models import WebhookEvent
from tests.integration import fixtures
from tests.integration.payloads import StoreClient, order_payload
from tests.webhooks.conftest import Receiver, allow_private, delivered, endpoint_for, receiver

store = fixtures.store
store_with_product = fixtures.store_with_product
__all__ = ["allow_private", "endpoint_for", "receiver"]  # the loopback receiver's fixtures, used below

NOW = dt.datetime(2027, 3, 10, 15, 0, tzinfo=dt.UTC)
POINTS_TYPES = tuple(name for name in EVENT_TYPES if name.startswith("points."))
NUMBER = "KW00004242"


def _order() -> dict[str, Any]:
    payload = order_payload(email="regular@example.com", total="49.00", lines=(("TS-100-M", 1),))
    payload["payments"][0]["external_id"] = "pay-4242"
    return payload | {"coupons": [], "points_used": 500, "points_value": "5.00"}


def _ledger_rows(customer: Customer) -> list[tuple[Any, ...]]:
    """Every entry of the customer as the ledger keeps it, the order's id (which differs) named by its number."""
    rows = []
    for entry in PointsEntry.objects.filter(customer=customer).select_related("order").order_by("id"):
        order_id = str(entry.order_id) if entry.order_id else None
        key = entry.idempotency_key or ""
        rows.append(
            (
                entry.kind,
                entry.points,
                entry.order.number if entry.order else None,
                entry.available_at,
                entry.expires_at,
                entry.settled_at,
                entry.note,
                key.replace(f":order:{order_id}", ":order:<id>") if order_id else key,
                entry.created_at,
            )
        )
    balance = PointsBalance.objects.get(customer=customer)
    rows.append(("balance", balance.available, balance.pending, balance.updated_at))
    return rows


@pytest.mark.django_db
def test_both_import_paths_write_the_same_ledger_rows_and_no_points_webhook(
    store_with_product: StoreClient, receiver: Receiver, endpoint_for
) -> None:
    with time_machine.travel(NOW, tick=False):
        customer = Customer.objects.create(email="regular@example.com", name="Regular")
        ledger_write(
            customer_id=customer.pk,
            order=None,
            kind=PointsEntryKind.ADJUSTED,
            points=200,
            available_at=NOW,
            note="Welcome points.",
            key="welcome:regular",
            now=NOW,
        )
        endpoint = endpoint_for(*POINTS_TYPES)

        # Given the order through the batch path (new orders written a table at a time), then undone…
        with transaction.atomic():
            with mock.patch.object(
                bulk, "points_spend_for_new_orders", wraps=bulk.points_spend_for_new_orders
            ) as batch_spend:
                answer = store_with_product.post(
                    "/bulk", {"items": [{"type": "order", "number": NUMBER} | _order()]}
                )
            assert answer.status_code == 200, answer.content
            assert [item["status"] for item in answer.json()["results"]] == ["created"]
            assert [o.number for o in batch_spend.call_args.kwargs["orders"]] == [
                NUMBER
            ]  # the batch path ran
            by_batch = _ledger_rows(customer)
            batch_events = WebhookEvent.objects.filter(type__startswith="points.").count()
            transaction.set_rollback(True)
        assert not Order.objects.filter(number=NUMBER).exists()

        # …and the same order through the one-order upsert.
        answer = store_with_product.put(f"/orders/{NUMBER}", _order())
        assert answer.status_code == 201, answer.content
        by_upsert = _ledger_rows(customer)

        # The 200 points cover part of the 500: an opening entry for the other 300, then the spend.
        assert [row[:2] for row in by_upsert] == [
            ("adjusted", 200),
            ("opening", 300),
            ("spent", -500),
            ("balance", 0),  # available, then pending
        ]
        assert by_upsert[-1][2] == 0
        assert by_upsert == by_batch
        assert batch_events == 0

        # Nothing about points reaches the store for either import; a change made here still does.
        points_adjust(
            customer=customer,
            points=30,
            note="Sorry for the wait.",
            actor=Actor.agent("ann"),
            key="t-1",
            now=NOW,
        )
        received = delivered(receiver, endpoint=endpoint)
    assert [r.payload["type"] for r in received] == ["points.adjusted"]
