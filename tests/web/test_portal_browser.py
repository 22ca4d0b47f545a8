"""A customer on a phone looks up an order and reads where it stands (headless Chromium, 390px wide)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shopdesk.orders.models import Order
from tests.situations import *  # noqa: F403 (the situation fixtures, found by name)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_lookup_to_order_page_on_a_phone(page, order_with_split_shipment: Order) -> None:  # type: ignore[no-untyped-def]
    order = order_with_split_shipment
    page.goto("/orders/")
    page.get_by_label("Order number", exact=True).fill(f"#{order.number[2:]}")
    page.get_by_label("Email address", exact=True).fill(order.email.upper())
    page.get_by_role("button", name="Show my order").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Order {order.number}"
    assert "packages are on the way" in page.locator("#summary").inner_text()
    expect(page.get_by_role("heading", name="Why your order comes in 2 packages")).to_be_visible()
    expect(page.get_by_role("link", name=order.shipments.first().tracking_number)).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling of the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/orders/")
    expect(page.get_by_text("You are signed out.")).to_be_visible()
