"""`price_adjustment`: the price difference back on an item whose same size and colour costs less now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from shopdesk.core.actors import Actor, AgentRole
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.overrides import RuleOverride
from shopdesk.orders.models import Order
from shopdesk.policy import get_policy
from shopdesk.selfservice.actions.params import StrictParams, params_parse
from shopdesk.selfservice.eligibility import OrderFacts
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, register
from shopdesk.selfservice.services.price_adjustment import (
    OVERRIDE_NOT_NEEDED,
    order_price_adjustments,
    price_adjustment_eligibility,
    price_adjustment_preview,
    price_adjustment_request,
)


class PriceAdjustmentParams(StrictParams):
    line_id: int = Field(gt=0)


@register
class PriceAdjustmentAction(OrderAction):
    id = "price_adjustment"
    label = "Get the price difference back"
    moves_money = True
    api_path = "lines/{line_id}/price-adjustment"
    params_model = PriceAdjustmentParams
    # A lead may adjust a price after the window closed (a late delivery, a promise made on the phone);
    # every other rule — already adjusted, the per-order limit, excluded items and prices, the minimum
    # difference — still applies.
    overridable = {"window_closed": AgentRole.LEAD}

    def rule_overridden(
        self, *, order: Order, now: dt.datetime | None = None, override: RuleOverride
    ) -> Eligibility:
        if order.is_cancelled:
            return price_adjustment_eligibility(order=order, now=now)
        plain = order_price_adjustments(order=order, now=now)
        if not any(a.eligibility.code in override.codes for a in plain):
            return OVERRIDE_NOT_NEEDED
        return price_adjustment_eligibility(order=order, now=now, waive=override.codes)

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        return price_adjustment_eligibility(order=order, facts=facts, now=now)

    def preview(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        override: RuleOverride | None = None,
    ) -> ActionPreview:
        parsed = params_parse(PriceAdjustmentParams, params)
        self.eligibility(order=order, actor=actor, override=override).require()
        plan = price_adjustment_preview(order=order, line_id=parsed.line_id, override=override)
        return ActionPreview(
            message=plan.sentence(locale=get_policy().store.locale),
            data={
                "line_id": parsed.line_id,
                "amount": str(plan.answer.amount),
                "refund_amount": str(plan.refund.money),
                "points": plan.refund.points,
            },
        )

    def perform(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
        override: RuleOverride | None = None,
    ) -> ActionResult:
        parsed = params_parse(PriceAdjustmentParams, params)
        done = price_adjustment_request(
            order=order,
            line_id=parsed.line_id,
            actor=actor,
            idempotency_key=idempotency_key,
            override=override,
        )
        return ActionResult(message=done.message, data=dict(done.data), replayed=done.replayed)
