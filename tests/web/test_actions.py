"""The action pages: form, confirmation step, the service's answer; bad input changes nothing."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from shopdesk.access.services import session_open_by_lookup
from shopdesk.access.web import SESSION_KEY
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Order
from shopdesk.payments.models import Refund
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, ship, shirt_line

pytestmark = pytest.mark.django_db
ADDRESS = {
    "name": "Ada Shopper",
    "line1": "500 Fifth Avenue",
    "line2": "",
    "company": "",
    "city": "New York",
    "region": "NY",
    "postcode": "10110",
    "country": "US",
    "phone": "",
}


def sign_in(client, order: Order) -> None:
    """Sign in the way the portal does: the Django session holds the CustomerSession id."""
    issued = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1")
    session = client.session
    session[SESSION_KEY] = issued.access.session_id
    session.save()


def _hidden(html: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html):
        found.setdefault(name, []).append(value)
    return found


def test_nobody_signed_in_is_sent_to_the_lookup_page(client):
    order = paid_order_of_shirt_and_scarf()
    response = client.get(f"/orders/{order.number}/cancel/")
    assert response.status_code == 302 and response["Location"].startswith("/orders/?")


def test_another_customers_order_is_not_found(client):
    order = paid_order_of_shirt_and_scarf()
    sign_in(client, paid_order_of_shirt_and_scarf())
    assert client.get(f"/orders/{order.number}/cancel/").status_code in (302, 404)
    assert client.post(f"/orders/{order.number}/cancel/", {"confirm": "1"}).status_code in (302, 404)
    order.refresh_from_db()
    assert not order.is_cancelled


def test_cancel_shows_the_refund_before_it_happens_then_cancels(client):
    order = paid_order_of_shirt_and_scarf()
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/cancel/")
    assert (
        page.status_code == 200
        and b"You can cancel this order until it leaves our warehouse." in page.content
    )
    review = client.post(f"/orders/{order.number}/cancel/", {"reason": "Too late for the party"})
    html = review.content.decode()
    assert (
        "You&#x27;re about to cancel this order. $123.95 goes back to your Visa ending 4242 within 5–10 business days."
        in html
    )
    assert not Refund.objects.exists()
    hidden = _hidden(html)
    done = client.post(f"/orders/{order.number}/cancel/", {**hidden, "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == f"/orders/{order.number}/"
    order.refresh_from_db()
    assert order.is_cancelled and order.cancel_reason == "Too late for the party"
    again = client.post(f"/orders/{order.number}/cancel/", {**hidden, "confirm": "1"})  # a double click
    assert again.status_code == 200 and Refund.objects.count() == 1


def test_a_partly_shipped_order_offers_the_unshipped_items(client):
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order))
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/cancel/").content.decode()
    assert "1 × Wool scarf" in page and "Linen shirt" not in page.split("Items that haven")[1]
    empty = client.post(f"/orders/{order.number}/cancel/", {})
    assert b"Choose at least one item to cancel." in empty.content
    review = client.post(f"/orders/{order.number}/cancel/", {"lines": [scarf_line(order).pk]})
    assert "cancel 1 item. $30.00 goes back" in review.content.decode()


def test_a_shipped_order_shows_why_not(client):
    order = paid_order_of_shirt_and_scarf()
    ship(order, shirt_line(order), scarf_line(order))
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/cancel/")
    assert (
        b"all of its items have left our warehouse" in page.content
        and b"<form" not in page.content.split(b"<main")[1]
    )


def test_the_address_form_shows_each_bad_field_and_changes_nothing(client):
    order = paid_order_of_shirt_and_scarf()
    sign_in(client, order)
    response = client.post(
        f"/orders/{order.number}/shipping-address/",
        {**ADDRESS, "postcode": "ABC", "phone": "123", "name": "x" * 101},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This isn&#x27;t a valid postcode for United States." in html
    assert "This isn&#x27;t a valid phone number" in html and "Please keep this under 100 characters." in html
    assert 'aria-describedby="id_postcode-errors"' in html and 'id="id_postcode-errors"' in html
    assert 'aria-invalid="true"' in html
    order.refresh_from_db()
    assert order.shipping_address.line1 == "12 Orchard Street" and not OutboxMessage.objects.exists()


def test_the_address_changes_after_the_confirmation(client):
    order = paid_order_of_shirt_and_scarf()
    sign_in(client, order)
    review = client.post(f"/orders/{order.number}/shipping-address/", {**ADDRESS, "region": "new york"})
    html = review.content.decode()
    assert "We&#x27;ll deliver your order to:" in html and "New York NY 10110" in html
    done = client.post(f"/orders/{order.number}/shipping-address/", {**_hidden(html), "confirm": "1"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.shipping_address.line1 == "500 Fifth Avenue" and order.shipping_address.region == "NY"


def test_another_zone_is_explained_on_the_page(client):
    order = paid_order_of_shirt_and_scarf()
    sign_in(client, order)
    response = client.post(
        f"/orders/{order.number}/shipping-address/",
        {**ADDRESS, "country": "JP", "region": "", "postcode": "100-0001"},
    )
    assert b"We can&#x27;t move it there online" in response.content


def test_the_billing_country_rule_is_explained(client):
    order = paid_order_of_shirt_and_scarf()
    sign_in(client, order)
    response = client.post(
        f"/orders/{order.number}/billing-address/",
        {**ADDRESS, "country": "CA", "region": "QC", "postcode": "H2X 1Y4"},
    )
    assert b"checked against your card again" in response.content


def test_changing_a_size(client):
    order = paid_order_of_shirt_and_scarf()
    line = shirt_line(order)
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/change/{line.pk}/").content.decode()
    assert '<option value="S">S</option>' in page and '<option value="L">L</option>' in page
    review = client.post(
        f"/orders/{order.number}/change/{line.pk}/", {"size": "S", "colour": "Navy", "quantity": 2}
    )
    html = review.content.decode()
    assert (
        "You&#x27;re about to change 2 × Linen shirt (Navy, size M) to 2 × Linen shirt (Navy, size S)."
        in html
    )
    client.post(f"/orders/{order.number}/change/{line.pk}/", {**_hidden(html), "confirm": "1"})
    line.refresh_from_db()
    assert line.size == "S"


def test_fewer_pieces_show_the_refund(client):
    order = paid_order_of_shirt_and_scarf()
    line = shirt_line(order)
    sign_in(client, order)
    review = client.post(
        f"/orders/{order.number}/change/{line.pk}/", {"size": "M", "colour": "Navy", "quantity": 1}
    )
    assert "$44.00 goes back to your Visa ending 4242" in review.content.decode()
    assert shirt_line(order).quantity_active == 2


def test_resend_and_email_correction(client):
    order = paid_order_of_shirt_and_scarf()
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/resend/")
    assert b"hasn&#x27;t shipped yet" in page.content
    sent = client.post(f"/orders/{order.number}/resend/", {"action": "resend_confirmation"})
    assert sent.status_code == 302 and OutboxMessage.objects.filter(template="confirmation").count() == 1

    review = client.post(f"/orders/{order.number}/email/", {"new_email": "right@example.com"})
    assert b"We&#x27;ll send a link to right@example.com" in review.content
    done = client.post(f"/orders/{order.number}/email/", {**_hidden(review.content.decode()), "confirm": "1"})
    assert b"Check your inbox" in done.content
    body = OutboxMessage.objects.get(template="email_change_confirm").body_text
    path = re.search(r"(/orders/email-change/[^/\s]+/)", body).group(1)
    landing = client.get(path)
    assert b"Yes, confirm this address" in landing.content and landing["Referrer-Policy"] == "same-origin"
    order.refresh_from_db()
    assert order.email != "right@example.com"  # a GET (a mail scanner) changes nothing
    confirmed = client.post(path)
    assert b"now go to <strong>right@example.com</strong>" in confirmed.content
    assert b"not valid any more" in client.post(path).content


def test_pages_carry_no_inline_script_or_style(client):
    order = paid_order_of_shirt_and_scarf()
    sign_in(client, order)
    for path in (
        "cancel/",
        "shipping-address/",
        "billing-address/",
        "resend/",
        "email/",
        f"change/{shirt_line(order).pk}/",
    ):
        html = client.get(f"/orders/{order.number}/{path}").content.decode()
        assert "<script>" not in html and "style=" not in html and "<style" not in html
        assert '<meta name="viewport"' in html


def test_refund_amounts_match_the_payment(client):
    order = paid_order_of_shirt_and_scarf()
    sign_in(client, order)
    review = client.post(f"/orders/{order.number}/cancel/", {})
    client.post(f"/orders/{order.number}/cancel/", {**_hidden(review.content.decode()), "confirm": "1"})
    assert order.payments.get().amount_refunded == Decimal("123.95")


def test_a_french_order_s_cancel_preview_writes_money_like_the_result_and_the_email(client):
    order = paid_order_of_shirt_and_scarf(locale="fr_FR")
    sign_in(client, order)
    review = client.post(f"/orders/{order.number}/cancel/", {})
    html = review.content.decode()
    assert "You&#x27;re about to cancel this order. $123.95 goes back" in html
    assert "123,95" not in html and "$US" not in html and "US$" not in html
    done = client.post(f"/orders/{order.number}/cancel/", {**_hidden(html), "confirm": "1"})
    assert done.status_code == 302
    email = OutboxMessage.objects.get(template="cancelled").body_text
    assert "$123.95 goes back" in email and "123,95" not in email
