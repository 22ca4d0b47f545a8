"""On a phone (headless Chromium, 390px wide), the order page says how many units of an item were
refunded, in text a screen reader reads with the item, without sideways scrolling (the desk's side:
tests/desk/test_units_refunded_sidebar.py). `SHOPDESK_SCREENSHOTS=<dir>` keeps a screenshot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.orderview.test_units_refunded import delivered_order_with_one_shirt_refunded

WIDE = (
    "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 391)"
    ".map(e => e.tagName + '.' + e.className).slice(0, 12)"
)


def keep_screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("SHOPDESK_SCREENSHOTS")
    if folder:
        page.screenshot(
            path=str(Path(folder) / f"{name}.png"), full_page=False
        )  # the part in view: the item, scrolled to


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_order_page_says_which_units_were_refunded_on_a_phone(page) -> None:  # type: ignore[no-untyped-def]
    order = delivered_order_with_one_shirt_refunded()
    page.goto("/orders/")
    page.get_by_label("Order number", exact=True).fill(order.number)
    page.get_by_label("Email address", exact=True).fill(order.email)
    page.get_by_role("button", name="Show my order").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    items = page.get_by_role("table", name="Items in this order")
    shirt = items.get_by_role("row").filter(has_text="Linen shirt")
    badge = shirt.get_by_text("1 refunded", exact=True)
    expect(badge).to_be_visible()
    # Read with its item: the badge sits in the item's own cell, not in a column of its own.
    assert "Linen shirt" in badge.locator("xpath=ancestor::td").inner_text()
    assert "refunded" not in items.get_by_role("row").filter(has_text="Wool scarf").inner_text()
    badge.scroll_into_view_if_needed()
    keep_screenshot(page, "order-page-units-refunded-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.evaluate(WIDE)
