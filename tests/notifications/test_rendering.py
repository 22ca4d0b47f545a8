"""Every email renders as a subject, a plain-text body and an HTML body, with what it must say."""

from __future__ import annotations

import pytest

from shopdesk.notifications.rendering import EMAIL_TEMPLATES, email_render
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, ship

pytestmark = pytest.mark.django_db

CONTEXTS = {
    "cancelled": {
        "whole_order": True,
        "cancelled_items": [{"quantity": 1, "name": "Wool scarf"}],
        "money_message": "$30.00 goes back to your Visa ending 4242.",
    },
    "line_changed": {"before": "1 × Shirt (size M)", "after": "1 × Shirt (size S)", "money_message": ""},
    "magic_link": {"link": "https://care.example/orders/magic/abc", "expires_minutes": 30},
    "email_change_confirm": {
        "link": "https://care.example/orders/email-change/abc/",
        "new_email": "a@b.example",
        "expires_hours": 24,
    },
}


@pytest.mark.parametrize("template", sorted(EMAIL_TEMPLATES))
def test_every_template_renders_text_and_html(template):
    order = paid_order_of_shirt_and_scarf()
    ship(order, scarf_line(order))
    rendered = email_render(template=template, context=CONTEXTS.get(template, {}), order=order)
    assert rendered.subject and "\n" not in rendered.subject and "{{" not in rendered.subject
    assert rendered.html.lstrip().startswith("<!doctype html>") and "KWOKING" in rendered.html
    assert "<" not in rendered.text.replace("<-", "")  # plain text carries no markup
    if template not in {"magic_link"}:
        assert order.number in rendered.subject + rendered.text


def test_the_text_body_is_not_html_escaped_and_the_html_body_is():
    order = paid_order_of_shirt_and_scarf()
    order.shipping_address.name = "Zoë <O'Brien> & Co"
    rendered = email_render(
        template="address_changed", context={"address": order.shipping_address}, order=order
    )
    assert "Zoë <O'Brien> & Co" in rendered.text
    assert "Zoë &lt;O&#x27;Brien&gt; &amp; Co" in rendered.html


def test_the_confirmation_lists_items_and_the_formatted_total():
    order = paid_order_of_shirt_and_scarf()
    rendered = email_render(template="confirmation", context={}, order=order)
    assert "2 x Linen shirt (Navy, M)" in rendered.text and "Total: $123.95" in rendered.text
    assert "2 × Linen shirt" in rendered.html


def test_links_are_in_both_bodies():
    order = paid_order_of_shirt_and_scarf()
    rendered = email_render(
        template="email_change_confirm", context=CONTEXTS["email_change_confirm"], order=order
    )
    assert CONTEXTS["email_change_confirm"]["link"] in rendered.text
    assert f'href="{CONTEXTS["email_change_confirm"]["link"]}"' in rendered.html


def test_an_unknown_template_fails_loudly():
    with pytest.raises(ValueError, match="unknown email template"):
        email_render(template="nope", context={})


def test_the_store_and_order_in_the_context_cannot_be_overridden():
    order = paid_order_of_shirt_and_scarf()
    rendered = email_render(
        template="magic_link", context={**CONTEXTS["magic_link"], "store": "KWOKING"}, order=order
    )
    assert rendered.subject == "Your sign-in link for KWOKING"
    assert "KWOKING Fashion Ltd." in rendered.html
