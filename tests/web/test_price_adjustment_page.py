"""The price-adjustment page: the owner confirms then gets the difference once (a double-clicked Confirm
acts once); another customer and nobody signed in can neither see nor use it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from shopdesk.payments.models import Refund
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, shirt_line
from tests.selfservice.price_adjustment_fixtures import order_with_cheaper_shirt
from tests.web.test_actions import sign_in

pytestmark = pytest.mark.django_db


def _url(order) -> str:
    return f"/orders/{order.number}/price-adjustment/{shirt_line(order).pk}/"


def test_the_owner_confirms_and_a_double_click_acts_once(client):
    order = order_with_cheaper_shirt()
    sign_in(client, order)
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert _url(order) in page  # the item links to it
    shown = client.get(_url(order)).content.decode()
    assert "we can refund $20.00 ($10.00 each)" in shown
    confirm = client.post(_url(order), {}).content.decode()
    assert "you get $20.00 back" in confirm
    key = re.search(r'name="key" value="([0-9a-f]+)"', confirm)[1]  # type: ignore[index]
    for _ in range(2):
        done = client.post(_url(order), {"confirm": "1", "key": key})
        assert done.status_code == 302 and done["Location"] == f"/orders/{order.number}/"
    assert Refund.objects.get(order=order).amount == Decimal("20.00")


def test_an_item_that_is_not_cheaper_says_why_and_posts_nothing(client):
    order = paid_order_of_shirt_and_scarf()
    sign_in(client, order)
    shown = client.get(_url(order)).content.decode()
    assert "not less than the $49.00 you paid" in shown
    client.post(_url(order), {"confirm": "1", "key": "k" * 20})
    assert not Refund.objects.filter(order=order).exists()


def test_another_customer_and_nobody_signed_in_get_nothing(client):
    order = order_with_cheaper_shirt()
    assert client.get(_url(order)).status_code == 302  # to the lookup page
    sign_in(client, paid_order_of_shirt_and_scarf())
    assert client.get(_url(order)).status_code in (302, 404)
    assert client.post(_url(order), {"confirm": "1"}).status_code in (302, 404)
    assert not Refund.objects.filter(order=order).exists()
