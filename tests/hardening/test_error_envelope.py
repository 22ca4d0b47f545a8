"""One error envelope: bodies that do not parse (400 invalid_json), bodies too large (413), unknown
paths (404), the bulk endpoint's atomic 422, and the OpenAPI document listing each error answer."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from shopdesk.api.api import api
from shopdesk.api.schemas.results import BulkOut
from tests.integration import fixtures
from tests.integration.payloads import StoreClient, product_payload

store = fixtures.store


def _envelope(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [b'{"email": "a', b'\xff\xfe\x00{"email": "a@b.example"}', b"[" * 100_000 + b"]" * 100_000],
    ids=["truncated", "bad-utf8", "deep-nesting"],
)
def test_a_body_that_does_not_parse_is_a_400_invalid_json(client: Client, raw: bytes) -> None:
    response = client.post("/api/v1/customer/magic-link", raw, content_type="application/json")
    assert _envelope(response, 400, "invalid_json")["fields"] == []


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_body_over_the_limit_is_a_413_in_the_envelope(store: StoreClient) -> None:
    response = store.client.post(
        "/api/v1/store/bulk",
        b'{"items": [' + b'{"type": "product"},' * 2000 + b"{}]}",
        content_type="application/json",
        headers=store.headers,
    )
    _envelope(response, 413, "payload_too_large")


@pytest.mark.django_db
def test_an_unknown_api_path_and_a_missing_token_answer_in_the_envelope(client: Client) -> None:
    _envelope(client.get("/api/v1/no-such-thing"), 404, "not_found")
    _envelope(client.get("/api/v1/customer/orders"), 401, "unauthorized")


def test_the_atomic_bulk_422_matches_its_documented_schema(store: StoreClient) -> None:
    bad = {"type": "product", "external_id": "p-2", "name": "", "variants": []}
    good = {"type": "product", "external_id": "p-1", **product_payload()}
    response = store.post("/bulk?atomic=true", {"items": [good, bad]})
    assert response.status_code == 422
    BulkOut.model_validate(response.json())  # the documented 422 body (per-item results)


def test_the_openapi_lists_each_operations_error_answers_with_the_envelope() -> None:
    document = api.get_openapi_schema()
    session = document["paths"]["/api/v1/customer/session"]["post"]["responses"]
    assert {400, 413, 422, 429} <= set(session)
    order = document["paths"]["/api/v1/store/orders/{number}"]["put"]["responses"]
    assert {400, 401, 404, 409, 413, 422} <= set(order)
    envelope = order[422]["content"]["application/json"]["schema"]
    assert envelope == {"$ref": "#/components/schemas/ErrorEnvelope"}
    assert "ErrorEnvelope" in document["components"]["schemas"]
    magic = document["paths"]["/api/v1/customer/magic-link/session"]["post"]["responses"]
    assert 410 in magic
