"""The price adjustment on the order page, at 1280 and 390 px: the item's link, the refused reason of an
item that isn't cheaper, and the codes applied. Screenshots go to the temp directory, never the repo."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from shopdesk.orders.models import Order, OrderCoupon
from tests.orders.test_services_states import scarf_line
from tests.selfservice.price_adjustment_fixtures import order_with_cheaper_shirt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(tempfile.gettempdir()) / "shopdesk-screenshots"


def _sign_in(page, order: Order) -> None:
    page.goto("/orders/", timeout=60_000)  # the live server's first page warms up on a busy machine
    page.get_by_role("textbox", name="Order number").fill(order.number)
    page.get_by_role("textbox", name="Email address").fill(order.email)
    page.get_by_role("button", name="Show my order").click()
    page.wait_for_url(f"**/orders/{order.number}/")


@pytest.mark.parametrize("width", [1280, 390])
def test_request_a_price_adjustment_on_the_order_page(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    order = order_with_cheaper_shirt()
    OrderCoupon.objects.create(order=order, code="SAVE10", amount=Decimal("10.00"))
    _sign_in(page, order)
    assert "SAVE10" in page.locator("#codes-applied").inner_text()
    assert "saved $10.00" in page.locator("#codes-applied").inner_text()
    panel = page.locator('[data-code="price_dropped"]')
    assert "we can refund $20.00" in panel.inner_text()
    # Nothing on the page is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"order-price-dropped-{width}.png"), full_page=True)
    panel.get_by_role("link", name="Get the difference back").click()
    page.get_by_role("button", name="Continue").click()
    page.screenshot(path=str(SHOTS / f"price-adjustment-confirm-{width}.png"), full_page=True)
    page.get_by_role("button", name="Yes, refund the difference").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    assert "$20.00 goes back to your Visa ending 4242" in page.locator(".messages").inner_text()
    assert order.refunds.get().amount == Decimal("20.00")
    # The scarf isn't cheaper: its page says why, with no button to press.
    page.goto(f"/orders/{order.number}/price-adjustment/{scarf_line(order).pk}/")
    assert "not less than the $30.00 you paid" in page.locator(".action-refused").inner_text()
    assert page.get_by_role("button", name="Continue").count() == 0
    page.screenshot(path=str(SHOTS / f"price-adjustment-refused-{width}.png"), full_page=True)
