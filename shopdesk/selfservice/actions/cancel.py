"""`cancel`: the whole order before dispatch, or the items that haven't shipped yet (refund, points, stock)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.orders.models import Order
from shopdesk.policy.money import money_locale
from shopdesk.selfservice.actions.params import StrictParams, params_parse
from shopdesk.selfservice.eligibility import OrderFacts, cancel_eligibility, order_facts
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, register
from shopdesk.selfservice.services.cancel import cancel_preview, order_cancel

PARTIAL = "partially_dispatched"


class CancelParams(StrictParams):
    line_ids: list[int] | None = Field(
        None, max_length=100, description="Unshipped lines to cancel; omit to cancel the whole order."
    )
    reason: str = Field("", max_length=200)


@register
class CancelAction(OrderAction):
    id = "cancel"
    label = "Cancel the order"
    moves_money = True
    api_path = "cancel"
    params_model = CancelParams

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        return cancel_eligibility(order=order, now=now, facts=facts)

    @staticmethod
    def is_partial(eligibility: Eligibility) -> bool:
        """Part of the order has left: only chosen unshipped items can go (the customer picks them)."""
        return eligibility.code == PARTIAL

    def title(self, eligibility: Eligibility) -> str:
        return "Cancel items" if self.is_partial(eligibility) else "Cancel your order"

    def confirm_label(self, eligibility: Eligibility) -> str:
        return "Yes, cancel these items" if self.is_partial(eligibility) else "Yes, cancel my order"

    def line_choices(self, *, order: Order, facts: OrderFacts | None = None) -> list[tuple[int, str]]:
        """The items that can still be cancelled, as (line id, "2 × Name")."""
        facts = facts or order_facts(order)
        return [
            (line.pk, f"{facts.units_unshipped(line)} × {line.product_name}")
            for line in facts.unshipped_lines
        ]

    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        parsed = params_parse(CancelParams, params)
        self.eligibility(order=order, actor=actor).require()
        preview = cancel_preview(order=order, line_ids=parsed.line_ids)
        return ActionPreview(
            message=preview.sentence(locale=money_locale()),
            data={
                "whole_order": preview.whole_order,
                "items": preview.items,
                "refund_amount": str(preview.plan.money),
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
        parsed = params_parse(CancelParams, params)
        done = order_cancel(
            order=order,
            actor=actor,
            line_ids=parsed.line_ids,
            reason=parsed.reason,
            idempotency_key=idempotency_key,
        )
        return ActionResult(message=done.message, data=dict(done.data), replayed=done.replayed)
