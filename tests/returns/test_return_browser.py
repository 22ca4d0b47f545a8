"""A shopper returns items of a delivered demo order in Chromium: the final-sale item is refused with its
reason before submitting, the slip prints, and once the warehouse has inspected the parcel (store API) the
return's page shows the partial refund line by line. Screenshots at 1280 and 390 px go to /tmp only."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from shopdesk.api.auth import token_create
from shopdesk.orders.models import Order, OrderLine
from shopdesk.policy.money import money_text
from shopdesk.returns.eligibility import order_returnability
from shopdesk.returns.models import ReturnRequest
from tests.demo.conftest import listed, run_demo

SHOTS = Path(tempfile.gettempdir())


def _delivered_demo_order() -> tuple[Order, OrderLine, OrderLine]:
    """A demo order delivered within the return window with two items that can go back; the cheaper one
    is then marked final sale, as the store's clearance items are."""
    for row in listed():
        if "return_window_open" not in row["situations"]:  # type: ignore[operator]
            continue
        order = Order.objects.get(number=row["number"])
        open_lines = [
            a.line
            for a in order_returnability(order=order)
            if a.eligibility.allowed and not a.eligibility.needs_approval and a.units
        ]
        if len(open_lines) >= 2:
            kept, final = sorted(open_lines, key=lambda line: line.unit_price, reverse=True)[:2]
            OrderLine.objects.filter(pk=final.pk).update(return_flags=["final_sale"])
            return order, kept, final
    pytest.skip("the demo store has no delivered order with two returnable items")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_return_of_a_delivered_demo_order_from_the_form_to_the_partial_refund(page) -> None:  # type: ignore[no-untyped-def]
    # 40 orders: in smaller stores every order still inside its return window already carries one of
    # the demo's own returns, and this test needs two items no return holds yet.
    run_demo("--orders", "40", "--seed", "7", "--quiet")
    order, kept, final = _delivered_demo_order()

    page.goto("/orders/")
    page.get_by_label("Order number", exact=True).fill(order.number)
    page.get_by_label("Email address", exact=True).fill(order.email)
    page.get_by_role("button", name="Show my order").click()
    page.wait_for_url(f"**/orders/{order.number}/")
    assert page.locator(".line-return-day").first.inner_text().startswith("Return by ")

    page.goto(f"/orders/{order.number}/returns/new/")
    refusal = page.locator('.return-refusal[data-code="final_sale"]')
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Final Sale")
    assert page.locator(f'select[name="qty_{final.pk}"]').count() == 0
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "shopdesk-return-start-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "shopdesk-return-start-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label(f"How many of the {kept.product_name}").select_option("1")
    page.get_by_label(f"Why the {kept.product_name} goes back").select_option("changed_mind")
    page.get_by_role("button", name="Start the return").click()
    page.wait_for_url(f"**/orders/{order.number}/returns/RMA-*/")
    rma = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert ReturnRequest.objects.filter(order=order, rma=rma).exists()
    assert page.locator("[data-status]").inner_text() == "Approved"

    page.get_by_role("link", name="Print the return slip").click()
    page.wait_for_url(f"**/returns/{rma}/slip/")
    slip = page.get_by_role("article", name="Return slip")
    assert rma in slip.inner_text() and slip.locator("svg").count() == 1
    page.emulate_media(media="print")
    assert not page.locator("header").first.is_visible()  # the print view is the slip alone
    pdf = page.pdf(path=str(SHOTS / "shopdesk-return-slip.pdf"))
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")

    # The warehouse receives the parcel and finds the tags missing (store API).
    store = {"HTTP_AUTHORIZATION": f"Bearer {token_create(name='warehouse').secret}"}
    api = Client()
    assert (
        api.post(
            f"/api/v1/store/returns/{rma}/received", {}, content_type="application/json", **store
        ).status_code
        == 200
    )
    inspected = api.post(
        f"/api/v1/store/returns/{rma}/inspection",
        {"lines": [{"line_id": kept.pk, "outcome": "deducted", "reason": "tags missing"}]},
        content_type="application/json",
        **store,
    )
    assert inspected.status_code == 201, inspected.content
    refund = inspected.json()["refund"]
    assert Decimal(refund["total"]) < kept.unit_price

    page.goto(f"/orders/{order.number}/returns/{rma}/")
    rows = page.locator("table.refund-lines").first.locator("tbody tr")  # the inspection's refund
    shown = [rows.nth(i).inner_text().split("\t") for i in range(rows.count())]
    assert [(desc.strip(), amount.strip()) for desc, amount in shown] == [
        (line["description"], money_text(Decimal(line["amount"]), order.currency)) for line in refund["lines"]
    ]
    assert any("Deduction on" in desc and "tags missing" in desc for desc, _ in shown)
    total = money_text(Decimal(refund["total"]), order.currency)
    assert page.locator("table.refund-lines tfoot").first.inner_text().split("\t")[-1].strip() == total
    assert page.locator('[data-step="refunded"]').get_attribute("class").endswith("return-step-done")  # type: ignore[union-attr]
    page.screenshot(path=str(SHOTS / "shopdesk-return-refund-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "shopdesk-return-refund-1280.png"), full_page=True)
