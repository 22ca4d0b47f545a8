"""The demo store's promo codes: one of each kind the stacking and diagnosis rules talk about."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from shopdesk.demo.rows import KeyAllocator, RowBuffer
from shopdesk.promotions.models import Coupon, CouponKind
from shopdesk.promotions.pricing import PricedLine


@dataclass(frozen=True, slots=True)
class CouponInfo:
    id: int
    code: str
    kind: str
    value: Decimal
    min_subtotal: Decimal
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    exclusive: bool
    first_order_only: bool

    def accepts(self, line: PricedLine) -> bool:
        return True  # the demo's codes exclude no category; gift cards and sale prices are the policy's

    def valid_at(self, moment: dt.datetime) -> bool:
        return self.starts_at <= moment and (self.ends_at is None or moment < self.ends_at)


# code, description, kind, value, min subtotal, starts (days before the anchor), ends (days; None: open),
# exclusive, first order only
COUPON_TABLE: tuple[tuple[str, str, str, str, str, int, int | None, bool, bool], ...] = (
    ("WELCOME10", "10% off your first order", CouponKind.PERCENT, "10", "0", 900, None, False, True),
    ("SAVE15", "15% off full-price items", CouponKind.PERCENT, "15", "0", 400, None, False, False),
    ("TAKE20", "$20 off orders of $100 or more", CouponKind.FIXED, "20", "100", 400, None, False, False),
    ("TENOFF", "$10 off", CouponKind.FIXED, "10", "0", 400, None, False, False),
    ("FREESHIP", "Free shipping", CouponKind.FREE_SHIPPING, "0", "0", 900, None, False, False),
    (
        "VIP25",
        "25% off for members, cannot be combined",
        CouponKind.PERCENT,
        "25",
        "0",
        300,
        None,
        True,
        False,
    ),
    ("SUMMER30", "30% off the summer edit (ended)", CouponKind.PERCENT, "30", "0", 160, 100, False, False),
)


def build_coupons(
    *, anchor: dt.datetime, keys: KeyAllocator, buffer: RowBuffer, existing_codes: set[str]
) -> list[CouponInfo]:
    coupons: list[CouponInfo] = []
    for code, description, kind, value, minimum, starts, ends, exclusive, first_only in COUPON_TABLE:
        if code in existing_codes:  # the store has its own code of that name: leave it alone
            continue
        info = CouponInfo(
            id=keys(Coupon),
            code=code,
            kind=kind,
            value=Decimal(value),
            min_subtotal=Decimal(minimum),
            starts_at=anchor - dt.timedelta(days=starts),
            ends_at=None if ends is None else anchor - dt.timedelta(days=ends),
            exclusive=exclusive,
            first_order_only=first_only,
        )
        buffer.add(
            Coupon(
                id=info.id,
                code=code,
                description=description,
                kind=kind,
                value=info.value,
                min_subtotal=info.min_subtotal,
                starts_at=info.starts_at,
                ends_at=info.ends_at,
                exclusive=exclusive,
                first_order_only=first_only,
            )
        )
        coupons.append(info)
    return coupons
