"""Store platform webhooks under /api/v1/connectors/: Shopify and WooCommerce send their own payloads,
signed with the connector's secret (base64 HMAC-SHA256 of the raw body); no API token.

A bad or missing signature is 401 and nothing is read. A delivery is applied as one atomic batch: 200
with the per-item results, or 422 (nothing written) so the platform retries it later.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from shopdesk.core.actors import Actor
from shopdesk.core.errors import DomainError, InvalidInput, NotFound
from shopdesk.integration.connectors import shopify, woocommerce
from shopdesk.integration.connectors.common import connector_secret, signature_valid

router = Router(tags=["store platform connectors"])


class SignatureInvalid(DomainError):
    code = "signature_invalid"
    http_status = 401


def _verified_json(request: HttpRequest, *, platform: str, header: str) -> Any:
    secret = connector_secret(platform)
    if not secret:
        raise NotFound(
            f"The {platform} connector is not configured (set its webhook secret).", code="connector_off"
        )
    if not signature_valid(secret=secret, body=request.body, signature=request.headers.get(header)):
        raise SignatureInvalid(f"The {header} signature does not match this connector's secret.")
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("The body is not JSON.") from None


def _answer(topic: str, result: Any) -> Status[dict[str, Any]]:
    if result is None:
        return Status(200, {"topic": topic, "committed": True, "results": []})
    body = {"topic": topic, **result.as_dict()}
    return Status(200 if result.committed else 422, body)


@router.post(
    "/shopify/webhooks",
    auth=None,
    response={200: dict[str, Any], 401: dict[str, Any], 404: dict[str, Any], 422: dict[str, Any]},
    summary="Shopify webhooks (orders, fulfillments, refunds)",
    description="Verifies X-Shopify-Hmac-Sha256 and applies orders/create, orders/updated, "
    "orders/cancelled, fulfillments/create, fulfillments/update and refunds/create.",
)
def post_shopify(request: HttpRequest) -> Status[dict[str, Any]]:
    payload = _verified_json(request, platform="shopify", header="X-Shopify-Hmac-Sha256")
    topic = request.headers.get("X-Shopify-Topic", "")
    if topic not in shopify.TOPICS or not isinstance(payload, dict):
        return Status(200, {"topic": topic, "committed": True, "results": [], "ignored": True})
    actor = Actor.integration(f"shopify {request.headers.get('X-Shopify-Shop-Domain', '')}".strip())
    return _answer(topic, shopify.handle(topic, payload, actor=actor))


@router.post(
    "/woocommerce/webhooks",
    auth=None,
    response={200: dict[str, Any], 401: dict[str, Any], 404: dict[str, Any], 422: dict[str, Any]},
    summary="WooCommerce webhooks (orders and their refunds)",
    description="Verifies X-WC-Webhook-Signature and applies order.created and order.updated.",
)
def post_woocommerce(request: HttpRequest) -> Status[dict[str, Any]]:
    payload = _verified_json(request, platform="woocommerce", header="X-WC-Webhook-Signature")
    topic = request.headers.get("X-WC-Webhook-Topic", "")
    if topic not in woocommerce.TOPICS or not isinstance(payload, dict):
        # Woo's ping when a webhook is saved, and topics shopdesk does not take.
        return Status(200, {"topic": topic, "committed": True, "results": [], "ignored": True})
    actor = Actor.integration(f"woocommerce {request.headers.get('X-WC-Webhook-Source', '')}".strip())
    return _answer(topic, woocommerce.handle(topic, payload, actor=actor))
