"""The check-my-code page: a cart from SKUs, lines added and removed without script, reasons shown."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.html import only_package_scripts

URL = "/promotions/check/"


def test_the_empty_page_offers_one_line_and_every_shipping_country(promo_shop: Any, client: Client) -> None:
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('name="sku"') == 1 and 'value="CA"' in html and 'value="JP"' in html
    assert only_package_scripts(html) and "style=" not in html


def test_add_and_remove_lines_keep_what_was_typed(promo_shop: Any, client: Client) -> None:
    added = client.get(URL, {"codes": "SAVE15", "sku": ["TEE-30"], "qty": ["2"], "add": "1"}).content.decode()
    assert added.count('name="sku"') == 2 and 'value="TEE-30"' in added and 'value="SAVE15"' in added
    removed = client.get(
        URL, {"sku": ["TEE-30", "SOAP-12"], "qty": ["2", "1"], "remove": "0"}
    ).content.decode()
    assert (
        removed.count('name="sku"') == 1 and 'value="SOAP-12"' in removed and 'value="TEE-30"' not in removed
    )


def test_checking_shows_each_reason_and_the_best_combination(promo_shop: Any, client: Client) -> None:
    response = client.get(
        URL,
        {
            "codes": "take20, freeship SUMMER30",
            "country": "US",
            "sku": ["TEE-30"],
            "qty": ["2"],
            "check": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Add $40.00 more to use it." in html and "minimum_not_met" in html
    assert "expired" in html and "Use <strong>FREESHIP</strong>" in html and "$5.95" in html


def test_an_unknown_sku_is_explained_on_the_page(promo_shop: Any, client: Client) -> None:
    response = client.get(URL, {"codes": "SAVE15", "sku": ["NOPE-1"], "qty": ["1"], "check": "1"})
    assert response.status_code == 422 and "NOPE-1" in response.content.decode()
    bad_quantity = client.get(URL, {"codes": "SAVE15", "sku": ["TEE-30"], "qty": ["0"], "check": "1"})
    assert bad_quantity.status_code == 422 and "whole number" in bad_quantity.content.decode()


def test_the_help_article_links_to_the_page(db: None, client: Client) -> None:
    response = client.get("/help/articles/promo-code-not-working/")
    assert response.status_code == 200 and f'href="{URL}"' in response.content.decode()


def test_the_page_says_when_a_discount_costs_free_shipping(promo_shop: Any, client: Client) -> None:
    # $80 ships free; FLASH40 takes $24.00 off the tees and leaves $56.00, under the $75 threshold.
    html = client.get(
        URL, {"codes": "FLASH40", "sku": ["TEE-30", "SCARF-SALE"], "qty": ["2", "1"], "check": "1"}
    ).content.decode()
    assert "you save $18.05" in html and "under the free-shipping threshold" in html and "$60.00" in html


def signed_in_with_an_order_of_two_tees(client: Client) -> str:
    from shopdesk.catalog.models import Variant
    from tests import factories

    order = factories.OrderFactory(email="ada@example.com")
    factories.OrderLineFactory(order=order, variant=Variant.objects.get(sku="TEE-30"), quantity=2)
    response = client.post("/orders/", {"order_number": order.number, "email": order.email})
    assert response.status_code == 302
    return order.number


def test_a_signed_in_shopper_can_fill_the_cart_from_an_order(promo_shop: Any, client: Client) -> None:
    number = signed_in_with_an_order_of_two_tees(client)
    html = client.get(URL, {"codes": "TAKE20"}).content.decode()
    assert f"Order {number}" in html and "sku=TEE-30&amp;qty=2" in html and "codes=TAKE20" in html
    assert "Use one of my orders" not in Client().get(URL).content.decode()


def test_a_signed_in_shopper_sees_a_private_codes_real_reason(promo_shop: Any, client: Client) -> None:
    query = {"codes": "SORRY-7Q2M", "sku": ["TEE-30"], "qty": ["1"], "check": "1"}
    assert "not_found" in client.get(URL, query).content.decode()
    signed_in_with_an_order_of_two_tees(client)
    html = client.get(URL, query).content.decode()
    assert "minimum_not_met" in html and "Add $20.00 more" in html
