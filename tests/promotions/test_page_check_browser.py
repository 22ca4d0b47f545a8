"""On a phone: a code fails for minimum spend, then passes once the cart is bigger (headless Chromium)."""

from __future__ import annotations

import pytest

from shopdesk.helpcenter.sync import content_sync
from tests.promotions.conftest import PromoShop


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_code_short_of_its_minimum_passes_with_a_bigger_cart(page, promo_shop: PromoShop) -> None:  # type: ignore[no-untyped-def]
    content_sync()  # a transactional test before this one may have flushed the articles
    page.goto("/help/articles/promo-code-not-working/")
    page.get_by_role("link", name="Check my code").click()
    page.wait_for_url("**/promotions/check/")
    page.get_by_label("Codes").fill("take20")
    page.get_by_label("Ships to").select_option("US")
    page.get_by_label("Item 1 SKU").fill("TEE-30")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Check my codes").click()
    result = page.locator(".code-result").first
    assert "Not applied" in result.inner_text()
    assert "Add $40.00 more to use it." in result.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # A second item, added without script: the form comes back with what was typed.
    page.get_by_role("button", name="Add an item").click()
    page.get_by_label("Item 2 SKU").wait_for()  # the page came back (the first still shows until then)
    assert page.get_by_label("Item 1 SKU").input_value() == "TEE-30"
    page.get_by_label("Item 2 SKU").fill("TEE-30")
    page.get_by_label("Quantity").nth(1).fill("2")
    page.keyboard.press("Enter")  # Enter checks the codes; it never removes a line
    page.wait_for_selector(".code-result.applied")
    assert "TAKE20 applies: you save $20.00." in page.locator(".code-result").first.inner_text()
    assert "Use TAKE20: you save $20.00." in page.locator("#best-title + p").inner_text()
    assert page.get_by_label("Item 2 SKU").input_value() == "TEE-30"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
