"""Shopify and WooCommerce webhooks, from payload files written after the platforms' documented shapes:
the signature decides (401, nothing written), orders map to shopdesk's upserts (multi-currency, one SKU
on two lines, discounts), split fulfilments become packages, refunds become notes, and a replayed or
older delivery changes nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from shopdesk.catalog.models import Variant
from shopdesk.orders.enums import OrderEventKind
from shopdesk.orders.models import Order, OrderEvent, OrderLine
from shopdesk.payments.models import Payment
from shopdesk.shipping.models import Shipment

HERE = Path(__file__).parent
SHOPIFY_SECRET = "shpss_test_connector_secret"
WOO_SECRET = "woo_test_connector_secret"


def _fixture(platform: str, name: str) -> bytes:
    return (HERE / platform / f"{name}.json").read_bytes()


def _sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@pytest.fixture
def connectors(db: None, settings: Any) -> None:
    settings.SHOPDESK_SHOPIFY_WEBHOOK_SECRET = SHOPIFY_SECRET
    settings.SHOPDESK_WOOCOMMERCE_WEBHOOK_SECRET = WOO_SECRET


def shopify(topic: str, name: str, *, secret: str = SHOPIFY_SECRET, body: bytes | None = None) -> Any:
    raw = body if body is not None else _fixture("shopify", name)
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": _sign(secret, raw),
        "X-Shopify-Shop-Domain": "kwoking.myshopify.com",
        "X-Shopify-Webhook-Id": f"wh-{name}",
    }
    return Client().post(
        "/api/v1/connectors/shopify/webhooks", data=raw, content_type="application/json", headers=headers
    )


def woo(topic: str, name: str, *, secret: str = WOO_SECRET) -> Any:
    raw = _fixture("woocommerce", name)
    headers = {
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Signature": _sign(secret, raw),
        "X-WC-Webhook-Source": "https://shop.example.com/",
    }
    return Client().post(
        "/api/v1/connectors/woocommerce/webhooks", data=raw, content_type="application/json", headers=headers
    )


def _rows() -> tuple[int, ...]:
    return (
        Order.objects.count(),
        OrderLine.objects.count(),
        OrderEvent.objects.count(),
        Payment.objects.count(),
        Shipment.objects.count(),
        Variant.objects.count(),
    )


# --- signatures ------------------------------------------------------------------------------------
def test_a_bad_shopify_signature_is_401_and_writes_nothing(connectors: None) -> None:
    response = shopify("orders/create", "orders_create", secret="not-the-secret")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "signature_invalid"
    assert _rows() == (0, 0, 0, 0, 0, 0)


def test_a_missing_signature_is_401(connectors: None) -> None:
    raw = _fixture("shopify", "orders_create")
    response = Client().post(
        "/api/v1/connectors/shopify/webhooks",
        data=raw,
        content_type="application/json",
        headers={"X-Shopify-Topic": "orders/create"},
    )

    assert response.status_code == 401
    assert _rows() == (0, 0, 0, 0, 0, 0)


def test_a_signature_of_another_body_is_401(connectors: None) -> None:
    raw = _fixture("shopify", "orders_create")
    tampered = raw.replace(b'"157.45"', b'"1.00"')
    headers = {"X-Shopify-Topic": "orders/create", "X-Shopify-Hmac-Sha256": _sign(SHOPIFY_SECRET, raw)}

    response = Client().post(
        "/api/v1/connectors/shopify/webhooks", data=tampered, content_type="application/json", headers=headers
    )

    assert response.status_code == 401
    assert Order.objects.count() == 0


def test_a_bad_woocommerce_signature_is_401(connectors: None) -> None:
    assert woo("order.created", "order_created", secret="wrong").status_code == 401
    assert _rows() == (0, 0, 0, 0, 0, 0)


def test_a_connector_without_a_secret_is_off(db: None) -> None:
    response = shopify("orders/create", "orders_create", secret="")

    assert response.status_code == 404
    assert Order.objects.count() == 0


# --- Shopify ---------------------------------------------------------------------------------------
def test_shopify_order_in_the_customers_currency_with_one_sku_on_two_lines(connectors: None) -> None:
    response = shopify("orders/create", "orders_create")

    assert response.status_code == 200, response.json()
    order = Order.objects.get(external_id="5512000001")
    assert order.number == "KW00001001"
    assert order.currency == "EUR"
    assert (order.subtotal, order.discount_total, order.shipping_total, order.total) == (
        Decimal("148.50"),
        Decimal("16.50"),
        Decimal("25.45"),
        Decimal("157.45"),
    )
    assert order.email == "lena.weber@example.de"
    assert order.shipping_address.country == "DE" and order.shipping_address.line2 == "Hinterhaus"
    assert list(order.coupons.values_list("code", "amount")) == [("SPRING10", Decimal("16.50"))]
    lines = {line.external_id: line for line in order.lines.all()}
    assert set(lines) == {"90001", "90002"}
    assert {line.sku for line in lines.values()} == {"SH-LIN-M"}
    assert (lines["90001"].quantity, lines["90001"].unit_price, lines["90001"].discount_amount) == (
        2,
        Decimal("49.50"),
        Decimal("9.90"),
    )
    assert lines["90002"].discount_amount == Decimal("6.60")
    payment = Payment.objects.get(order=order)
    assert (payment.state, payment.amount_captured, payment.currency) == (
        "captured",
        Decimal("157.45"),
        "EUR",
    )
    # The SKU shopdesk did not know was created under the platform's product, at the shop's price.
    variant = Variant.objects.get(sku="SH-LIN-M")
    assert variant.product.external_id == "shopify-2001" and variant.price == Decimal("54.00")


def test_shopify_replayed_and_older_deliveries_change_nothing(connectors: None) -> None:
    shopify("orders/create", "orders_create")
    assert shopify("orders/updated", "orders_updated").status_code == 200
    rows = _rows()

    replay = shopify("orders/updated", "orders_updated")
    late = shopify("orders/create", "orders_create")  # delivered again after the update

    assert replay.json()["results"][-1]["status"] == "unchanged"
    assert late.json()["results"][-1]["status"] == "stale"
    assert _rows() == rows
    line = OrderLine.objects.get(external_id="90002")
    assert line.quantity_cancelled == 1  # the update's removal stands


def test_shopify_cancelled_order(connectors: None) -> None:
    shopify("orders/create", "orders_create")

    response = shopify("orders/cancelled", "orders_cancelled")

    assert response.status_code == 200, response.json()
    order = Order.objects.get(external_id="5512000001")
    assert order.cancelled_at is not None and order.cancel_reason == "customer"


def test_shopify_split_fulfilments_are_packages_of_their_lines(connectors: None) -> None:
    shopify("orders/create", "orders_create")

    first = shopify("fulfillments/create", "fulfillments_create_first")
    second = shopify("fulfillments/create", "fulfillments_create_second")
    delivered = shopify("fulfillments/update", "fulfillments_update_second")

    assert [r.status_code for r in (first, second, delivered)] == [200, 200, 200], second.json()
    packages = {s.external_id: s for s in Shipment.objects.all()}
    assert set(packages) == {"shopify-4301", "shopify-4302"}
    assert (packages["shopify-4301"].carrier, packages["shopify-4301"].origin_warehouse) == ("dhl", "eu-nl")
    assert packages["shopify-4302"].carrier == "ups"
    assert packages["shopify-4302"].status == "delivered"
    units = {
        (s.external_id, line.order_line.external_id): line.quantity
        for s in packages.values()
        for line in s.lines.select_related("order_line")
    }
    assert units == {("shopify-4301", "90001"): 1, ("shopify-4302", "90001"): 1, ("shopify-4302", "90002"): 1}
    rows = _rows()
    assert shopify("fulfillments/update", "fulfillments_update_second").status_code == 200
    assert _rows() == rows


def test_a_fulfilment_before_its_order_is_refused_for_a_retry(connectors: None) -> None:
    response = shopify("fulfillments/create", "fulfillments_create_first")

    assert response.status_code == 404
    assert Shipment.objects.count() == 0


def test_shopify_refund_is_a_note_once(connectors: None) -> None:
    shopify("orders/create", "orders_create")

    shopify("refunds/create", "refunds_create")
    shopify("refunds/create", "refunds_create")

    notes = OrderEvent.objects.filter(kind=OrderEventKind.NOTE)
    assert notes.count() == 1
    assert "39.60 EUR" in notes.get().message and "88001" in notes.get().message


def test_an_invalid_shopify_order_writes_nothing(connectors: None) -> None:
    payload = json.loads(_fixture("shopify", "orders_create"))
    payload["email"] = payload["contact_email"] = "not-an-email"
    payload["customer"]["email"] = None

    response = shopify("orders/create", "x", body=json.dumps(payload).encode())

    assert response.status_code == 422
    assert response.json()["committed"] is False
    assert Order.objects.count() == 0 and Variant.objects.count() == 0


def test_a_topic_shopdesk_does_not_take_is_acknowledged(connectors: None) -> None:
    response = shopify("products/update", "orders_create")

    assert response.status_code == 200 and response.json()["ignored"] is True
    assert Order.objects.count() == 0


# --- WooCommerce -----------------------------------------------------------------------------------
def test_woocommerce_order_with_a_coupon(connectors: None) -> None:
    response = woo("order.created", "order_created")

    assert response.status_code == 200, response.json()
    order = Order.objects.get(external_id="727")
    assert order.number == "KW00000727"
    assert (order.subtotal, order.discount_total, order.tax_total, order.total) == (
        Decimal("100.00"),
        Decimal("10.00"),
        Decimal("7.20"),
        Decimal("103.15"),
    )
    lines = {line.external_id: line for line in order.lines.all()}
    assert (lines["315"].unit_price, lines["315"].discount_amount, lines["315"].tax_amount) == (
        Decimal("30.00"),
        Decimal("6.00"),
        Decimal("4.50"),
    )
    assert lines["316"].sku == "woo-23"  # a variation without a SKU
    assert order.placed_at.hour == 10  # the GMT time
    payment = Payment.objects.get(order=order)
    assert (payment.state, payment.provider_reference) == ("captured", "ch_3Nx8uV2eZvKYlo2C")


def test_woocommerce_refunds_are_notes_and_replays_change_nothing(connectors: None) -> None:
    woo("order.created", "order_created")

    first = woo("order.updated", "order_updated_refunded")
    rows = _rows()
    replay = woo("order.updated", "order_updated_refunded")
    late = woo("order.created", "order_created")

    assert first.status_code == 200
    assert replay.json()["results"][-1]["status"] == "unchanged"
    assert late.json()["results"][-1]["status"] == "stale"
    assert _rows() == rows
    note = OrderEvent.objects.get(kind=OrderEventKind.NOTE)
    assert "36.00 USD" in note.message and "Arrived damaged" in note.message


def test_woocommerce_ping_is_acknowledged(connectors: None) -> None:
    raw = b"webhook_id=12"
    headers = {"X-WC-Webhook-Signature": _sign(WOO_SECRET, raw)}
    response = Client().post(
        "/api/v1/connectors/woocommerce/webhooks",
        data=raw,
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )

    assert response.status_code in (200, 422)
    assert Order.objects.count() == 0


# --- Shopify order export --------------------------------------------------------------------------
def test_shopify_order_export_imports_like_the_webhooks(db: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    path = HERE / "shopify" / "orders_export.csv"
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import", str(path), "--format", "shopify-orders", stdout=out, stderr=err)

    assert exited.value.code == 1  # order #1004 has a bad email
    assert "line 6: email:" in err.getvalue()
    assert "orders_export.csv: 4 created, 0 updated, 0 unchanged, 1 failed" in out.getvalue()
    first = Order.objects.get(number="KW00001002")
    assert (first.subtotal, first.discount_total, first.total, first.currency) == (
        Decimal("108.00"),
        Decimal("10.80"),
        Decimal("103.15"),
        "USD",
    )
    assert first.placed_at.isoformat() == "2026-03-05T14:12:38+00:00"
    assert first.shipping_address.postcode == "10002" and first.shipping_address.line2 == "Apt 3"
    assert list(first.coupons.values_list("code", flat=True)) == ["WELCOME10"]
    assert sorted(first.lines.values_list("sku", "quantity", "discount_amount")) == [
        ("BEANIE-RUST", 1, Decimal("4.80")),
        ("TOTE-SAND", 2, Decimal("6.00")),
    ]
    second = Order.objects.get(number="KW00001003")
    assert sorted(second.lines.values_list("external_id", flat=True)) == ["TOTE-SAND#1", "TOTE-SAND#2"]
    assert second.shipping_method == "express" and second.notes == "Leave at the door"
    assert Payment.objects.get(order=second).state == "authorised"

    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("import", str(path), "--format", "shopify-orders", stdout=out, stderr=StringIO())
    assert "0 created, 0 updated, 2 unchanged, 1 failed" in out.getvalue()  # the SKUs exist now
