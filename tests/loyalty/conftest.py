"""Points fixtures, named after the state they build, and a magic-link sign-in through the real email."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from shopdesk.access.services import magic_link_consume, magic_link_request, session_open_by_lookup
from shopdesk.loyalty.models import PointsBalance, PointsEntry
from shopdesk.loyalty.services import points_earn_for_order
from shopdesk.notifications.models import OutboxMessage
from shopdesk.orders.models import Customer, Order
from tests import factories


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


def magic_token(email: str) -> str:
    """Ask for a magic link as a shopper would and sign in with the token from the email."""
    magic_link_request(email=email, client_ip="127.0.0.1")
    body = OutboxMessage.objects.filter(template="magic_link").order_by("-id").first().body_text
    token = re.search(r"/orders/magic/([A-Za-z0-9_\-]+)", body).group(1)
    return magic_link_consume(token=token).token


def magic_path(email: str) -> str:
    magic_link_request(email=email, client_ip="127.0.0.1")
    body = OutboxMessage.objects.filter(template="magic_link").order_by("-id").first().body_text
    return re.search(r"(/orders/magic/[A-Za-z0-9_\-]+)", body).group(1)


def lookup_token(order: Order) -> str:
    return session_open_by_lookup(order_number=order.number, email=order.email, client_ip="127.0.0.1").token


def delivered_order(customer: Customer, *, subtotal: str = "120.00", days_ago: int = 3) -> Order:
    placed = timezone.now() - dt.timedelta(days=days_ago + 4)
    return factories.OrderFactory(
        customer=customer, subtotal=Decimal(subtotal), total=Decimal(subtotal), placed_at=placed
    )


def balance(customer: Customer) -> tuple[int, int]:
    row = PointsBalance.objects.get(customer=customer)
    return row.available, row.pending


def ledger_sums(customer: Customer) -> tuple[int, int]:
    rows = PointsEntry.objects.filter(customer=customer)
    settled = sum(e.points for e in rows if e.settled_at is not None)
    pending = sum(e.points for e in rows if e.settled_at is None)
    return settled, pending


@pytest.fixture
def customer_with_available_points(db: None) -> Customer:
    """1,000 points usable now, earned on a delivered order whose waiting days are over."""
    customer = factories.CustomerFactory()
    order = delivered_order(customer, subtotal="1000.00", days_ago=40)
    points_earn_for_order(
        order=order, delivered_at=timezone.now() - dt.timedelta(days=40), now=timezone.now()
    )
    assert balance(customer) == (1000, 0)
    return customer
