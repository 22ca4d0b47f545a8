"""In Chromium at 390 px: a shopper of the demo store exchanges an item of a delivered demo order for
another size. The size is held for them from that moment; once the warehouse has inspected the parcel,
the exchange order is created and the store reports its package shipped, the return's page tells them so
and the "exchange shipped" email is queued once. A screenshot goes to /tmp only."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from shopdesk.api.auth import token_create
from shopdesk.catalog.models import Variant
from shopdesk.core.actors import Actor
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order, OrderLine
from shopdesk.returns.eligibility import order_returnability
from shopdesk.returns.exchange import return_exchange_order
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.resolutions import ExchangeOption, exchange_options
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from tests.demo.conftest import listed, run_demo
from tests.situations import VALID_UPS_NUMBER

SHOTS = Path(tempfile.gettempdir())
STORE = Actor.integration("warehouse")


def _exchangeable_demo_line() -> tuple[Order, OrderLine, ExchangeOption]:
    """A demo order with a delivered item, in its return window, that another size in stock can replace (the
    demo's return situations have taken many items already, so every order is looked at)."""
    for row in listed():
        order = Order.objects.get(number=row["number"])
        for answer in order_returnability(order=order):
            if not answer.eligibility.allowed or answer.eligibility.needs_approval or not answer.units:
                continue
            in_stock = [option for option in exchange_options(answer.line) if option.stock > 0]
            if in_stock:
                return order, answer.line, in_stock[0]
    pytest.skip("the demo store has no delivered order with an item to exchange")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_demo_shopper_exchanges_an_item_for_another_size_on_a_phone(page) -> None:  # type: ignore[no-untyped-def]
    run_demo("--orders", "20", "--seed", "7", "--quiet")
    order, line, option = _exchangeable_demo_line()
    stock_before = Variant.objects.get(sku=option.sku).stock
    page.set_default_timeout(60_000)  # a loaded machine serves the first page slowly
    page.set_default_navigation_timeout(60_000)
    assert page.viewport_size == {"width": 390, "height": 844}

    page.goto("/orders/")
    page.get_by_label("Order number", exact=True).fill(order.number)
    page.get_by_label("Email address", exact=True).fill(order.email)
    page.get_by_role("button", name="Show my order").click()
    page.wait_for_url(f"**/orders/{order.number}/")

    page.goto(f"/orders/{order.number}/returns/new/")
    page.get_by_label(f"How many of the {line.product_name}").select_option("1")
    page.get_by_label(f"Why the {line.product_name} goes back").select_option("too_small")
    page.get_by_label(f"Instead of the {line.product_name}").select_option(
        label=f"Exchange for {option.label}"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Start the return").click()
    page.wait_for_url(f"**/orders/{order.number}/returns/RMA-*/")

    lines_text = page.locator(".return-lines").inner_text()
    assert f"exchange for {line.product_name} ({option.label})" in lines_text
    found = ReturnRequest.objects.get(order=order, lines__order_line=line)
    assert (found.lines.get().exchange_sku, found.lines.get().exchange_reserved) == (option.sku, 1)
    assert Variant.objects.get(sku=option.sku).stock == stock_before - 1  # held for this shopper

    return_mark_received(rma=found.rma, actor=STORE)
    return_inspect(rma=found.rma, actor=STORE, lines=[InspectionLine(line.pk, "accepted")])
    placed = return_exchange_order(rma=found.rma, actor=STORE)
    assert Variant.objects.get(sku=option.sku).stock == stock_before - 1  # the held unit, no other

    # The store ships the exchange order and says so through its API: the shopper is told once.
    exchange = Order.objects.get(number=placed.data["exchange_order_number"])
    package = {
        "carrier": "ups",
        "tracking_number": VALID_UPS_NUMBER,
        "origin_warehouse": "us-nj",
        "shipped_at": timezone.now().isoformat(),
        "lines": [{"sku": option.sku, "quantity": 1}],
    }
    shipped = Client().put(
        f"/api/v1/store/orders/{exchange.number}/shipments/exchange-1",
        data=json.dumps(package),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_create(name='platform').secret}"},
    )
    assert shipped.status_code == 201, shipped.content
    assert OutboxMessage.objects.filter(template="return_exchange_shipped", to=order.email).count() == 1

    page.reload()
    timeline = page.locator("main").inner_text()
    assert placed.data["exchange_order_number"] in timeline
    assert "Your exchange items left the warehouse" in timeline and VALID_UPS_NUMBER in timeline
    page.screenshot(path=str(SHOTS / "shopdesk-exchange-demo-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
