"""`refund_lines`: the care team refunds chosen units of an order that can't simply be cancelled (shipped
or delivered: a lost parcel, a damaged item the customer keeps), with a reason. For agents only (the
desk); customers are refused and the portal never lists it. It moves money, so above the desk's refund
limit a lead approves it first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.orders.models import Order
from shopdesk.payments.order_facts import OrderFacts
from shopdesk.policy.money import money_locale
from shopdesk.selfservice.actions.params import StrictParams, params_parse
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, register
from shopdesk.selfservice.services.refund_lines import (
    AGENTS_ONLY,
    MAX_LINES,
    MAX_REASON_LENGTH,
    order_refund_lines,
    refund_lines_eligibility,
    refund_lines_preview,
)


class RefundLineChoice(StrictParams):
    line_id: int = Field(gt=0, le=2_147_483_647, description="The order line.")
    quantity: int = Field(gt=0, le=10_000, description="How many of its units are refunded.")


class RefundLinesParams(StrictParams):
    lines: list[RefundLineChoice] = Field(
        min_length=1, max_length=MAX_LINES, description="The lines and units to refund."
    )
    reason: str = Field(
        min_length=1,
        max_length=MAX_REASON_LENGTH,
        description="Why the items are refunded (kept on the order's history and the refund).",
    )


def _pairs(parsed: RefundLinesParams) -> list[tuple[int, int]]:
    return [(choice.line_id, choice.quantity) for choice in parsed.lines]


@register
class RefundLinesAction(OrderAction):
    id = "refund_lines"
    label = "Refund items"
    moves_money = True
    for_agents = True
    params_model = RefundLinesParams

    agents_only = AGENTS_ONLY

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        return refund_lines_eligibility(order=order, facts=facts)

    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        self.agents_gate(actor)
        parsed = params_parse(RefundLinesParams, params)
        preview = refund_lines_preview(order=order, lines=_pairs(parsed))
        return ActionPreview(
            message=preview.sentence(locale=money_locale()),
            data={
                "items": preview.items,
                "refund_amount": str(preview.plan.refunded),
                "money_back": str(preview.plan.money),
                "points": preview.plan.points,
                "payment_outcome": preview.plan.outcome,
                "details": [f"{item['quantity']} × {item['name']}" for item in preview.items],
            },
        )

    def perform(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
    ) -> ActionResult:
        self.agents_gate(actor)
        parsed = params_parse(RefundLinesParams, params)
        done = order_refund_lines(
            order=order,
            actor=actor,
            lines=_pairs(parsed),
            reason=parsed.reason,
            idempotency_key=idempotency_key,
        )
        return ActionResult(message=done.message, data=dict(done.data), replayed=done.replayed)
