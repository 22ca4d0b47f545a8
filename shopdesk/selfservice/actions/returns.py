"""`return_start`: send delivered items back within the window, for a refund, store credit, an exchange,
or keep them (see shopdesk/returns)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from shopdesk.core.actors import Actor, AgentRole
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.overrides import RuleOverride
from shopdesk.orders.models import Order
from shopdesk.policy.money import money_locale, money_text
from shopdesk.returns.eligibility import LineReturnability, order_returnability, return_start_eligibility
from shopdesk.returns.refund_estimate import ReturnedUnits, plans_as_dict, return_plans
from shopdesk.returns.resolutions import exchange_variant
from shopdesk.returns.services import ReturnLineRequest
from shopdesk.returns.tracking import return_create_with_tracking
from shopdesk.selfservice.actions.params import StrictParams, params_parse
from shopdesk.selfservice.eligibility import OrderFacts, order_facts
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, register


class ReturnLineParams(StrictParams):
    line_id: int
    quantity: int = Field(1, ge=1, le=1000)
    reason: str = Field(max_length=40)
    resolution: Literal["refund", "store_credit", "exchange", "keep"] = "refund"
    exchange_sku: str | None = Field(None, max_length=64)


class ReturnParams(StrictParams):
    lines: list[ReturnLineParams] = Field(min_length=1, max_length=100)
    method: Literal["label", "own_carrier"] = "label"
    # With `own_carrier`: the parcel's tracking number, checked like every tracking number (optional here,
    # it can be added on the return afterwards).
    tracking_number: str | None = Field(None, max_length=80)
    carrier: str | None = Field(None, max_length=20)

    def requests(self) -> list[ReturnLineRequest]:
        return [
            ReturnLineRequest(
                line_id=line.line_id,
                quantity=line.quantity,
                reason=line.reason,
                resolution=line.resolution,
                exchange_sku=line.exchange_sku or "",
            )
            for line in self.lines
        ]


@register
class ReturnStartAction(OrderAction):
    id = "return_start"
    label = "Return items"
    moves_money = False  # the refund moves at inspection, through the store API
    api_path = "returns"
    params_model = ReturnParams
    # An agent may take back an item after the window closed (goodwill, a late delivery scan); every
    # other rule — flags, units left, open returns, the approval threshold — still applies.
    overridable = {"window_expired": AgentRole.AGENT}

    def rule_overridden(
        self, *, order: Order, now: dt.datetime | None = None, override: RuleOverride
    ) -> Eligibility:
        plain = order_returnability(order=order, now=now)
        if order.is_cancelled:
            return return_start_eligibility(order=order, now=now, answers=plain)
        if not any(a.eligibility.code in override.codes for a in plain):
            return Eligibility.no(
                "override_not_needed",
                "No item of this order is past its return window: start the return without an override.",
            )
        waived = order_returnability(order=order, now=now, waive=override.codes)
        return return_start_eligibility(order=order, now=now, answers=waived)

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        if facts is not None and not any(s.delivered_at for s in facts.shipments):
            # Nothing delivered: the answer needs no further read (the order page lists this cheaply).
            refusal = Eligibility.no(
                "not_delivered",
                "Nothing of this order has been delivered yet; you can start a return once it arrives.",
            )
            if order.is_cancelled:
                refusal = return_start_eligibility(order=order, now=now, answers=[])
            return refusal
        lines = facts.lines if facts is not None else None
        answers = order_returnability(order=order, now=now, lines=lines)
        return return_start_eligibility(order=order, now=now, answers=answers)

    def eligibility_of_items(
        self, *, order: Order, actor: Actor, answers: list[LineReturnability]
    ) -> Eligibility:
        """`eligibility` from the items' answers the caller just read (`order_returnability`): the
        assistant shows them, then asks whether the order can go back, without reading them again."""
        return self.for_actor(return_start_eligibility(order=order, answers=answers), actor=actor)

    def preview(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        override: RuleOverride | None = None,
    ) -> ActionPreview:
        parsed = params_parse(ReturnParams, params)
        self.eligibility(order=order, actor=actor, override=override).require()
        by_id = {line.pk: line for line in order.lines.all()}
        units = []
        for line in parsed.lines:
            if line.line_id not in by_id:
                continue
            variant = (
                exchange_variant(by_id[line.line_id], line.exchange_sku or "")
                if line.resolution == "exchange"
                else None
            )
            units.append(
                ReturnedUnits(
                    by_id[line.line_id],
                    line.quantity,
                    line.reason,
                    resolution=line.resolution,
                    exchange_label=variant.sku if variant else "",
                    exchange_price=variant.price if variant else Decimal(0),
                )
            )
        plans = return_plans(order=order, facts=order_facts(order), units=units, method=parsed.method)
        estimate = plans_as_dict(plans)
        # Where it goes: the store-credit share back to store credit, the rest to each payment.
        where = f" {plans.refund.sentence(locale=money_locale())}" if plans.refund.refunded > 0 else ""
        return ActionPreview(
            message=f"About {money_text(plans.refund.money, plans.refund.currency)} would come back after inspection.{where}",
            data={"refund_estimate": estimate},
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
        parsed = params_parse(ReturnParams, params)
        done = return_create_with_tracking(
            order=order,
            actor=actor,
            lines=parsed.requests(),
            method=parsed.method,
            idempotency_key=idempotency_key,
            tracking_number=parsed.tracking_number,
            carrier=parsed.carrier,
            override=override,
        )
        return ActionResult(message=str(done.data["message"]), data=dict(done.data), replayed=done.replayed)
