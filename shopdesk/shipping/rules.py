"""The store's shipping rules, written once: what shipping costs, what duties come to, when tracking is stale,
when a parcel is late or lost, and how long a parcel marked delivered may take to turn up.

The order page, its diagnoses, the checkout arithmetic of the demo and its situation labels all ask here,
so the headline, the panel and the demo's own label can never count a different number of days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.core.money import quantize
from shopdesk.policy.schema import Policy, ShippingMethod, Zone

DAY = dt.timedelta(days=1)


class ScanState:
    RECENT = "recent"  # scanned lately: nothing to worry about
    STALE = "stale"  # quiet longer than the stale threshold: worth asking the carrier
    LOST = "lost"  # quiet longer than the lost threshold: treated as lost


@dataclass(frozen=True, slots=True)
class ScanAge:
    days: int  # whole days since the last scan (what every sentence says)
    state: str  # a ScanState

    @property
    def lost(self) -> bool:
        return self.state == ScanState.LOST

    @property
    def stale(self) -> bool:
        return self.state == ScanState.STALE


def scan_age(*, last_scan: dt.datetime | None, now: dt.datetime, policy: Policy) -> ScanAge | None:
    """How long a moving parcel has been quiet, and what that means; None before the first scan."""
    if last_scan is None:
        return None
    quiet = now - last_scan
    shipping = policy.shipping
    if quiet >= shipping.lost_after_days * DAY:
        state = ScanState.LOST
    elif quiet >= shipping.stale_tracking_days * DAY:
        state = ScanState.STALE
    else:
        state = ScanState.RECENT
    return ScanAge(days=max(quiet // DAY, 0), state=state)


def late_after(*, latest: dt.date, policy: Policy) -> dt.date:
    """The last day a parcel may still arrive before we call it late (the window's end plus the grace days)."""
    return latest + dt.timedelta(days=policy.shipping.late_grace_days)


def is_late(*, latest: dt.date, today: dt.date, policy: Policy) -> bool:
    return today > late_after(latest=latest, policy=policy)


def delivered_wait_over(*, delivered_at: dt.datetime | None, now: dt.datetime, policy: Policy) -> bool:
    """A parcel marked delivered but not found: after this wait we open an investigation."""
    if delivered_at is None:
        return False
    return now - delivered_at >= dt.timedelta(hours=policy.shipping.delivered_missing_wait_hours)


def ships_free(*, method: ShippingMethod, goods: Decimal) -> bool:
    """Free shipping: the goods (after coupons) reach the method's threshold."""
    return method.free_over is not None and goods >= method.free_over


def shipping_fee(*, method: ShippingMethod, goods: Decimal) -> Decimal:
    return Decimal(0) if ships_free(method=method, goods=goods) else method.fee


def duties_amount(*, zone: Zone, goods: Decimal, currency: str) -> Decimal:
    """Duties and import taxes on `goods` for the zone (paid by the store or collected on delivery)."""
    if zone.duties == "none" or not zone.duties_rate_percent or goods <= 0:
        return Decimal(0)
    if zone.duties_free_under is not None and goods < zone.duties_free_under:
        return Decimal(0)
    return quantize(goods * zone.duties_rate_percent / 100, currency)


def is_domestic(*, country: str, ships_from: list[str]) -> bool:
    """No border crossed: every warehouse the order leaves from is in the destination country."""
    return bool(ships_from) and all(origin == country for origin in ships_from)
