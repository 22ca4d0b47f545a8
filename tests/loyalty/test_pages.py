"""The points page and the order page's points section, as the owner, another customer and a visitor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from shopdesk.loyalty.models import PointsEntry
from shopdesk.loyalty.selectors import points_day
from shopdesk.loyalty.services import points_earn_for_order, points_spend_for_order
from shopdesk.orders.models import Customer
from tests import factories
from tests.loyalty.conftest import delivered_order, magic_path

pytestmark = pytest.mark.django_db


def sign_in_by_magic_link(client: Client, email: str) -> None:
    response = client.post(magic_path(email))
    assert response.status_code == 302


@pytest.fixture
def shopper_with_pending_and_spent_points(customer_with_available_points: Customer) -> Customer:
    customer = customer_with_available_points
    points_earn_for_order(order=delivered_order(customer), delivered_at=timezone.now(), now=timezone.now())
    spent = factories.OrderFactory(customer=customer, points_used=600, points_value=Decimal(6))
    points_spend_for_order(order=spent, now=timezone.now())
    return customer


def test_the_points_page_shows_balance_pending_expiry_and_history(
    client, shopper_with_pending_and_spent_points
):
    sign_in_by_magic_link(client, shopper_with_pending_and_spent_points.email)
    assert 'href="/orders/points/"' in client.get("/orders/mine/").content.decode()
    html = client.get("/orders/points/").content.decode()
    assert "400 points</strong> (worth $4.00)" in html
    pending = PointsEntry.objects.get(customer=shopper_with_pending_and_spent_points, settled_at__isnull=True)
    assert f"usable from {points_day(pending.available_at)}" in html  # the store's calendar day
    assert "Next expiry" in html and "400 points on" in html
    assert html.count("<tr><td>") == 3  # three history rows
    assert "Spent on an order" in html


def test_pay_with_points_form_answers_for_a_cart_and_explains_bad_input(
    client, customer_with_available_points
):
    sign_in_by_magic_link(client, customer_with_available_points.email)
    html = client.get("/orders/points/?total=20").content.decode()
    assert "You can use 600 " in html and "worth $6.00" in html and "<strong>$14.00</strong>" in html
    bad = client.get("/orders/points/?total=abc")
    assert bad.status_code == 400 and "Enter the cart total as a number" in bad.content.decode()
    assert "&lt;script&gt;" in client.get("/orders/points/?total=<script>").content.decode()


def test_history_pages_through_older_entries(client, customer_with_available_points):
    customer = customer_with_available_points
    for index in range(25):
        order = factories.OrderFactory(customer=customer, subtotal=Decimal(10), total=Decimal(10))
        points_earn_for_order(
            order=order, delivered_at=timezone.now() - dt.timedelta(days=index), now=timezone.now()
        )
    sign_in_by_magic_link(client, customer.email)
    first = client.get("/orders/points/").content.decode()
    assert first.count("<tr><td>") == 20 and "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/orders/points/?page=2").content.decode()
    assert second.count("<tr><td>") == 6 and 'rel="prev"' in second
    assert client.get("/orders/points/?page=99999").status_code == 200


def test_visitors_and_lookup_sessions_are_asked_for_the_emailed_link(
    client, shopper_with_pending_and_spent_points
):
    html = client.get("/orders/points/").content.decode()
    assert "sign in with a link we email you" in html and "400 points" not in html
    order = shopper_with_pending_and_spent_points.orders.filter(points_used__gt=0).get()
    client.post("/orders/", {"order_number": order.number, "email": order.email})
    html = client.get("/orders/points/").content.decode()
    assert "signed in for one order only" in html and "400 points" not in html


def test_another_customer_sees_their_own_empty_points(client, shopper_with_pending_and_spent_points):
    stranger = factories.OrderFactory()
    sign_in_by_magic_link(client, stranger.email)
    html = client.get("/orders/points/").content.decode()
    assert "No points yet" in html and shopper_with_pending_and_spent_points.email not in html


def test_the_order_page_says_when_the_points_come(client, shopper_with_pending_and_spent_points):
    customer = shopper_with_pending_and_spent_points
    order = customer.orders.filter(points_used=0).order_by("-id").first()
    client.post("/orders/", {"order_number": order.number, "email": order.email})
    html = client.get(f"/orders/{order.number}/").content.decode()
    assert 'id="order-points"' in html and "<strong>+120</strong> earned on an order: Usable from" in html
    assert "<!--order-points-->" not in html
    again = client.get(f"/orders/{order.number}/").content.decode()  # from the cache: still filled in
    assert 'id="order-points"' in again
