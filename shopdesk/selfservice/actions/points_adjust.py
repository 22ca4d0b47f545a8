"""`points_adjust`: the care team adds points to the order's customer or takes some off, with the reason
the customer reads. For agents only (the desk); customers are refused and the portal never lists it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.loyalty.services import ADJUST_LIMIT
from shopdesk.orders.models import Order
from shopdesk.payments.order_facts import OrderFacts
from shopdesk.selfservice.actions.params import StrictParams, params_parse
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, register
from shopdesk.selfservice.services.points_adjust import (
    AGENTS_ONLY,
    MAX_REASON_LENGTH,
    order_points_adjust,
    points_adjust_preview,
)


class PointsAdjustParams(StrictParams):
    points: int = Field(
        ge=-ADJUST_LIMIT,
        le=ADJUST_LIMIT,
        description="Points to add (positive) or take off (negative); never zero.",
    )
    reason: str = Field(
        min_length=1,
        max_length=MAX_REASON_LENGTH,
        description="Why the points are adjusted: the customer reads it.",
    )


@register
class PointsAdjustAction(OrderAction):
    id = "points_adjust"
    label = "Adjust the customer's points"
    for_agents = True
    params_model = PointsAdjustParams

    agents_only = AGENTS_ONLY

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        return Eligibility.yes("Add points to the customer's balance, or take some off, with a reason.")

    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        self.agents_gate(actor)
        parsed = params_parse(PointsAdjustParams, params)
        plan = points_adjust_preview(order=order, actor=actor, points=parsed.points, reason=parsed.reason)
        return ActionPreview(
            message=plan.sentence(),
            data={
                "points": plan.points,
                "reason": plan.reason,
                "balance_before": plan.balance_before,
                "balance_after": plan.balance_after,
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
        parsed = params_parse(PointsAdjustParams, params)
        done = order_points_adjust(
            order=order,
            actor=actor,
            points=parsed.points,
            reason=parsed.reason,
            idempotency_key=idempotency_key,
        )
        return ActionResult(message=done.message, data=dict(done.data), replayed=done.replayed)
