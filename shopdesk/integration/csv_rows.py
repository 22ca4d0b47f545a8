"""CSV files of `shopdesk import`: the columns of each type, and rows turned into bulk items.

Orders, products and shipments take one row per line (per variant, per package line), with the
parent's columns repeated; rows are grouped by the parent's key. Empty cells mean "not sent".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ADDRESS = ("name", "company", "line1", "line2", "city", "region", "postcode", "country", "phone")

COLUMNS: dict[str, tuple[str, ...]] = {
    "products": (
        "external_id",
        "name",
        "slug",
        "description",
        "category",
        "category_name",
        "final_sale",
        "hygiene",
        "custom_made",
        "gift_card",
        "published_at",
        "active",
        "price_changed_at",
        "sku",
        "size",
        "colour",
        "price",
        "price_kind",
        "stock",
        "variant_active",
    ),
    "customers": ("external_id", "email", "name", "locale", "country", "phone"),
    "orders": (
        "number",
        "external_id",
        "email",
        "customer_external_id",
        "customer_name",
        "customer_phone",
        "currency",
        "locale",
        "placed_at",
        "shipping_method",
        *(f"ship_{name}" for name in ADDRESS),
        *(f"bill_{name}" for name in ADDRESS),
        "subtotal",
        "discount_total",
        "shipping_total",
        "tax_total",
        "duties_total",
        "total",
        "points_used",
        "points_value",
        "coupons",
        "cancelled_at",
        "cancel_reason",
        "notes",
        "line_sku",
        "line_quantity",
        "line_unit_price",
        "line_discount",
        "line_tax",
        "line_quantity_cancelled",
        "line_product_name",
        "payment_external_id",
        "payment_method",
        "payment_provider",
        "payment_state",
        "payment_amount",
        "payment_amount_authorised",
        "payment_amount_captured",
        "payment_decline_code",
        "payment_card_brand",
        "payment_card_last4",
    ),
    "shipments": (
        "order_number",
        "external_id",
        "carrier",
        "service",
        "tracking_number",
        "origin_warehouse",
        "shipped_at",
        "sku",
        "quantity",
    ),
    "tracking_events": ("shipment_external_id", "occurred_at", "status", "location", "description"),
    "payments": (
        "external_id",
        "order_number",
        "method",
        "provider",
        "provider_reference",
        "currency",
        "amount",
        "amount_authorised",
        "amount_captured",
        "state",
        "decline_code",
        "verification_status",
        "card_brand",
        "card_last4",
        "created_at",
    ),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "products": ("external_id", "sku"),
    "customers": ("email",),
    "orders": ("number", "line_sku"),
    "shipments": ("order_number", "external_id", "sku"),
    "tracking_events": ("shipment_external_id",),
    "payments": ("external_id", "order_number"),
}
GROUP_KEY = {"products": "external_id", "orders": "number", "shipments": "external_id"}


@dataclass(slots=True)
class CsvGroup:
    """The rows of one item (one order), with their line numbers in the file."""

    lines: list[int] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)


def header_problem(kind: str, header: Iterable[str]) -> str | None:
    header = list(header)
    unknown = [name for name in header if name not in COLUMNS[kind]]
    missing = [name for name in REQUIRED[kind] if name not in header]
    if unknown:
        return f"unknown column(s) {', '.join(unknown)}; {kind} files take: {', '.join(COLUMNS[kind])}"
    if missing:
        return f"missing column(s) {', '.join(missing)}"
    return None


def _sent(row: dict[str, str], *names: str, prefix: str = "") -> dict[str, str]:
    """The non-empty cells among `names`, keyed without `prefix`."""
    return {name: value for name in names if (value := (row.get(prefix + name) or "").strip())}


def _first(rows: list[dict[str, str]], name: str) -> str:
    return next((value for row in rows if (value := (row.get(name) or "").strip())), "")


def _coupons(cell: str) -> list[dict[str, str]]:
    """`SPRING10:5.00;FREESHIP` → [{code, amount}, {code}]."""
    coupons = []
    for part in filter(None, (piece.strip() for piece in cell.split(";"))):
        code, _, amount = part.partition(":")
        coupons.append({"code": code.strip(), **({"amount": amount.strip()} if amount.strip() else {})})
    return coupons


def product_item(group: CsvGroup) -> dict[str, Any]:
    head = group.rows[0]
    item: dict[str, Any] = {"type": "product", **_sent(head, *COLUMNS["products"][:13])}
    item["variants"] = [
        {
            **_sent(row, "sku", "size", "colour", "price", "price_kind", "stock"),
            **(
                {"active": row["variant_active"].strip()} if (row.get("variant_active") or "").strip() else {}
            ),
        }
        for row in group.rows
    ]
    return item


def order_item(group: CsvGroup) -> dict[str, Any]:
    rows, head = group.rows, group.rows[0]
    item: dict[str, Any] = {
        "type": "order",
        **_sent(
            head,
            "number",
            "external_id",
            "email",
            "currency",
            "locale",
            "placed_at",
            "shipping_method",
            "subtotal",
            "discount_total",
            "shipping_total",
            "tax_total",
            "duties_total",
            "total",
            "points_used",
            "points_value",
            "cancelled_at",
            "cancel_reason",
            "notes",
        ),
    }
    customer = {
        key.removeprefix("customer_"): value
        for key, value in _sent(head, "customer_external_id", "customer_name", "customer_phone").items()
    }
    if customer:
        item["customer"] = customer
    item["shipping_address"] = _sent(head, *ADDRESS, prefix="ship_")
    if billing := _sent(head, *ADDRESS, prefix="bill_"):
        item["billing_address"] = billing
    if coupons := _first(rows, "coupons"):
        item["coupons"] = _coupons(coupons)
    renamed = {
        "line_sku": "sku",
        "line_quantity": "quantity",
        "line_unit_price": "unit_price",
        "line_discount": "discount_amount",
        "line_tax": "tax_amount",
        "line_quantity_cancelled": "quantity_cancelled",
        "line_product_name": "product_name",
    }
    item["lines"] = [{renamed[key]: value for key, value in _sent(row, *renamed).items()} for row in rows]
    if payment := _sent(head, *(name for name in COLUMNS["orders"] if name.startswith("payment_"))):
        item["payments"] = [{key.removeprefix("payment_"): value for key, value in payment.items()}]
    return item


def shipment_item(group: CsvGroup) -> dict[str, Any]:
    head = group.rows[0]
    item: dict[str, Any] = {
        "type": "shipment",
        **_sent(
            head,
            "order_number",
            "external_id",
            "carrier",
            "service",
            "tracking_number",
            "origin_warehouse",
            "shipped_at",
        ),
    }
    item["lines"] = [_sent(row, "sku", "quantity") for row in group.rows]
    return item


def flat_item(kind: str, row: dict[str, str]) -> dict[str, Any]:
    singular = {"customers": "customer", "tracking_events": "tracking_event", "payments": "payment"}[kind]
    return {"type": singular, **_sent(row, *COLUMNS[kind])}


GROUPED_BUILDERS = {"products": product_item, "orders": order_item, "shipments": shipment_item}
