"""Store integration: every request needs a live token; failures are 401 with a JSON error."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from shopdesk.api.auth import token_create, token_revoke
from shopdesk.api.models import ApiToken
from tests.integration.payloads import StoreClient, product_payload


@pytest.mark.parametrize(
    ("secret", "code"),
    [
        (None, "token_missing"),
        ("sd_not-a-real-token-000000000000000000000000", "token_invalid"),
        ("x", "token_invalid"),
    ],
)
def test_without_a_valid_token_the_answer_is_401(db: None, secret: str | None, code: str) -> None:
    response = StoreClient(secret).put("/products/p-1", product_payload())

    assert response.status_code == 401
    assert response.json()["error"]["code"] == code


def test_basic_scheme_is_refused(db: None) -> None:
    client = StoreClient(None)
    client.headers = {"Authorization": "Basic dXNlcjpwYXNz"}

    assert client.put("/products/p-1", product_payload()).status_code == 401


def test_a_revoked_token_is_refused(db: None) -> None:
    created = token_create(name="shop")
    token_revoke(name="shop")

    response = StoreClient(created.secret).put("/products/p-1", product_payload())

    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


def test_only_a_hash_and_a_prefix_are_stored(db: None) -> None:
    created = token_create(name="shop")

    assert created.secret.startswith("sd_")
    assert len(created.secret) == 43
    row = ApiToken.objects.get()
    assert created.secret not in {row.token_hash, row.prefix}
    assert created.secret.startswith(row.prefix)


def test_last_used_is_written_at_most_once_a_minute(db: None) -> None:
    created = token_create(name="shop")
    client = StoreClient(created.secret)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        client.put("/products/p-1", product_payload())
        first = ApiToken.objects.get().last_used_at
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, 30, tzinfo=dt.UTC), tick=False):
        client.put("/products/p-1", product_payload())
        assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 1, 30, tzinfo=dt.UTC), tick=False):
        client.put("/products/p-1", product_payload())
        assert ApiToken.objects.get().last_used_at > first


def test_openapi_lists_the_integration_with_bearer_auth(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/store/orders/{number}"]["put"]
    assert operation["tags"] == ["store integration"]
    assert operation["summary"] == "Create or update an order"
    assert {"200", "201", "401", "422"} <= set(operation["responses"])
    assert operation["security"]
