"""The order's shipping fees (method fee, free-shipping threshold, surcharges, duties) and where it ships from."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from shopdesk.core.money import Money
from shopdesk.orderview.diagnoses.types import Diagnosis, Severity
from shopdesk.policy import get_policy
from shopdesk.shipping.rules import shipping_fee, ships_free

if TYPE_CHECKING:
    from shopdesk.orderview.types import OrderPage


def shipping_fees_diagnose(*, page: OrderPage) -> Diagnosis:
    policy = get_policy()
    zone = policy.zone_for_country(page.shipping_address.get("country", ""))
    method = (zone.method(page.shipping_method) or zone.methods[0]) if zone else None

    def money(amount: Decimal) -> str:
        return Money(amount, page.currency).format(page.locale)

    # The fee was set at checkout: what the goods came to then, after coupons.
    goods = page.order.subtotal - page.order.discount_total
    charged = page.order.shipping_total
    free = method is not None and ships_free(method=method, goods=goods)
    method_fee = Decimal(0) if method is None else shipping_fee(method=method, goods=goods)
    extra = max(charged - method_fee, Decimal(0))
    surcharges = [s for s in policy.shipping.surcharges if s.fee == extra] if extra else []
    parts = []
    if method:
        if free:
            parts.append(
                f"{method.name} shipping was free because your order is over {money(method.free_over or Decimal(0))}"
            )
        else:
            tail = f" (free over {money(method.free_over)})" if method.free_over is not None else ""
            parts.append(f"{method.name} shipping costs {money(method.fee)}{tail}")
    if extra:
        names = surcharges[0].name.lower() if surcharges else "a surcharge"
        parts.append(f"{money(extra)} was added for {names}")
    if page.totals.duties.amount:
        parts.append(f"{money(page.totals.duties.amount)} duties and import taxes were paid at checkout")
    if page.totals.tax.amount:
        parts.append(f"tax was {money(page.totals.tax.amount)}")
    message = (
        "; ".join(parts) + f". In total you paid {money(charged)} for shipping."
        if parts
        else f"You paid {money(charged)} for shipping."
    )
    return Diagnosis(
        code="shipping_fees",
        topic="shipping_fees",
        title="Your shipping costs",
        message=message[:1].upper() + message[1:],
        severity=Severity.INFO,
        facts={
            "method": method.code if method else page.shipping_method,
            "method_fee": method.fee if method else None,
            "free_over": method.free_over if method else None,
            "free": free,
            "charged": charged,
            "surcharge": extra,
            "surcharges": [s.code for s in surcharges],
            "duties": page.totals.duties.amount,
            "tax": page.totals.tax.amount,
            "currency": page.currency,
        },
    )


def ships_from_diagnose(*, page: OrderPage) -> Diagnosis:
    policy = get_policy()
    shipped = sorted({p.origin_name for p in page.packages})
    zone = policy.zone_for_country(page.shipping_address.get("country", ""))
    planned = [w.name for code in (zone.warehouses if zone else []) if (w := policy.warehouse(code))]
    if shipped:
        message = f"Your packages left from {', '.join(shipped)}."
        if any(line.quantity_unshipped for line in page.lines) and page.ship_from_name:
            message += f" The rest will leave from {planned[0] if planned else page.ship_from_name}."
    else:
        message = f"Your order will leave from {planned[0] if planned else 'our warehouse'}."
    return Diagnosis(
        code="ships_from",
        topic="ships_from",
        title="Where your order ships from",
        message=message,
        severity=Severity.INFO,
        facts={"shipped_from": shipped, "zone_warehouses": planned},
    )
