"""What the Shopify and WooCommerce connectors share: the signature check, the secrets, and turning a
platform payload into shopdesk's bulk items, written as one atomic batch through `bulk_apply` (the same
schemas, services and error report as the store API).

A connector never writes a row itself: it translates. The only things it adds are the catalog rows an
order needs (a SKU shopdesk has not seen is created under the platform's product, keeping the product's
other variants) and an order note for a refund made in the store, kept once per refund id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shopdesk.catalog.models import Product, Variant
from shopdesk.core.actors import Actor
from shopdesk.core.money import quantize
from shopdesk.integration.bulk import BatchResult, bulk_apply
from shopdesk.orders import events
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order
from shopdesk.policy.loader import get_policy
from shopdesk.webhooks.enums import InboundOutcome
from shopdesk.webhooks.models import InboundEvent

SECRET_SETTINGS = {
    "shopify": "SHOPDESK_SHOPIFY_WEBHOOK_SECRET",
    "woocommerce": "SHOPDESK_WOOCOMMERCE_WEBHOOK_SECRET",
}


def connector_secret(platform: str) -> str:
    """The shared secret of a connector (setting or environment variable); empty: not configured."""
    name = SECRET_SETTINGS[platform]
    return str(getattr(settings, name, "") or "")


def signature_valid(*, secret: str, body: bytes, signature: str | None) -> bool:
    """The base64 HMAC-SHA256 of the raw body with `secret`, compared in constant time."""
    if not secret or not signature:
        return False
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected.encode(), signature.strip().encode())


def money(value: Any, currency: str) -> Decimal:
    """A platform amount (string or number) in the currency's minor unit; missing counts as zero."""
    if value in (None, ""):
        return Decimal(0)
    return quantize(Decimal(str(value)), currency)


def order_number(serial: Any) -> str:
    """The platform's order number in the store's format (prefix and digits of the policy)."""
    digits = "".join(character for character in str(serial) if character.isdigit())
    return get_policy().format_order_number(int(digits or 0))


def shipping_method_code(title: str) -> str:
    """A shipping line's title as a policy method code: `express` when it says so, else `standard`."""
    lowered = title.lower()
    return "express" if any(word in lowered for word in ("express", "overnight", "next day")) else "standard"


def payment_method_code(name: str) -> str:
    """A gateway name as a policy payment method code (`card` unless it names another known method)."""
    lowered = name.lower().replace("-", "_").replace(" ", "_")
    codes = [method.code for method in get_policy().payments.methods]
    return next((code for code in codes if code != "card" and code in lowered), "card")


def carrier_and_warehouse(*, order: Order, company: str) -> tuple[str, str]:
    """The policy carrier a tracking company names, else the carrier of the order's shipping method in
    its zone; the zone's first warehouse (platforms name their own locations)."""
    policy = get_policy()
    zone = policy.zone_for_country(order.shipping_address.country)
    lowered = company.lower()
    carrier = next(
        (c.code for c in policy.shipping.carriers if c.code in lowered or c.name.lower() in lowered), None
    )
    if carrier is None and zone is not None and (method := zone.method(order.shipping_method)):
        carrier = method.carrier
    warehouse = zone.warehouses[0] if zone is not None else policy.store.warehouses[0].code
    return carrier or policy.shipping.carriers[0].code, warehouse


@dataclass(frozen=True, slots=True)
class PlatformLine:
    """A line item as the catalog needs it: shopdesk creates its SKU when it does not know it yet."""

    product_key: str  # the platform's product id, as the product's external_id
    sku: str
    name: str
    variant_title: str
    price: Decimal


def catalog_items(platform: str, lines: Iterable[PlatformLine]) -> list[dict[str, Any]]:
    """Product items for the SKUs shopdesk lacks, each with the product's variants it already has (a
    product upsert deactivates the variants it is not sent)."""
    wanted = list(lines)
    known = set(Variant.objects.filter(sku__in=[line.sku for line in wanted]).values_list("sku", flat=True))
    products: dict[str, dict[str, Any]] = {}
    for line in wanted:
        if line.sku in known:
            continue
        external_id = f"{platform}-{line.product_key}"
        item = products.get(external_id)
        if item is None:
            existing = Product.objects.filter(external_id=external_id).first()
            variants = (
                [
                    {
                        "sku": v.sku,
                        "size": v.size,
                        "colour": v.colour,
                        "price": str(v.price),
                        "price_kind": v.price_kind,
                        "stock": v.stock,
                        "active": v.active,
                    }
                    for v in Variant.objects.filter(product=existing).order_by("id")
                ]
                if existing is not None
                else []
            )
            item = {
                "type": "product",
                "external_id": external_id,
                "name": existing.name if existing is not None else line.name[:200] or line.sku,
                "variants": variants,
            }
            products[external_id] = item
        if all(variant["sku"] != line.sku for variant in item["variants"]):
            item["variants"].append(
                {"sku": line.sku, "size": line.variant_title[:20], "price": str(line.price)}
            )
        known.add(line.sku)
    return list(products.values())


def apply_items(items: list[dict[str, Any]], *, actor: Actor) -> BatchResult:
    """One delivery, one transaction: a payload that fails anywhere writes nothing (the platform retries)."""
    return bulk_apply(batch=items, actor=actor, atomic=True)


def store_refund_note(
    *, source: str, refund_id: str, order: Order, message: str, actor: Actor, at: Any = None
) -> bool:
    """An order note for a refund made in the store, once per refund id; True when it was new.

    shopdesk records its own refunds: a store refund moves no money here, it tells the agent."""
    with transaction.atomic():
        if InboundEvent.objects.filter(source=source, event_id=refund_id).exists():
            return False
        try:
            with transaction.atomic():
                InboundEvent.objects.create(
                    source=source,
                    event_id=refund_id,
                    object_id=order.pk,
                    kind="store_refund",
                    outcome=InboundOutcome.APPLIED,
                    status_after="",
                    received_at=timezone.now(),
                )
        except IntegrityError:
            return False  # the same refund, recorded by a concurrent delivery
        events.order_event_record(
            order=order, kind=OrderEventKind.NOTE, actor=actor, message=message[:500], at=at
        )
    return True
