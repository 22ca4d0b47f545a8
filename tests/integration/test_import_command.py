"""`shopdesk import FILE`: CSV and JSON Lines through the API's schemas and services; bad rows are
reported by line number, good rows are kept, the exit code says whether anything failed."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from shopdesk.catalog.models import Variant
from shopdesk.orders.models import Order
from shopdesk.shipping.models import Shipment
from tests.integration.payloads import order_payload, product_payload, shipment_payload

ORDER_HEADER = (
    "number,email,placed_at,ship_name,ship_line1,ship_city,ship_postcode,ship_country,total,coupons,"
    "line_sku,line_quantity,line_unit_price,payment_external_id,payment_method,payment_amount,"
    "payment_state,payment_amount_captured"
)


def _import(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import", str(path), *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def catalog_csv(tmp_path: Path) -> Path:
    return _write(
        tmp_path,
        "products.csv",
        (
            "external_id,name,category,sku,size,colour,price,stock\n"
            "p-100,Linen shirt,shirts,TS-100-S,S,Navy,49.00,5\n"
            "p-100,Linen shirt,shirts,TS-100-M,M,Navy,49.00,5\n"
            "p-200,Canvas tote,bags,BG-200,,Sand,25.00,9\n"
        ),
    )


def test_products_csv_groups_variants_by_product(db: None, catalog_csv: Path, capsys: Any) -> None:
    code, out, _ = _import(catalog_csv, "--type", "products")

    assert code == 0
    assert "2 created, 0 updated, 0 unchanged, 0 failed" in out
    assert Variant.objects.filter(product__external_id="p-100").count() == 2


def test_orders_csv_with_a_bad_row_reports_its_line_and_keeps_the_others(
    db: None, catalog_csv: Path, tmp_path: Path, capsys: Any
) -> None:
    _import(catalog_csv, "--type", "products")
    orders = _write(
        tmp_path,
        "orders.csv",
        "\n".join(
            [
                ORDER_HEADER,
                "KW00000001,ada@example.com,2026-03-02T10:00:00Z,Ada,1 Main St,New York,10002,US,147.00,WELCOME10:0,"
                "TS-100-M,2,49.00,pay-1,card,147.00,captured,147.00",
                "KW00000001,ada@example.com,2026-03-02T10:00:00Z,Ada,1 Main St,New York,10002,US,147.00,,TS-100-S,1,49.00,,,,,",
                "kw00000002,bob@example.com,2026-03-02T11:00:00Z,Bob,2 Main St,Boston,02110,US,49.00,,TS-100-S,0,49.00,,,,,",
                "KW00000003,cy@example.com,2026-03-02T12:00:00Z,Cy,3 Main St,Austin,73301,US,25.00,,BG-200,1,25.00,,,,,",
            ]
        )
        + "\n",
    )

    code, out, err = _import(orders, "--type", "orders")

    assert code == 1
    assert "line 4: lines.0.quantity: Input should be greater than 0" in err
    assert "2 created, 0 updated, 0 unchanged, 1 failed" in out
    order = Order.objects.get(number="KW00000001")
    assert sorted(order.lines.values_list("sku", "quantity")) == [("TS-100-M", 2), ("TS-100-S", 1)]
    assert order.payments.get().amount_captured == 147
    assert list(order.coupons.values_list("code", flat=True)) == ["WELCOME10"]
    assert not Order.objects.filter(number="KW00000002").exists()


def test_the_second_row_of_an_order_is_named_when_it_fails(
    db: None, catalog_csv: Path, tmp_path: Path
) -> None:
    _import(catalog_csv, "--type", "products")
    orders = _write(
        tmp_path,
        "orders.csv",
        "\n".join(
            [
                ORDER_HEADER,
                "KW00000001,ada@example.com,2026-03-02T10:00:00Z,Ada,1 Main St,New York,10002,US,98.00,,TS-100-M,1,49.00,,,,,",
                "KW00000001,ada@example.com,2026-03-02T10:00:00Z,Ada,1 Main St,New York,10002,US,98.00,,TS-404-M,1,49.00,,,,,",
            ]
        )
        + "\n",
    )

    code, _, err = _import(orders, "--type", "orders")

    assert code == 1
    assert 'line 3: lines.1.sku: Unknown SKU "TS-404-M"' in err
    assert not Order.objects.exists()  # an order is all its rows or nothing


def test_mixed_jsonl_with_a_bad_line(db: None, tmp_path: Path) -> None:
    rows = [
        {"type": "product", "external_id": "p-100", **product_payload()},
        {"type": "order", "number": "KW00000001", **order_payload()},
        "not json",
        {"type": "shipment", "order_number": "KW00000001", "external_id": "ship-1", **shipment_payload()},
        {
            "type": "tracking_event",
            "shipment_external_id": "ship-404",
            "occurred_at": "2026-03-03T08:00:00Z",
            "status": "in_transit",
        },
    ]
    path = _write(
        tmp_path, "feed.jsonl", "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n"
    )

    code, out, err = _import(path)

    assert code == 1
    assert "line 3: not valid JSON" in err
    assert 'line 5: shipment_external_id: Shipment "ship-404" does not exist' in err
    assert "3 created, 0 updated, 0 unchanged, 2 failed" in out
    assert Shipment.objects.count() == 1


def test_importing_twice_is_unchanged(db: None, catalog_csv: Path) -> None:
    _import(catalog_csv, "--type", "products")

    code, out, _ = _import(catalog_csv, "--type", "products")

    assert code == 0
    assert "0 created, 0 updated, 2 unchanged, 0 failed" in out


def test_dry_run_writes_nothing(db: None, catalog_csv: Path) -> None:
    code, out, _ = _import(catalog_csv, "--type", "products", "--dry-run")

    assert code == 0
    assert "2 created" in out and "dry run" in out
    assert not Variant.objects.exists()


def test_unknown_csv_column_stops_before_any_row(db: None, tmp_path: Path) -> None:
    path = _write(tmp_path, "products.csv", "external_id,sku,qty\np-1,A,1\n")

    with pytest.raises(CommandError, match="unknown column\\(s\\) qty"):
        _import(path, "--type", "products")


def test_csv_needs_a_type(db: None, catalog_csv: Path) -> None:
    with pytest.raises(CommandError, match="needs --type"):
        _import(catalog_csv)


def test_shipments_and_tracking_csv(db: None, catalog_csv: Path, tmp_path: Path) -> None:
    _import(catalog_csv, "--type", "products")
    feed = _write(
        tmp_path,
        "orders.jsonl",
        json.dumps(
            {
                "type": "order",
                "number": "KW00000001",
                **order_payload(lines=(("TS-100-M", 2), ("TS-100-S", 1)), total="147.00", payments=[]),
            }
        )
        + "\n",
    )
    _import(feed)
    shipments = _write(
        tmp_path,
        "shipments.csv",
        (
            "order_number,external_id,carrier,tracking_number,origin_warehouse,sku,quantity\n"
            "KW00000001,ship-1,ups,1Z999AA10123456784,us-nj,TS-100-M,2\n"
            "KW00000001,ship-2,dhl,1234567890,eu-nl,TS-100-S,1\n"
        ),
    )
    scans = _write(
        tmp_path,
        "scans.csv",
        (
            "shipment_external_id,occurred_at,status,location\n"
            "ship-1,2026-03-03T08:00:00Z,in_transit,Edison NJ\n"
            "ship-2,2026-03-03T09:00:00Z,delivered,\n"
        ),
    )

    assert _import(shipments, "--type", "shipments")[0] == 0
    code, out, _ = _import(scans, "--type", "tracking_events")

    assert code == 0
    assert "2 created" in out
    assert dict(Shipment.objects.values_list("external_id", "status")) == {
        "ship-1": "in_transit",
        "ship-2": "delivered",
    }
