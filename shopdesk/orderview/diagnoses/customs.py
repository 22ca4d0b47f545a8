"""Customs: who pays duties for the destination, what is due on delivery, and what refusing a parcel costs."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from shopdesk.core.money import Money
from shopdesk.orderview.diagnoses.types import Diagnosis, Severity
from shopdesk.policy import get_policy
from shopdesk.promotions.selectors import country_name
from shopdesk.shipping.enums import TrackingStatus
from shopdesk.shipping.rules import duties_amount, is_domestic

if TYPE_CHECKING:
    from shopdesk.orderview.types import OrderPage


def _origin_countries(page: OrderPage) -> list[str]:
    """Where the packages leave from: those sent, plus the zone's first warehouse for what still waits."""
    policy = get_policy()
    zone = policy.zone_for_country(page.shipping_address.get("country", "").upper())
    codes = [p.origin_warehouse for p in page.packages]
    if any(line.quantity_unshipped for line in page.lines) and zone is not None:
        codes.append(zone.warehouses[0])
    return [w.country for code in codes if (w := policy.warehouse(code)) is not None]


def crosses_border(page: OrderPage) -> bool:
    """A package leaves from another country than the one it goes to, whatever the zone's duties model:
    every cross-border order gets the customs panel, even when nothing is due."""
    country = page.shipping_address.get("country", "").upper()
    zone = get_policy().zone_for_country(country)
    return zone is not None and not is_domestic(country=country, ships_from=_origin_countries(page))


def customs_diagnose(*, page: OrderPage) -> Diagnosis:
    policy = get_policy()
    zone = policy.zone_for_country(page.shipping_address.get("country", ""))
    rules = policy.shipping.returned_to_sender

    def money(amount: Decimal) -> str:
        return Money(amount, page.currency).format(page.locale)

    held = next((p for p in page.packages if p.status == TrackingStatus.HELD_AT_CUSTOMS), None)
    crossing = crosses_border(page)
    model = zone.duties if zone and crossing else "none"
    # Customs value the goods as they were declared: the order as placed, after coupons.
    goods = page.order.subtotal - page.order.discount_total
    facts: dict[str, object] = {
        "zone": zone.code if zone else None,
        "duties_model": model,
        "goods_value": goods,
        "held_at_customs": held.id if held else None,
        "crosses_border": crossing,
    }
    refusing = (
        f" If you refuse the parcel, it comes back to us and we refund the items less "
        f"{money(rules.return_shipping_charge)} return shipping"
        + (" and the original shipping" if rules.refund_deducts_original_shipping else "")
        + ("; duties you paid are not refunded by us" if not rules.duties_refunded else "")
        + "."
    )
    if model == "none":
        destination = country_name(page.shipping_address.get("country", ""))
        if crossing:
            origins = sorted({country_name(code) for code in _origin_countries(page)})
            message = (
                f"Your order ships from {' and '.join(origins)} to {destination}, and no import duties or "
                f"taxes are charged on our parcels to {zone.name if zone else destination}, so there is "
                "nothing to pay on delivery."
            )
        else:
            message = (
                f"Your order ships within {destination} and does not cross a customs border, "
                "so there are no duties to pay."
            )
        return Diagnosis(
            code="duties_none",
            topic="customs_duties",
            title="No customs duties",
            message=message,
            severity=Severity.OK,
            facts=facts,
        )
    if model == "store_pays":
        return Diagnosis(
            code="duties_paid_by_store",
            topic="customs_duties",
            title="Duties are on us",
            message=(
                f"We pay the duties and import taxes for {zone.name if zone else 'your country'}"
                f"{' (' + money(page.totals.duties.amount) + ' included in your total)' if page.totals.duties.amount else ''}. "
                "Nothing is due on delivery; if a carrier asks you for money, don't pay and contact us."
            ),
            severity=Severity.OK,
            facts={**facts, "duties_charged": page.totals.duties.amount},
        )
    assert zone is not None  # model is "none" without a zone
    threshold = zone.duties_free_under if zone.duties_free_under is not None else Decimal(0)
    rate = zone.duties_rate_percent if zone.duties_rate_percent is not None else Decimal(0)
    estimate = duties_amount(zone=zone, goods=goods, currency=page.currency)
    due = estimate > 0
    facts.update({"duties_free_under": threshold, "rate_percent": rate, "estimate": estimate, "due": due})
    if due:
        message = (
            f"Duties for {zone.name if zone else 'your country'} are collected by the carrier on delivery: "
            f"about {money(estimate)} ({rate}% of {money(goods)})."
        )
    else:
        message = (
            f"Orders under {money(threshold)} enter {zone.name if zone else 'your country'} without duties, "
            "so nothing should be due on delivery."
        )
    if held is not None:
        message = (
            f"Package {held.position} is held at customs until the duties are paid. "
            + message
            + f" {held.carrier_name} contacts you with a payment link; paying it releases the parcel."
        )
    return Diagnosis(
        code="held_at_customs" if held else ("duties_on_delivery" if due else "duties_under_threshold"),
        topic="customs_duties",
        title="Held at customs" if held else "Customs duties on delivery",
        message=message + refusing,
        severity=Severity.WARN if held else Severity.INFO,
        facts=facts,
        shipment_id=held.id if held else None,
    )
