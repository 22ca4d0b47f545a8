"""A Shopify order export (Admin → Orders → Export, CSV) as bulk items: one order per `Name`, one line
per row; the order's own columns are filled on its first row only. SKUs shopdesk does not know yet are
created first (one product item each), as the webhooks do.

A SKU on two rows of one order gets a line id (`SKU#2` for the second), since the export has none.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from shopdesk.integration.connectors.common import (
    PlatformLine,
    catalog_items,
    money,
    order_number,
    payment_method_code,
    shipping_method_code,
)
from shopdesk.integration.connectors.shopify import FINANCIAL_STATE

REQUIRED = ("Name", "Email", "Created at", "Lineitem quantity", "Lineitem price", "Lineitem sku", "Total")


def header_problem(columns: list[str]) -> str | None:
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        return f"not a Shopify order export: missing column(s) {', '.join(missing)}"
    return None


def _time(value: str) -> str | None:
    """`2026-03-02 11:15:00 +0100` (the export's format) as ISO 8601; ISO passes through."""
    value = value.strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z"):
        try:
            return dt.datetime.strptime(value, pattern).isoformat()
        except ValueError:
            continue
    return value  # the schema says what is wrong with it


def _address(row: dict[str, str], prefix: str) -> dict[str, str] | None:
    def get(name: str) -> str:
        return (row.get(f"{prefix} {name}") or "").strip()

    if not (get("Address1") or get("Street")):
        return None
    return {
        "name": get("Name"),
        "company": get("Company"),
        "line1": get("Address1") or get("Street"),
        "line2": get("Address2"),
        "city": get("City"),
        "region": get("Province"),
        "postcode": get("Zip").lstrip("'"),
        "country": get("Country"),
        "phone": get("Phone").lstrip("'"),
    }


def _sku(row: dict[str, str]) -> str:
    sku = (row.get("Lineitem sku") or "").strip()
    return sku or f"shopify-{(row.get('Lineitem name') or 'item').strip().lower().replace(' ', '-')[:50]}"


def order_item(rows: list[dict[str, str]]) -> dict[str, Any]:
    """One order of the export; the first row carries the order's columns."""
    first = rows[0]
    currency = (first.get("Currency") or "").strip().upper()
    seen: dict[str, int] = {}
    lines = []
    for row in rows:
        sku = _sku(row)
        seen[sku] = seen.get(sku, 0) + 1
        line: dict[str, Any] = {
            "sku": sku,
            "quantity": int((row.get("Lineitem quantity") or "0").strip() or 0),
            "unit_price": str(money(row.get("Lineitem price"), currency)),
            "discount_amount": str(money(row.get("Lineitem discount"), currency)),
            "product_name": (row.get("Lineitem name") or "").strip()[:200] or None,
        }
        if sum(_sku(other) == sku for other in rows) > 1:
            line["external_id"] = f"{sku}#{seen[sku]}"
        lines.append(line)
    total = money(first.get("Total"), currency)
    shipping = _address(first, "Shipping") or _address(first, "Billing")
    item: dict[str, Any] = {
        "type": "order",
        "number": order_number(first.get("Name") or ""),
        "email": (first.get("Email") or "").strip(),
        "currency": currency or None,
        "placed_at": _time(first.get("Created at") or ""),
        "shipping_method": shipping_method_code(first.get("Shipping Method") or ""),
        "shipping_address": shipping,
        "billing_address": _address(first, "Billing"),
        "lines": lines,
        "subtotal": str(money(first.get("Subtotal"), currency)),
        "discount_total": str(money(first.get("Discount Amount"), currency)),
        "shipping_total": str(money(first.get("Shipping"), currency)),
        "tax_total": str(money(first.get("Taxes"), currency)),
        "total": str(total),
    }
    if (first.get("Id") or "").strip():
        item["external_id"] = first["Id"].strip()
    if code := (first.get("Discount Code") or "").strip():
        item["coupons"] = [{"code": code[:40], "amount": item["discount_total"]}]
    if cancelled := _time(first.get("Cancelled at") or ""):
        item["cancelled_at"] = cancelled
    if notes := (first.get("Notes") or "").strip():
        item["notes"] = notes
    state = FINANCIAL_STATE.get((first.get("Financial Status") or "").strip())
    if state is not None and (first.get("Payment Method") or first.get("Id")):
        payment: dict[str, Any] = {
            "external_id": f"shopify-order-{(first.get('Id') or first.get('Name') or '').strip().lstrip('#')}",
            "method": payment_method_code(first.get("Payment Method") or ""),
            "provider_reference": (first.get("Payment Reference") or "").strip()[:120],
            "amount": str(total),
            "state": state,
        }
        if state == "captured":
            payment |= {"amount_authorised": str(total), "amount_captured": str(total)}
        item["payments"] = [payment]
    return item


def read(path: Path) -> Iterator[tuple[list[int], dict[str, Any] | None, str | None]]:
    """(file lines, item, problem) for the catalog items first, then each order of the export."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        problem = header_problem(list(reader.fieldnames or []))
        if problem:
            raise ValueError(f"line 1: {problem}")
        groups: dict[str, tuple[list[int], list[dict[str, str]]]] = {}
        for row in reader:
            key = (row.get("Name") or "").strip() or f"#line{reader.line_num}"
            lines, rows = groups.setdefault(key, ([], []))
            lines.append(reader.line_num)
            rows.append(row)
    platform_lines = [
        PlatformLine(
            product_key=_sku(row),
            sku=_sku(row),
            name=(row.get("Lineitem name") or "").strip(),
            variant_title="",
            price=money(row.get("Lineitem price"), "USD"),
        )
        for _lines, rows in groups.values()
        for row in rows
    ]
    first_line = {sku: lines[0] for lines, rows in groups.values() for sku in map(_sku, rows)}
    for product in catalog_items("shopify", platform_lines):
        yield [first_line.get(product["variants"][-1]["sku"], 2)], product, None
    for lines, rows in groups.values():
        try:
            yield lines, order_item(rows), None
        except (ValueError, ArithmeticError) as exc:
            yield lines, None, f"cannot read this order: {exc}"
