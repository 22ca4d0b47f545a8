"""The order beside a ticket shows, per line, the units whose money went back (and on a phone, in
headless Chromium, 390px wide)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.desk.conftest import open_ticket
from tests.desk.test_desk_browser import sign_in as desk_sign_in
from tests.desk.test_permissions import page_client
from tests.orderview.test_units_refunded import delivered_order_with_one_shirt_refunded
from tests.web.test_units_refunded_browser import WIDE, keep_screenshot


@pytest.mark.django_db
def test_the_desk_sidebar_shows_the_units_refunded(agent) -> None:  # type: ignore[no-untyped-def]
    order = delivered_order_with_one_shirt_refunded()
    ticket = open_ticket(email=order.email, order=order)
    client = page_client("agent", {"users": {"agent": agent}, "order": order})
    html = client.get(f"/desk/tickets/{ticket.reference}/").content.decode()
    assert (
        '<li>2 × Linen shirt (Navy / M) <span class="badge">1 refunded</span></li><li>1 × Wool scarf (Red)</li>'
        in html
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_desk_sidebar_says_which_units_were_refunded_on_a_phone(page, agent) -> None:  # type: ignore[no-untyped-def]
    order = delivered_order_with_one_shirt_refunded()
    ticket = open_ticket(email=order.email, order=order)
    desk_sign_in(page, agent)
    page.goto(f"/desk/tickets/{ticket.reference}/")
    side = page.locator(".ticket-side")
    line = side.locator("ul.lines").get_by_role("listitem").filter(has_text="Linen shirt")
    assert line.inner_text() == "2 × Linen shirt (Navy / M) 1 refunded"
    expect(line.get_by_text("1 refunded", exact=True)).to_be_visible()
    line.scroll_into_view_if_needed()
    keep_screenshot(page, "desk-sidebar-units-refunded-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.evaluate(WIDE)
