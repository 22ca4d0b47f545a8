"""Stock held for exchanges: taken off the shelf when a return accepts an exchange line, put back when the
return is cancelled or rejected or the line is rejected at inspection, handed over when the exchange order
is created (docs/decisions/0023-exchange-stock-held-by-the-return-line.md).

`ReturnLine.exchange_reserved` counts the units a line holds. Every move is a compare-and-set on that
count first, then an F() update of the variant's stock (catalog/stock.py), so a repeat moves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from shopdesk.catalog.models import Variant
from shopdesk.catalog.stock import stock_release
from shopdesk.returns.models import ReturnLine


def _take(line: ReturnLine) -> int:
    """Set the line's held units to 0 if nobody did it meanwhile; the units it held (0 if none)."""
    held = line.exchange_reserved
    if held <= 0:
        return 0
    taken = ReturnLine.objects.filter(pk=line.pk, exchange_reserved=held).update(exchange_reserved=0)
    line.exchange_reserved = 0
    return held if taken == 1 else 0


def exchange_stock_release(*, lines: Iterable[ReturnLine]) -> int:
    """Put the units these lines hold back on the shelf; the number of units put back."""
    released = 0
    for line in lines:
        held = _take(line)
        if held:
            variant_id = Variant.objects.filter(sku=line.exchange_sku).values_list("pk", flat=True).first()
            stock_release(variant_id=variant_id, quantity=held)
            released += held
    return released


def exchange_stock_consume(*, line: ReturnLine) -> bool:
    """The exchange order takes the line's units: True when the line held them (nothing more to take),
    False for a line that holds none (a return recorded before stock was held), whose caller takes them."""
    return _take(line) >= line.quantity
