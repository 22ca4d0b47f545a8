"""The demo store's promo codes: one of each kind the stacking and diagnosis rules talk about.

`COUPON_TABLE` holds the codes demo orders were placed with. `CHECK_TABLE` adds codes that only the
promo-code check meets (a flash sale, a used-up code, one limited to Canada, one not started yet), and
`private_codes` makes single-use codes sent to one customer, never suggested for a typo.
"""

from __future__ import annotations

import datetime as dt
import random
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


# code, description, kind, value, min subtotal, min quantity, starts / ends (days from the anchor; ends
# None: open), exclusive, countries, usage limit, times used
CHECK_TABLE: tuple[
    tuple[str, str, str, str, str, int, int, int | None, bool, list[str], int | None, int], ...
] = (
    (
        "FLASH40",
        "40% off for 72 hours, cannot be combined",
        CouponKind.PERCENT,
        "40",
        "0",
        0,
        -1,
        2,
        True,
        [],
        None,
        0,
    ),
    (
        "LAUNCH25",
        "25% off, the first 200 orders",
        CouponKind.PERCENT,
        "25",
        "0",
        0,
        -60,
        None,
        False,
        [],
        200,
        200,
    ),
    (
        "MAPLE15",
        "15% off, delivery to Canada",
        CouponKind.PERCENT,
        "15",
        "0",
        0,
        -200,
        None,
        False,
        ["CA"],
        None,
        0,
    ),
    ("TRIO10", "$10 off three or more items", CouponKind.FIXED, "10", "0", 3, -200, None, False, [], None, 0),
    ("SPRING20", "20% off the spring edit", CouponKind.PERCENT, "20", "0", 0, 10, 40, False, [], None, 0),
)
PRIVATE_CODE_COUNT = 5
PRIVATE_CODE_VALUE = Decimal("15")
_PRIVATE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read from an email, typed by hand


def private_codes(seed: int) -> list[str]:
    """Single-use apology codes, the same for the same seed."""
    rng = random.Random(f"{seed}:private-codes")
    return [
        "SORRY-" + "".join(rng.choice(_PRIVATE_ALPHABET) for _ in range(8)) for _ in range(PRIVATE_CODE_COUNT)
    ]


def build_check_coupons(
    *, anchor: dt.datetime, seed: int, keys: KeyAllocator, buffer: RowBuffer, existing_codes: set[str]
) -> list[str]:
    """Queue the check-only and private codes; returns the codes queued."""
    made = []
    for row in CHECK_TABLE:
        code, description, kind, value, minimum, quantity, starts, ends, exclusive, countries, limit, used = (
            row
        )
        if code in existing_codes:
            continue
        buffer.add(
            Coupon(
                id=keys(Coupon),
                code=code,
                description=description,
                kind=kind,
                value=Decimal(value),
                min_subtotal=Decimal(minimum),
                min_quantity=quantity,
                starts_at=anchor + dt.timedelta(days=starts),
                ends_at=None if ends is None else anchor + dt.timedelta(days=ends),
                exclusive=exclusive,
                countries=countries,
                usage_limit=limit,
                times_used=used,
            )
        )
        made.append(code)
    for code in private_codes(seed):
        if code in existing_codes:
            continue
        buffer.add(
            Coupon(
                id=keys(Coupon),
                code=code,
                description="$15 off, single use: our apology for a delayed order",
                kind=CouponKind.FIXED,
                value=PRIVATE_CODE_VALUE,
                min_subtotal=Decimal("40"),
                starts_at=anchor - dt.timedelta(days=7),
                ends_at=anchor + dt.timedelta(days=90),
                usage_limit=1,
                per_customer_limit=1,
                public=False,
            )
        )
        made.append(code)
    return made
