"""In a real browser (phone-sized, no JavaScript): exchange a delivered shirt for the next size up, then read
the price difference refunded line by line once the warehouse has inspected it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.catalog.models import Variant
from shopdesk.core.actors import Actor
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from tests.orders.test_services_states import shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_exchange_a_shirt_for_another_size(page):
    order = delivered_shirt_and_scarf()
    shirt = shirt_line(order)
    large = Variant.objects.get(product__variants__pk=shirt.variant_id, size="L")
    Variant.objects.filter(pk=large.pk).update(price=Decimal("39.00"))
    page.set_default_timeout(60_000)  # a loaded CI machine serves the first page slowly
    page.set_default_navigation_timeout(60_000)
    page.goto("/orders/")
    page.get_by_role("textbox", name="Order number").fill(order.number)
    page.get_by_role("textbox", name="Email address").fill(order.email)
    page.get_by_role("button", name="Show my order").click()
    page.wait_for_url(f"**/orders/{order.number}/")

    page.goto(f"/orders/{order.number}/returns/new/")
    page.get_by_label("How many of the Linen shirt").select_option("1")
    page.get_by_label("Why the Linen shirt goes back").select_option("too_small")
    page.get_by_label("Instead of the Linen shirt").select_option(label="Exchange for Navy / L")
    page.get_by_role("button", name="Start the return").click()
    page.wait_for_url(f"**/orders/{order.number}/returns/RMA-*/")
    assert "exchange for Linen shirt (Navy / L)" in page.locator(".return-lines").inner_text()

    found = ReturnRequest.objects.get(order=order)
    assert (found.lines.get().resolution, found.lines.get().exchange_sku) == ("exchange", large.sku)
    store = Actor.integration("warehouse")
    return_mark_received(rma=found.rma, actor=store)
    return_inspect(rma=found.rma, actor=store, lines=[InspectionLine(shirt.pk, "accepted")])

    page.reload()
    explanation = page.locator(".refund-explanation").first.inner_text()
    assert "Refunded $5.00 to your Visa ending 4242: $5.00 price difference of the exchange" in explanation
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows the phone's width
