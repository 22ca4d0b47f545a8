"""Fixtures shared by tests/integration and tests/api/test_integration*.py (imported by both)."""

from __future__ import annotations

import pytest

from shopdesk.api.auth import token_create
from tests.integration.payloads import StoreClient, order_payload, product_payload, shipment_payload


@pytest.fixture
def store(db: None) -> StoreClient:
    """A client holding a live integration token."""
    return StoreClient(token_create(name="test-store").secret)


@pytest.fixture
def store_with_product(store: StoreClient) -> StoreClient:
    """The catalog has product p-100 with SKUs TS-100-S and TS-100-M at 49.00."""
    assert store.put("/products/p-100", product_payload()).status_code == 201
    return store


@pytest.fixture
def store_with_order(store_with_product: StoreClient) -> StoreClient:
    """Order KW00000001: two TS-100-M, paid by card (pay-1), nothing shipped."""
    assert store_with_product.put("/orders/KW00000001", order_payload()).status_code == 201
    return store_with_product


@pytest.fixture
def store_with_shipment(store_with_order: StoreClient) -> StoreClient:
    """Order KW00000001 shipped in one UPS package, shipment external id ship-1."""
    response = store_with_order.put("/orders/KW00000001/shipments/ship-1", shipment_payload())
    assert response.status_code == 201, response.json()
    return store_with_order
