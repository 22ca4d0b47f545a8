"""Stock moves: counters changed with F() in the database, never read-increment-save.

A reservation only succeeds while enough stock is left (the CHECK stock >= 0 backs it up).
"""

from __future__ import annotations

from django.db.models import F

from shopdesk.catalog.models import Variant


def stock_release(*, variant_id: int | None, quantity: int) -> None:
    """Put units back on the shelf (a cancelled or changed line). A deleted variant has no shelf."""
    if variant_id is None or quantity <= 0:
        return
    Variant.objects.filter(pk=variant_id).update(stock=F("stock") + quantity)


def stock_reserve(*, variant_id: int, quantity: int) -> bool:
    """Take units off the shelf; False (and nothing taken) when fewer than `quantity` are left."""
    if quantity <= 0:
        return True
    taken = Variant.objects.filter(pk=variant_id, active=True, stock__gte=quantity).update(
        stock=F("stock") - quantity
    )
    return taken == 1
