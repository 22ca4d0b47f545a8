"""The order as the API shows it after a split-payment cancel: refunds line by line, each summing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from shopdesk.access.services import session_open_by_lookup
from tests.selfservice.test_services_cancel_money import paid_with_store_credit_and_card

pytestmark = pytest.mark.django_db


def test_a_split_cancel_shows_one_refund_per_payment_each_summing(client: Client) -> None:
    cache.clear()
    order = paid_with_store_credit_and_card()
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issued.token}"}

    cancelled = client.post(
        f"/api/v1/customer/orders/{order.number}/cancel", {}, content_type="application/json", **auth
    )
    assert cancelled.status_code == 200, cancelled.content
    body = client.get(f"/api/v1/customer/orders/{order.number}", **auth).json()

    refunds = body["refunds"]
    assert [r["payment_label"] for r in refunds] == ["Visa ending 4242", "store credit"]
    for refund in refunds:
        assert sum(Decimal(line["amount"]) for line in refund["lines"]) == Decimal(refund["amount"])
    assert sum(Decimal(r["amount"]) for r in refunds) == Decimal("123.95")
    kinds = [line["kind"] for line in refunds[0]["lines"]]
    assert "payment_split" in kinds and kinds.count("item") == 2
