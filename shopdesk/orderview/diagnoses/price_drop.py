"""Is anything on the order cheaper today? Each item whose same size and colour costs less now, with the
price-adjustment answer (shopdesk.promotions.price_adjustment: the same code and sentence as the action).

price_drop_diagnose   price_dropped: the items, the prices then and now, and whether the difference can come back
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from shopdesk.orderview.diagnoses.types import Diagnosis, DiagnosisAction, Severity
from shopdesk.payments.order_facts import OrderFacts
from shopdesk.selfservice.services.price_adjustment import order_price_adjustments

if TYPE_CHECKING:
    from shopdesk.orderview.types import OrderPage


def _facts(page: OrderPage) -> OrderFacts:
    """The facts from the rows the page already fetched (no query)."""
    order = page.order
    return OrderFacts(
        order=order,
        lines=list(order.lines.all()),
        shipped={line.id: line.quantity_shipped for line in page.lines},
        shipments=list(order.shipments.all()),
        payments=list(order.payments.all()),
    )


def price_drop_diagnose(*, page: OrderPage, now: dt.datetime) -> Diagnosis | None:
    """None unless some item kept costs less today than was paid for it."""
    answers = [
        answer
        for answer in page.price_adjustments
        or order_price_adjustments(order=page.order, facts=_facts(page), now=now)
        if answer.price_dropped and answer.units > 0
    ]
    if not answers:
        return None
    eligible = [a for a in answers if a.eligibility.allowed]
    return Diagnosis(
        code="price_dropped",
        topic="price_adjustment",
        title="The price dropped" if len(answers) == 1 else "Prices dropped",
        message=" ".join(a.eligibility.message for a in answers),
        severity=Severity.INFO,
        facts={"items": [a.as_dict() for a in answers], "eligible": [a.line.pk for a in eligible]},
        actions=tuple(
            DiagnosisAction.of(
                "price_adjustment",
                f"Get the difference back on the {a.line.product_name}"
                if len(eligible) > 1
                else "Get the difference back",
                line_id=a.line.pk,
            )
            for a in eligible
        ),
    )
