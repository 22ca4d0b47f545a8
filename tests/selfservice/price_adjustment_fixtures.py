"""Orders whose items cost less today: the states the price-adjustment tests build on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.utils import timezone

from shopdesk.orders.models import Order, OrderLine
from shopdesk.payments.models import Payment
from shopdesk.policy import get_policy
from tests import factories
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf, scarf_line, shirt_line


def price_set(line: OrderLine, price: str, *, kind: str = "sale", days_ago: float = 1) -> None:
    """The line's own variant costs `price` from `days_ago` days ago (a price-history row)."""
    assert line.variant is not None
    factories.PriceChangeFactory(
        variant=line.variant,
        price=Decimal(price),
        kind=kind,
        starts_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def order_with_cheaper_shirt(**order_fields: object) -> Order:
    """Paid by Visa 4242; the shirt (2 × $49.00) is on sale at $39.00 since yesterday: $20.00 back."""
    order = paid_order_of_shirt_and_scarf(**order_fields)
    price_set(shirt_line(order), "39.00")
    return order


def order_with_cheaper_shirt_and_scarf() -> Order:
    order = order_with_cheaper_shirt()
    price_set(scarf_line(order), "25.00")
    return order


def order_with_cheaper_shirt_paid_partly_with_store_credit() -> Order:
    """$10.00 by Visa 4242 and $113.95 of store credit; the shirt is $20.00 cheaper: the card gets $10.00
    back (refunds go to card payments first), the store credit the other $10.00."""
    order = order_with_cheaper_shirt()
    Payment.objects.filter(order=order).update(
        amount=Decimal("10.00"), amount_authorised=Decimal("10.00"), amount_captured=Decimal("10.00")
    )
    factories.PaymentFactory(
        order=order,
        method="store_credit",
        provider="store",
        amount=Decimal("113.95"),
        card_brand="",
        card_last4="",
    )
    return order


@contextmanager
def price_adjustments_paid_as(paid_as: str) -> Iterator[None]:
    """The store's policy with `[price_adjustment] paid_as` set, for the rule and the refund alike."""
    from shopdesk.selfservice.services import price_adjustment

    policy = get_policy()
    changed = policy.model_copy(
        update={"price_adjustment": policy.price_adjustment.model_copy(update={"paid_as": paid_as})}
    )
    with mock.patch.object(price_adjustment, "get_policy", lambda: changed):
        yield
