"""What a store sends to the integration API, as plain JSON dicts, and a client that sends it with a token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from shopdesk.api.auth import token_create

PLACED_AT = "2026-03-02T10:15:00+00:00"


def product_payload(
    *, skus: tuple[str, ...] = ("TS-100-S", "TS-100-M"), price: str = "49.00", name: str = "Linen shirt"
) -> dict[str, Any]:
    return {
        "name": name,
        "category": "shirts",
        "category_name": "Shirts",
        "variants": [
            {"sku": sku, "size": sku.rsplit("-", 1)[-1], "colour": "Navy", "price": price, "stock": 5}
            for sku in skus
        ],
    }


def address_payload(**overrides: str) -> dict[str, str]:
    return {
        "name": "Ada Shopper",
        "line1": "12 Orchard Street",
        "city": "New York",
        "region": "NY",
        "postcode": "10002",
        "country": "US",
        **overrides,
    }


def order_payload(
    *,
    email: str = "Ada@Example.com",
    lines: tuple[tuple[str, int], ...] = (("TS-100-M", 2),),
    total: str = "98.00",
    payments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "email": email,
        "placed_at": PLACED_AT,
        "shipping_method": "standard",
        "shipping_address": address_payload(),
        "lines": [{"sku": sku, "quantity": quantity, "unit_price": "49.00"} for sku, quantity in lines],
        "total": total,
        "coupons": [{"code": "welcome10", "amount": "0.00"}],
        "payments": payments
        if payments is not None
        else [
            {
                "external_id": "pay-1",
                "method": "card",
                "amount": total,
                "amount_authorised": total,
                "amount_captured": total,
                "state": "captured",
                "card_brand": "visa",
                "card_last4": "4242",
            }
        ],
    }


def shipment_payload(*, lines: tuple[tuple[str, int], ...] = (("TS-100-M", 2),)) -> dict[str, Any]:
    return {
        "carrier": "ups",
        "service": "ground",
        "tracking_number": "1Z999AA10123456784",
        "origin_warehouse": "us-nj",
        "lines": [{"sku": sku, "quantity": q} for sku, q in lines],
    }


class StoreClient:
    """A Django test client that speaks JSON and carries an integration token."""

    def __init__(self, secret: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def _send(self, method: str, path: str, body: Any) -> Any:
        send = getattr(self.client, method)
        return send(
            f"/api/v1/store{path}",
            data=json.dumps(body),
            content_type="application/json",
            headers=self.headers,
        )

    def put(self, path: str, body: Any) -> Any:
        return self._send("put", path, body)

    def post(self, path: str, body: Any) -> Any:
        return self._send("post", path, body)


def store_client() -> StoreClient:
    return StoreClient(token_create(name="test-store").secret)
