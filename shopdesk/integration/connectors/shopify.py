"""Shopify webhooks (REST Admin API payloads) as shopdesk upserts.

Topics: orders/create, orders/updated, orders/cancelled (the order), fulfillments/create and
fulfillments/update (a package), refunds/create (a note on the order: shopdesk records its own refunds).
Amounts are the customer's (`presentment_money` of each `*_set`, the shop's when there is none), so a
multi-currency order is kept in the currency the customer paid in. The order's `updated_at` is its
version: a delivery older than the last one applied is answered stale and writes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.integration.bulk import BatchResult
from shopdesk.integration.connectors.common import (
    PlatformLine,
    apply_items,
    carrier_and_warehouse,
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

ORDER_TOPICS = ("orders/create", "orders/updated", "orders/cancelled")
FULFILLMENT_TOPICS = ("fulfillments/create", "fulfillments/update")
REFUND_TOPICS = ("refunds/create",)
TOPICS = ORDER_TOPICS + FULFILLMENT_TOPICS + REFUND_TOPICS

# Shopify's shipment_status of a fulfilment → shopdesk tracking status.
SHIPMENT_STATUS = {
    "label_printed": "label_created",
    "label_purchased": "label_created",
    "confirmed": "label_created",
    "in_transit": "in_transit",
    "out_for_delivery": "out_for_delivery",
    "attempted_delivery": "delivery_attempted",
    "ready_for_pickup": "available_for_pickup",
    "delivered": "delivered",
    "failure": "exception",
}
# financial_status → the payment state it means (refunds do not change a captured payment's state).
FINANCIAL_STATE = {
    "pending": "pending",
    "authorized": "authorised",
    "partially_paid": "captured",
    "paid": "captured",
    "partially_refunded": "captured",
    "refunded": "captured",
    "voided": "voided",
}


def _amount(payload: dict[str, Any], name: str, currency: str) -> Decimal:
    """`name`_set's presentment money when present, else the plain field."""
    money_set = payload.get(f"{name}_set") or {}
    presentment = money_set.get("presentment_money") or {}
    if presentment.get("amount") not in (None, ""):
        return money(presentment["amount"], currency)
    return money(payload.get(name), currency)


def _currency(order: dict[str, Any]) -> str:
    return str(order.get("presentment_currency") or order.get("currency") or "").upper()


def _sku(item: dict[str, Any]) -> str:
    """The line's SKU; a custom item or a variant without one gets a stable stand-in."""
    sku = str(item.get("sku") or "").strip()
    if sku:
        return sku
    if item.get("variant_id"):
        return f"shopify-variant-{item['variant_id']}"
    return f"shopify-item-{item.get('id')}"


def _address(address: dict[str, Any] | None) -> dict[str, Any] | None:
    if not address:
        return None
    name = address.get("name") or " ".join(
        part for part in (address.get("first_name"), address.get("last_name")) if part
    )
    return {
        "name": name or "",
        "company": address.get("company") or "",
        "line1": address.get("address1") or "",
        "line2": address.get("address2") or "",
        "city": address.get("city") or "",
        "region": address.get("province_code") or address.get("province") or "",
        "postcode": address.get("zip") or "",
        "country": address.get("country_code") or "",
        "phone": address.get("phone") or "",
    }


def _line(item: dict[str, Any], currency: str) -> dict[str, Any]:
    quantity = int(item.get("quantity") or 0)
    discount = sum(
        (_amount(allocation, "amount", currency) for allocation in item.get("discount_allocations") or []),
        Decimal(0),
    )
    if not item.get("discount_allocations"):
        discount = _amount(item, "total_discount", currency)
    tax = sum((_amount(tax_line, "price", currency) for tax_line in item.get("tax_lines") or []), Decimal(0))
    line: dict[str, Any] = {
        "external_id": str(item["id"]),
        "sku": _sku(item),
        "quantity": quantity,
        "unit_price": str(_amount(item, "price", currency)),
        "discount_amount": str(discount),
        "tax_amount": str(tax),
        "product_name": str(item.get("title") or item.get("name") or "")[:200] or None,
    }
    # current_quantity: what is left after the merchant removed or refunded-and-cancelled units.
    if item.get("current_quantity") is not None:
        line["quantity_cancelled"] = max(quantity - int(item["current_quantity"]), 0)
    return line


def _payment(order: dict[str, Any], number: str, total: Decimal) -> dict[str, Any] | None:
    state = FINANCIAL_STATE.get(str(order.get("financial_status") or ""))
    if state is None:
        return None
    external_id = f"shopify-order-{order['id']}"
    gateways = order.get("payment_gateway_names") or [order.get("gateway") or ""]
    payment: dict[str, Any] = {
        "external_id": external_id,
        "method": payment_method_code(" ".join(str(g) for g in gateways)),
        "provider": str(gateways[0] if gateways else "")[:40],
        "amount": str(total),
    }
    current = Payment.objects.filter(external_id=external_id).values_list("state", flat=True).first()
    # A state the payment cannot move to from where it is (Shopify lags behind a provider event) is left out.
    if current is None or state == current or state in PAYMENT_TRANSITIONS[current]:
        payment["state"] = state
        if state == "captured":
            payment |= {"amount_authorised": str(total), "amount_captured": str(total)}
        elif state == "authorised":
            payment["amount_authorised"] = str(total)
    return payment


