"""Items sold under their own rules: final sale, hygiene, custom-made and gift cards.

item_rules_diagnose   final_sale_item and non_returnable_item: each such item with the returns answer
                      (shopdesk.returns.eligibility: the same code and sentence as the return action)
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from shopdesk.orderview.diagnoses.types import Diagnosis, Severity
from shopdesk.policy import get_policy
from shopdesk.returns.eligibility import NON_RETURNABLE_CODES, order_returnability

if TYPE_CHECKING:
    from shopdesk.orderview.types import OrderPage


def item_rules_diagnose(*, page: OrderPage, now: dt.datetime) -> list[Diagnosis]:
    """One panel for final-sale items and one for the other non-returnable items (none without them).

    Asks the returns rules only when some line carries a flag the policy lists, so most orders read
    nothing more."""
    policy = get_policy()
    listed = {rule.code for rule in policy.returns.non_returnable}
    lines = [line for line in page.order.lines.all() if set(line.return_flags or []) & listed]
    if not lines:
        return []
    answers = [
        answer
        for answer in order_returnability(order=page.order, now=now, lines=lines)
        if answer.eligibility.code in NON_RETURNABLE_CODES
    ]
    found = []
    final_sale = [a for a in answers if a.eligibility.code == "final_sale"]
    others = [a for a in answers if a.eligibility.code != "final_sale"]
    if final_sale:
        no_adjustment = (
            " Final-sale items don't get price adjustments either."
            if "final_sale" in policy.price_adjustment.excluded_flags
            else ""
        )
        found.append(
            Diagnosis(
                code="final_sale_item",
                topic="non_returnable",
                title="Final sale",
                message=" ".join(a.eligibility.message for a in final_sale) + no_adjustment,
                severity=Severity.INFO,
                facts={"items": [a.as_dict() for a in final_sale]},
            )
        )
    if others:
        found.append(
            Diagnosis(
                code="non_returnable_item",
                topic="non_returnable",
                title="Items with their own return rules",
                message=" ".join(a.eligibility.message for a in others),
                severity=Severity.INFO,
                facts={"items": [a.as_dict() for a in others]},
            )
        )
    return found
