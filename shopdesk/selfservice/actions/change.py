"""`change_items`: the size, colour or quantity of one item, before it ships and within the change window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.orders.models import Order, OrderLine
from shopdesk.policy.dates import moment_text
from shopdesk.policy.money import money_locale
from shopdesk.selfservice.actions.params import StrictParams, params_parse
from shopdesk.selfservice.eligibility import (
    OrderFacts,
    change_window_closes,
    line_change_eligibility,
    order_facts,
)
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, register
from shopdesk.selfservice.services.change import line_change_preview, order_line_change, variant_options

_SIZES = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"]


def _size_order(size: str) -> tuple[int, str]:
    return (_SIZES.index(size.upper()), "") if size.upper() in _SIZES else (len(_SIZES), size)


class ChangeItemsParams(StrictParams):
    line_id: int = Field(gt=0)
    size: str | None = Field(None, max_length=40)
    colour: str | None = Field(None, max_length=40)
    quantity: int | None = Field(None, ge=1, le=1000)


@dataclass(frozen=True, slots=True)
class LineOptions:
    """What the customer may pick for one item: the choice lists every interface offers."""

    sizes: list[str]
    colours: list[str]
    quantities: list[int]


@register
class ChangeItemsAction(OrderAction):
    id = "change_items"
    label = "Change size, colour or quantity"
    moves_money = True  # a smaller quantity or a cheaper variant refunds the difference
    api_path = "lines/{line_id}"
    params_model = ChangeItemsParams

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        """For the order as a whole: allowed when some item can be changed (else the first item's reason)."""
        facts = facts or order_facts(order)
        candidates = facts.unshipped_lines or facts.active_lines[:1]
        if not candidates:
            return Eligibility.no("order_cancelled", "This order is cancelled, so it can't be changed.")
        answers = [
            line_change_eligibility(order=order, line=line, now=now, facts=facts) for line in candidates
        ]
        allowed = [answer for answer in answers if answer.allowed]
        if len(allowed) > 1:  # each line's own sentence speaks of "this item"
            return Eligibility.yes(
                f"You can change items of this order until {moment_text(change_window_closes(order))}."
            )
        return allowed[0] if allowed else answers[0]

    def line_eligibility(
        self, *, order: Order, line: OrderLine, actor: Actor, facts: OrderFacts | None = None
    ) -> Eligibility:
        return self.for_actor(line_change_eligibility(order=order, line=line, facts=facts), actor=actor)

    def line_options(self, *, line: OrderLine) -> LineOptions:
        """Sizes in the line's colour, colours in its size (one thing at a time), and fewer pieces."""
        options = variant_options(line)
        sizes = sorted({v.size for v in options if v.colour == line.colour} | {line.size}, key=_size_order)
        colours = sorted({v.colour for v in options if v.size == line.size} | {line.colour})
        return LineOptions(sizes=sizes, colours=colours, quantities=list(range(1, line.quantity_active + 1)))

    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        parsed = params_parse(ChangeItemsParams, params)
        plan = line_change_preview(
            order=order,
            line_id=parsed.line_id,
            size=parsed.size,
            colour=parsed.colour,
            quantity=parsed.quantity,
        )
        sentence = plan.sentence(locale=money_locale())
        if not plan.changed:
            raise InvalidInput(sentence, code="nothing_to_change")
        data: dict[str, Any] = {"line_id": parsed.line_id, "before": plan.before, "after": plan.after}
        if plan.refund is not None:
            data.update(refund_amount=str(plan.refund.money), points=plan.refund.points)
        return ActionPreview(message=sentence, data=data)

    def perform(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
    ) -> ActionResult:
        parsed = params_parse(ChangeItemsParams, params)
        if not order.lines.filter(pk=parsed.line_id).exists():
            raise NotFound("This item is not part of the order.", code="unknown_line")
        done = order_line_change(
            order=order,
            line_id=parsed.line_id,
            actor=actor,
            size=parsed.size,
            colour=parsed.colour,
            quantity=parsed.quantity,
            idempotency_key=idempotency_key,
        )
        return ActionResult(message=done.message, data=dict(done.data), replayed=done.replayed)
