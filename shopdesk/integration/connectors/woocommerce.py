"""WooCommerce webhooks (REST API v3 order payloads) as shopdesk upserts.

Topics: order.created and order.updated (the order, and a note per refund in its `refunds`). Woo's
times without a zone (`date_created_gmt`) are UTC. A line's `subtotal` is before coupons and `total`
after, so the unit price is subtotal ÷ quantity and the line's discount subtotal − total. The order's
`date_modified_gmt` is its version: an older delivery is answered stale and writes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopdesk.core.actors import Actor
from shopdesk.core.money import quantize
from shopdesk.integration.bulk import BatchResult
from shopdesk.integration.connectors.common import (
    PlatformLine,
    apply_items,
    catalog_items,
    money,
    order_number,
    payment_method_code,
    shipping_method_code,
    store_refund_note,
)
from shopdesk.orders.models import Order
from shopdesk.payments.enums import PAYMENT_TRANSITIONS
from shopdesk.payments.models import Payment

TOPICS = ("order.created", "order.updated")
STATUS_STATE = {
    "pending": "pending",
    "on-hold": "pending",
    "processing": "captured",
    "completed": "captured",
    "refunded": "captured",
}


def _utc(value: Any) -> str | None:
    if not value:
        return None
    text = str(value)
    return text if text.endswith("Z") or "+" in text[10:] else f"{text}Z"


def _address(address: dict[str, Any] | None, email_fallback: str = "") -> dict[str, Any] | None:
    if not address or not (address.get("address_1") or address.get("city")):
        return None
    name = " ".join(part for part in (address.get("first_name"), address.get("last_name")) if part)
    return {
        "name": name or email_fallback,
        "company": address.get("company") or "",
        "line1": address.get("address_1") or "",
        "line2": address.get("address_2") or "",
        "city": address.get("city") or "",
        "region": address.get("state") or "",
        "postcode": address.get("postcode") or "",
        "country": address.get("country") or "",
        "phone": address.get("phone") or "",
    }


def _sku(item: dict[str, Any]) -> str:
    """The line's SKU; a product without one gets a stable stand-in."""
    sku = str(item.get("sku") or "").strip()
    if sku:
        return sku
    ref = item.get("variation_id") or item.get("product_id")
    return f"woo-{ref}" if ref else f"woo-item-{item.get('id')}"


def _line(item: dict[str, Any], currency: str) -> dict[str, Any]:
    quantity = int(item.get("quantity") or 0)
    subtotal = money(item.get("subtotal"), currency)
    total = money(item.get("total"), currency)
    return {
        "external_id": str(item["id"]),
        "sku": _sku(item),
        "quantity": quantity,
        "unit_price": str(quantize(subtotal / quantity, currency) if quantity else subtotal),
        "discount_amount": str(max(subtotal - total, Decimal(0))),
        "tax_amount": str(money(item.get("total_tax"), currency)),
        "product_name": str(item.get("name") or "")[:200] or None,
    }


def _payment(order: dict[str, Any], total: Decimal) -> dict[str, Any] | None:
    status = str(order.get("status") or "")
    state = STATUS_STATE.get(status)
    if not order.get("payment_method") or state is None:
        return None
    if state == "pending" and order.get("date_paid_gmt"):
        state = "captured"
    external_id = f"woo-order-{order['id']}"
    payment: dict[str, Any] = {
        "external_id": external_id,
        "method": payment_method_code(
            f"{order.get('payment_method')} {order.get('payment_method_title') or ''}"
        ),
        "provider": str(order.get("payment_method") or "")[:40],
        "provider_reference": str(order.get("transaction_id") or "")[:120],
        "amount": str(total),
    }
    current = Payment.objects.filter(external_id=external_id).values_list("state", flat=True).first()
    if current is None or state == current or state in PAYMENT_TRANSITIONS[current]:
        payment["state"] = state
        if state == "captured":
            payment |= {"amount_authorised": str(total), "amount_captured": str(total)}
    return payment


def order_item(order: dict[str, Any]) -> dict[str, Any]:
    currency = str(order.get("currency") or "").upper()
    billing = order.get("billing") or {}
    email = billing.get("email") or ""
    shipping = _address(order.get("shipping"), email) or _address(billing, email)
    lines = [_line(item, currency) for item in order.get("line_items") or []]
    shipping_lines = order.get("shipping_lines") or []
    total = money(order.get("total"), currency)
    item: dict[str, Any] = {
        "type": "order",
        "number": order_number(order.get("number") or order.get("id")),
        "external_id": str(order["id"]),
        "email": email,
        "currency": currency,
        "placed_at": _utc(order.get("date_created_gmt")),
        "updated_at": _utc(order.get("date_modified_gmt")),
        "shipping_method": shipping_method_code(
            " ".join(f"{s.get('method_id') or ''} {s.get('method_title') or ''}" for s in shipping_lines)
        ),
        "shipping_address": shipping,
        "billing_address": _address(billing, email),
        "lines": lines,
        "subtotal": str(sum((Decimal(line["unit_price"]) * line["quantity"] for line in lines), Decimal(0))),
        "discount_total": str(money(order.get("discount_total"), currency)),
        "shipping_total": str(money(order.get("shipping_total"), currency)),
        "tax_total": str(money(order.get("total_tax"), currency)),
        "total": str(total),
        "coupons": [
            {"code": str(c.get("code") or "")[:40], "amount": str(money(c.get("discount"), currency))}
            for c in order.get("coupon_lines") or []
        ],
    }
    if order.get("customer_id"):
        item["customer"] = {"external_id": f"woo-{order['customer_id']}"}
    if order.get("status") == "cancelled":
        item["cancelled_at"] = _utc(order.get("date_modified_gmt"))
        item["cancel_reason"] = "Cancelled in WooCommerce"
    payment = _payment(order, total)
    if payment is not None:
        item["payments"] = [payment]
    return item


def _catalog_lines(order: dict[str, Any]) -> list[PlatformLine]:
    return [
        PlatformLine(
            product_key=str(item.get("product_id") or f"item-{item.get('id')}"),
            sku=_sku(item),
            name=str(item.get("name") or ""),
            variant_title="",
            price=quantize(money(item.get("subtotal"), "USD") / max(int(item.get("quantity") or 1), 1)),
        )
        for item in order.get("line_items") or []
    ]


def handle(topic: str, payload: dict[str, Any], *, actor: Actor) -> BatchResult:
    """Apply one order delivery, then note each refund in it that shopdesk has not seen."""
    result = apply_items(
        [*catalog_items("woocommerce", _catalog_lines(payload)), order_item(payload)], actor=actor
    )
    if not result.committed:
        return result
    order = Order.objects.filter(external_id=str(payload["id"])).first()
    if order is not None:
        for refund in payload.get("refunds") or []:
            amount = abs(money(refund.get("total"), order.currency))
            reason = f"; reason: {refund['reason']}" if refund.get("reason") else ""
            store_refund_note(
                source="woocommerce-refund",
                refund_id=str(refund.get("id")),
                order=order,
                message=f"Refunded in WooCommerce (refund {refund.get('id')}): {amount} {order.currency}{reason}.",
                actor=actor,
            )
    return result
