"""In a real browser (phone-sized, no JavaScript needed): find the order, then cancel it or move it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from shopdesk.orders.models import Order
from shopdesk.payments.models import Refund
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _find_order(page, order: Order) -> None:
    page.goto("/orders/")
    page.get_by_role("textbox", name="Order number").fill(order.number)
    page.get_by_role("textbox", name="Email address").fill(order.email)
    page.get_by_role("button", name="Show my order").click()
    page.wait_for_url(f"**/orders/{order.number}/")


def test_find_the_order_and_cancel_it(page):
    order = paid_order_of_shirt_and_scarf()
    _find_order(page, order)
    page.get_by_role("link", name=re.compile("Cancel", re.I)).first.click()
    page.wait_for_url(f"**/orders/{order.number}/cancel/")
    expect(page.get_by_role("heading", name="Cancel your order")).to_be_visible()
    page.get_by_label("Reason (optional)").fill("Bought it twice")
    page.get_by_role("button", name="Continue").click()
    sentence = page.locator(".action-sentence").inner_text()
    assert sentence == (
        "You're about to cancel this order. $123.95 goes back to your Visa ending 4242 "
        "within 5–10 business days."
    )
    page.get_by_role("button", name="Yes, cancel my order").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    assert "Your order is cancelled." in page.locator(".messages").inner_text()
    order.refresh_from_db()
    assert order.is_cancelled and Refund.objects.filter(order=order).count() == 1


def test_find_the_order_and_change_the_delivery_address(page):
    order = paid_order_of_shirt_and_scarf()
    _find_order(page, order)
    page.goto(f"/orders/{order.number}/shipping-address/")
    page.get_by_label("Street address").fill("500 Fifth Avenue")
    page.get_by_label("Postcode / ZIP").fill("1011")
    page.get_by_role("button", name="Continue").click()
    assert "valid postcode for United States" in page.locator(".field-invalid").first.inner_text()
    order.refresh_from_db()
    assert order.shipping_address.line1 == "12 Orchard Street"

    page.get_by_label("Postcode / ZIP").fill("10110")
    page.get_by_role("button", name="Continue").click()
    assert "500 Fifth Avenue" in page.locator(".action-details").inner_text()
    page.get_by_role("button", name="Yes, use this address").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    order.refresh_from_db()
    assert order.shipping_address.line1 == "500 Fifth Avenue"
