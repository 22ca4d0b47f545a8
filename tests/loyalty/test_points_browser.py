"""A shopper signs in by magic link and reads their points history, on a phone and on a laptop."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from shopdesk.loyalty.services import points_earn_for_order, points_spend_for_order
from tests import factories
from tests.loyalty.conftest import delivered_order, magic_path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_points_history_on_the_points_page(browser, live_server, width) -> None:  # type: ignore[no-untyped-def]
    customer = factories.CustomerFactory()
    earned_order = delivered_order(customer, subtotal="1000.00", days_ago=40)
    points_earn_for_order(
        order=earned_order, delivered_at=timezone.now() - dt.timedelta(days=40), now=timezone.now()
    )
    pending_order = delivered_order(customer)
    points_earn_for_order(order=pending_order, delivered_at=timezone.now(), now=timezone.now())
    spent = factories.OrderFactory(customer=customer, points_used=600, points_value=Decimal(6))
    points_spend_for_order(order=spent, now=timezone.now())
    path = magic_path(customer.email)

    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(path)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/orders/mine/")
        page.get_by_role("link", name="Your points").click()
        page.wait_for_url("**/orders/points/")
        assert page.get_by_role("heading", level=1).inner_text() == "Your KWOKING Points"
        assert "400 points" in page.locator("#points-balance").inner_text()
        rows = page.locator("#points-history tbody tr")
        assert rows.count() == 3
        assert "Spent on an order" in rows.nth(2).inner_text() and "-600" in rows.nth(2).inner_text()
        assert "Usable from" in rows.nth(0).inner_text()
        page.get_by_label("Cart total (USD)").fill("20")
        page.get_by_role("button", name="Work it out").click()
        assert "at least 500 are needed" in page.locator("#points-quote").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(Path(tempfile.gettempdir()) / f"points-history-{width}.png"), full_page=True)
    finally:
        context.close()