def order_item(order: dict[str, Any]) -> dict[str, Any]:
    """A Shopify order as a bulk `order` item."""
    currency = _currency(order)
    number = order_number(order.get("order_number") or order.get("name") or "")
    shipping = _address(order.get("shipping_address")) or _address(order.get("billing_address"))
    customer = order.get("customer") or {}
    email = order.get("email") or order.get("contact_email") or customer.get("email") or ""
    lines = [_line(item, currency) for item in order.get("line_items") or []]
    shipping_lines = order.get("shipping_lines") or []
    total = _amount(order, "total_price", currency)
    item: dict[str, Any] = {
        "type": "order",
        "number": number,
        "external_id": str(order["id"]),
        "email": email,
        "currency": currency,
        "placed_at": order.get("created_at"),
        "updated_at": order.get("updated_at"),
        "shipping_method": shipping_method_code(" ".join(str(s.get("title") or "") for s in shipping_lines)),
        "shipping_address": shipping,
        "billing_address": _address(order.get("billing_address")),
        "lines": lines,
        "subtotal": str(sum((Decimal(line["unit_price"]) * line["quantity"] for line in lines), Decimal(0))),
        "discount_total": str(_amount(order, "total_discounts", currency)),
        "shipping_total": str(sum((_amount(s, "price", currency) for s in shipping_lines), Decimal(0))),
        "tax_total": str(_amount(order, "total_tax", currency)),
        "total": str(total),
        "coupons": [
            {"code": str(code.get("code") or "")[:40], "amount": str(money(code.get("amount"), currency))}
            for code in order.get("discount_codes") or []
        ],
    }
    if customer.get("id"):
        name = " ".join(part for part in (customer.get("first_name"), customer.get("last_name")) if part)
        item["customer"] = {"external_id": f"shopify-{customer['id']}", **({"name": name} if name else {})}
    if order.get("cancelled_at"):
        item["cancelled_at"] = order["cancelled_at"]
        item["cancel_reason"] = str(order.get("cancel_reason") or "")[:200]
    if order.get("customer_locale"):
        item["locale"] = str(order["customer_locale"]).replace("-", "_")
    payment = _payment(order, number, total)
    if payment is not None:
        item["payments"] = [payment]
    return item


def _catalog_lines(order: dict[str, Any]) -> list[PlatformLine]:
    return [
        PlatformLine(
            product_key=str(item.get("product_id") or f"item-{item.get('id')}"),
            sku=_sku(item),
            name=str(item.get("title") or item.get("name") or ""),
            variant_title=str(item.get("variant_title") or ""),
            # The catalog is in the store's currency: the shop's money, not the customer's.
            price=money(
                ((item.get("price_set") or {}).get("shop_money") or {}).get("amount") or item.get("price"),
                "USD",
            ),
        )
        for item in order.get("line_items") or []
    ]


def _order_of(shopify_order_id: Any) -> Order:
    order = Order.objects.filter(external_id=str(shopify_order_id)).select_related("shipping_address").first()
    if order is None:
        raise NotFound(
            f"Shopify order {shopify_order_id} has not reached shopdesk yet; its orders/create delivery "
            "comes first (Shopify retries this one).",
            code="unknown_order",
        )
    return order


def fulfillment_item(fulfillment: dict[str, Any]) -> dict[str, Any]:
    """A Shopify fulfilment as a bulk `shipment` item (a split fulfilment is one package each)."""
    order = _order_of(fulfillment.get("order_id"))
    company = str(fulfillment.get("tracking_company") or "")
    carrier, warehouse = carrier_and_warehouse(order=order, company=company)
    numbers = fulfillment.get("tracking_numbers") or [fulfillment.get("tracking_number") or ""]
    item: dict[str, Any] = {
        "type": "shipment",
        "order_number": order.number,
        "external_id": f"shopify-{fulfillment['id']}",
        "carrier": carrier,
        "service": str(fulfillment.get("service") or "")[:40]
        if fulfillment.get("service") != "manual"
        else "",
        "tracking_number": str(numbers[0] or "")[:40],
        "origin_warehouse": warehouse,
        "shipped_at": fulfillment.get("created_at"),
        "lines": [
            {
                "sku": _sku(line),
                "quantity": int(line.get("quantity") or 0),
                "line_external_id": str(line["id"]),
            }
            for line in fulfillment.get("line_items") or []
        ],
    }
    status = SHIPMENT_STATUS.get(str(fulfillment.get("shipment_status") or ""))
    if status is not None and fulfillment.get("updated_at"):
        item["events"] = [{"occurred_at": fulfillment["updated_at"], "status": status}]
    return item


def refund_message(refund: dict[str, Any], currency: str) -> str:
    amount = sum(
        (
            money(t.get("amount"), currency)
            for t in refund.get("transactions") or []
            if t.get("kind") == "refund" and t.get("status") in (None, "success")
        ),
        Decimal(0),
    )
    units = sum(int(line.get("quantity") or 0) for line in refund.get("refund_line_items") or [])
    parts = [f"Refunded in Shopify (refund {refund.get('id')}): {amount} {currency}"]
    if units:
        parts.append(f"{units} unit(s)")
    if refund.get("note"):
        parts.append(f"note: {refund['note']}")
    return "; ".join(parts) + "."


def handle(topic: str, payload: dict[str, Any], *, actor: Actor) -> BatchResult | None:
    """Apply one delivery; None for a refund (a note, no batch)."""
    if topic in ORDER_TOPICS:
        return apply_items(
            [*catalog_items("shopify", _catalog_lines(payload)), order_item(payload)], actor=actor
        )
    if topic in FULFILLMENT_TOPICS:
        return apply_items([fulfillment_item(payload)], actor=actor)
    if topic in REFUND_TOPICS:
        order = _order_of(payload.get("order_id"))
        store_refund_note(
            source="shopify-refund",
            refund_id=str(payload.get("id")),
            order=order,
            message=refund_message(payload, order.currency),
            actor=actor,
        )
        return None
    raise InvalidInput(
        f"Topic {topic!r} is not one shopdesk takes from Shopify ({', '.join(TOPICS)}).", code="unknown_topic"
    )
