"""Codes on the order: which were applied, what each saved, and whether they were used together.

coupons_diagnose   coupons_applied (one code) or coupons_stacked (several), with the store's stacking rule
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from shopdesk.core.money import Money
from shopdesk.orderview.diagnoses.types import Diagnosis, Severity
from shopdesk.policy import get_policy
from shopdesk.promotions.engine import CodeRule, stacking_allowed

if TYPE_CHECKING:
    from shopdesk.orderview.types import OrderPage


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" and {parts[-1]}"


def coupons_diagnose(*, page: OrderPage) -> Diagnosis | None:
    """None for an order without codes."""
    if not page.coupons:
        return None
    rules = get_policy().promotions
    total = sum((coupon.saved.amount for coupon in page.coupons), Decimal(0))
    saved = [f"{coupon.code} saved {coupon.saved.display}" for coupon in page.coupons]
    facts: dict[str, object] = {
        "codes": [coupon.as_dict() for coupon in page.coupons],
        "saved_total": total,
        "max_codes_per_order": rules.max_codes_per_order,
        "combinable_groups": [list(group) for group in rules.combinable_groups],
    }
    if len(page.coupons) == 1:
        return Diagnosis(
            code="coupons_applied",
            topic="coupon_stacking",
            title="Your code",
            message=f"One code was applied to this order: {saved[0]}.",
            severity=Severity.OK,
            facts=facts,
        )
    known = [c for c in page.coupons if c.kind]
    combinable = len(known) == len(page.coupons) and stacking_allowed(
        [CodeRule(code=c.code, kind=c.kind, value=Decimal(0), exclusive=c.exclusive) for c in known], rules
    )
    all_saved = Money(total, page.currency).format(page.locale)
    kinds = _join([c.kind_label.lower() for c in page.coupons])
    if combinable:
        why = f"Codes of these kinds ({kinds}) can be used together, up to {rules.max_codes_per_order} per order."
    else:
        why = (
            "They were accepted together when you ordered; under today's rules they would not combine, "
            "which changes nothing for this order."
        )
    return Diagnosis(
        code="coupons_stacked",
        topic="coupon_stacking",
        title="Codes used together",
        message=f"{len(page.coupons)} codes were applied together: {_join(saved)} ({all_saved} in all). {why}",
        severity=Severity.OK,
        facts={**facts, "combinable": combinable},
    )
