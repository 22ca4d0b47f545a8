"""A CSV row with more cells than its header is refused at its line; `demo --reset` after refunds."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from shopdesk.demo.models import DemoOrder
from shopdesk.orders.models import Order
from shopdesk.payments.enums import RefundLineKind
from shopdesk.payments.models import Payment, Refund
from shopdesk.payments.services.refunds import RefundLineDraft, refund_create
from tests.demo.conftest import ANCHOR_ISO, run_demo
from tests.integration.test_import_command import ORDER_HEADER, _import, _write


def test_a_row_with_more_cells_than_the_header_is_refused_with_its_line(db: None, tmp_path: Path) -> None:
    products = _write(
        tmp_path,
        "products.csv",
        "external_id,name,category,sku,size,colour,price,stock\n"
        "p-100,Linen shirt,shirts,TS-100-M,M,Navy,49.00,5\n"
        "p-200,Canvas tote,bags,BG-200,,Sand,25.00,9,extra\n",
    )
    code, out, err = _import(products, "--type", "products")
    assert code == 1
    assert "line 3: 9 cells but the header has 8" in err
    assert "1 created" in out and "1 failed" in out

    orders = _write(
        tmp_path,
        "orders.csv",
        "\n".join(
            [
                ORDER_HEADER,
                "KW00000001,ada@example.com,2026-03-02T10:00:00Z,Ada,1 Main St,New York,10002,US,98.00,,TS-100-M,1,49.00,,,,,",
                "KW00000001,ada@example.com,2026-03-02T10:00:00Z,Ada,1 Main St,New York,10002,US,98.00,,TS-100-M,1,49.00,,,,,,Apt 4",
            ]
        )
        + "\n",
    )
    code, _, err = _import(orders, "--type", "orders")
    assert code == 1 and "line 3: 19 cells but the header has 18" in err
    assert not Order.objects.exists()  # the order is all its rows or nothing


def test_demo_reset_works_after_a_refund_was_made_on_a_demo_order(db: None) -> None:
    run_demo("--orders", "15", "--now", ANCHOR_ISO, "--quiet")
    payment = (
        Payment.objects.filter(order__demo__isnull=False, amount_captured__gt=F("amount_refunded"))
        .order_by("id")
        .first()
    )
    assert payment is not None
    # A refund made after the load (an agent tried one out): outside the rows the demo recorded.
    refund_create(
        order=payment.order,
        payment=payment,
        lines=[RefundLineDraft(kind=RefundLineKind.OTHER, amount=Decimal("1.00"), description="Sorry")],
        points=0,
        reason="goodwill",
        idempotency_key="test-goodwill-1",
        now=timezone.now(),
    )

    out = StringIO()
    call_command("demo", "--reset", "--orders", "15", "--now", ANCHOR_ISO, "--quiet", stdout=out)

    assert DemoOrder.objects.count() == 15
    assert not Refund.objects.filter(idempotency_key="test-goodwill-1").exists()
