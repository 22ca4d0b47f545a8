"""Exchanges of the shirt for a size L: the variant, the request, and a return through to inspection."""

from __future__ import annotations

from shopdesk.catalog.models import Variant
from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.returns.services import ReturnCreated, ReturnLineRequest, return_create
from tests.orders.test_services_states import shirt_line


def large_shirt(order: Order) -> Variant:
    return Variant.objects.get(product__variants__pk=shirt_line(order).variant_id, size="L")


def exchange_for_large(order: Order, *, quantity: int = 1, key: str | None = None) -> ReturnCreated:
    """The customer asks to exchange `quantity` shirts for size L (too small)."""
    return return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[
            ReturnLineRequest(
                shirt_line(order).pk,
                quantity,
                "too_small",
                resolution="exchange",
                exchange_sku=large_shirt(order).sku,
            )
        ],
        method="label",
        idempotency_key=key,
    )
