"""What each demo order should be: a scripted list that covers every situation, then weighted random mixes.

A plan says what to build; the situations an order ends up in are computed afterwards from the rows
(classify.py), so the list printed by `shopdesk demo --list` can never claim more than the data shows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class OrderPlan:
    # declined | verification | recent | unfulfilled | cancelled | shipped
    stage: str
    # Tracking scenario of each package (stage "shipped"): label_only, in_transit, out_for_delivery, late,
    # stale, lost, customs, attempted, delivered, returned.
    packages: tuple[str, ...] = ()
    partial: bool = False  # some lines stay in the warehouse
    country: str | None = None
    # collected_on_delivery | store_pays | multi_warehouse | domestic
    zone_need: str | None = None
    coupons: str = "none"  # none | one | stacked | exclusive
    points: bool = False
    # price_drop | price_drop_excluded | final_sale | hygiene | custom_made | gift_card
    item: str | None = None
    returned_line: bool = False
    decline_code: str | None = None
    window: str | None = None  # delivered packages: "open" or "closed" return window
    rts_reason: str | None = None  # refused | address_not_found | unclaimed
    method: str | None = None  # a shipping method code, when it matters (express)
    overdue: bool = False  # stage "verification": placed long enough ago that the deadline has passed


P = OrderPlan
# The first orders, in this order. Every situation appears within the first 60 (most within 40), each
# with some variety: several countries, carriers, decline codes and return-to-sender reasons.
SCRIPT: tuple[OrderPlan, ...] = (
    P("unfulfilled", country="US"),
    P("recent", country="US"),
    P("shipped", ("in_transit",), country="US"),
    P("shipped", ("delivered",), country="US", window="open"),
    P("shipped", ("in_transit", "delivered"), zone_need="multi_warehouse", country="JP"),
    P("shipped", ("in_transit",), partial=True, country="US"),
    P("shipped", ("attempted",), country="US"),
    P("shipped", ("returned",), country="GB", rts_reason="refused"),
    P("shipped", ("stale",), country="US"),
    P("shipped", ("lost",), country="DE"),
    P("shipped", ("late",), country="CA"),
    P("shipped", ("label_only",), country="US", method="express"),
    P("shipped", ("customs",), country="GB"),
    P("declined", country="US", decline_code="insufficient_funds"),
    P("verification", country="US"),
    P("shipped", ("delivered",), country="US", points=True, window="open"),
    P("shipped", ("in_transit",), country="US", coupons="stacked"),
    P("shipped", ("delivered",), country="US", item="price_drop", window="open"),
    P("shipped", ("in_transit",), country="US", item="final_sale"),
    P("unfulfilled", country="US", item="hygiene"),
    P("cancelled", country="US"),
    P("shipped", ("delivered",), country="US", returned_line=True, window="open"),
    P("shipped", ("delivered",), country="FR", window="open"),
    P("shipped", ("delivered",), country="MX", window="open"),
    P("shipped", ("delivered",), country="CA", window="closed"),
    # second round: the same situations, other places and variants
    P("recent", country="GB"),
    P("shipped", ("delivered", "in_transit", "label_only"), zone_need="multi_warehouse", country="BR"),
    P("shipped", ("returned",), country="US", rts_reason="address_not_found"),
    P("shipped", ("returned",), country="AU", rts_reason="unclaimed"),
    P("shipped", ("customs",), country="JP"),
    P("declined", country="GB", decline_code="do_not_honor"),
    P("declined", country="CA", decline_code="expired_card"),
    P("declined", country="DE", decline_code="authentication_failed"),
    P("unfulfilled", country="AU", points=True),
    P("shipped", ("delivered",), country="GB", coupons="stacked", window="closed"),
    P("shipped", ("in_transit",), country="US", item="price_drop_excluded"),
    P("shipped", ("delivered",), country="US", item="custom_made", window="open"),
    P("cancelled", country="NL", points=True),
    P("shipped", ("delivered",), country="DE", returned_line=True, window="open"),
    P("shipped", ("out_for_delivery",), country="US"),
    P("shipped", ("stale",), country="AU"),
    P("shipped", ("late",), country="US"),
    P("shipped", ("attempted",), country="CA"),
    P("shipped", ("label_only",), country="GB"),
    P("verification", country="CA", overdue=True),
    P("shipped", ("delivered",), country="ZA", window="closed"),
    P("shipped", ("in_transit",), country="IT", item="gift_card"),
    P("shipped", ("in_transit",), partial=True, country="FR"),
    P("unfulfilled", country="JP", coupons="exclusive"),
    P("shipped", ("delivered",), country="US", window="closed", item="price_drop"),
)

# Random mixes after the script: (weight, plan). Extras (coupons, points, special items, returns)
# are added on top by random_plan.
MIX: tuple[tuple[int, OrderPlan], ...] = (
    (44, P("shipped", ("delivered",))),
    (12, P("shipped", ("in_transit",))),
    (3, P("shipped", ("out_for_delivery",))),
    (6, P("unfulfilled")),
    (2, P("recent")),
    (3, P("shipped", ("in_transit",), partial=True)),
    (3, P("shipped", ("delivered", "in_transit"), zone_need="multi_warehouse")),
    (1, P("shipped", ("delivered", "delivered"), zone_need="multi_warehouse")),
    (2, P("declined")),
    (1, P("verification")),
    (3, P("cancelled")),
    (2, P("shipped", ("label_only",))),
    (2, P("shipped", ("stale",))),
    (1, P("shipped", ("lost",))),
    (2, P("shipped", ("late",))),
    (2, P("shipped", ("attempted",))),
    (1, P("shipped", ("returned",))),
    (2, P("shipped", ("customs",), zone_need="collected_on_delivery")),
)
_MIX_WEIGHTS = [weight for weight, _ in MIX]
_MIX_PLANS = [plan for _, plan in MIX]
RTS_REASONS = ("refused", "address_not_found", "unclaimed")
SPECIAL_ITEMS = ("final_sale", "hygiene", "custom_made", "gift_card", "price_drop", "price_drop_excluded")


def plan_for(index: int, rng: random.Random, decline_codes: list[str]) -> OrderPlan:
    """The plan of the index-th order (0-based)."""
    if index < len(SCRIPT):
        return SCRIPT[index]
    plan = rng.choices(_MIX_PLANS, weights=_MIX_WEIGHTS)[0]
    extras: dict[str, object] = {}
    roll = rng.random()
    if roll < 0.04:
        extras["coupons"] = "stacked"
    elif roll < 0.22:
        extras["coupons"] = "one"
    elif roll < 0.24:
        extras["coupons"] = "exclusive"
    if plan.stage in ("shipped", "unfulfilled", "cancelled") and rng.random() < 0.07:
        extras["points"] = True
    if rng.random() < 0.12:
        extras["item"] = rng.choice(SPECIAL_ITEMS)
    if plan.stage == "declined" and decline_codes:
        extras["decline_code"] = rng.choice(decline_codes)
    if plan.packages and "returned" in plan.packages:
        extras["rts_reason"] = rng.choice(RTS_REASONS)
    if plan.packages == ("delivered",) and not extras.get("points") and rng.random() < 0.08:
        extras["returned_line"] = True
    if plan.packages and rng.random() < 0.12:
        extras["method"] = "express"
    return replace(plan, **extras) if extras else plan  # type: ignore[arg-type]
