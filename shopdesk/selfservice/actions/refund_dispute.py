"""`refund_dispute`: "Report a problem with this refund" — a case for the care team with the refund's lines
and the ones the customer questions (see payments/refund_cases.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.orders.models import Order
from shopdesk.payments.models import Refund
from shopdesk.payments.order_facts import OrderFacts
from shopdesk.payments.refund_cases import refund_case_open, refund_lines_snapshot
from shopdesk.selfservice.actions.params import StrictParams, params_parse
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, register
from shopdesk.shipping.models import CaseKind


class RefundDisputeParams(StrictParams):
    refund_id: int = Field(gt=0)
    lines: list[int] = Field(
        default_factory=list, max_length=100, description="Indexes of the lines questioned."
    )
    message: str = Field("", max_length=2000)


def _refund_of(order: Order, refund_id: int) -> Refund:
    refund = Refund.objects.filter(pk=refund_id, order=order).first()
    if refund is None:  # another order's refund reads exactly like a missing one
        raise NotFound("This order has no such refund.", code="unknown_refund")
    return refund


def _questioned(refund: Refund, indexes: list[int]) -> list[dict[str, Any]]:
    snapshot = refund_lines_snapshot(refund)
    bad = [index for index in indexes if not 0 <= index < len(snapshot)]
    if bad:
        raise InvalidInput(
            "Choose lines of this refund.",
            code="unknown_refund_line",
            details={"fields": {"lines": str(bad)}},
        )
    return [snapshot[index] for index in sorted(set(indexes))]


@register
class RefundDisputeAction(OrderAction):
    id = "refund_dispute"
    label = "Report a problem with a refund"
    api_path = "refunds/{refund_id}/dispute"
    params_model = RefundDisputeParams

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        # From the facts already read when the page lists its actions (a payment with money refunded);
        # otherwise one query, which also sees refunds to store credit.
        if facts is not None:
            refunded = any(payment.amount_refunded > 0 for payment in facts.payments)
        else:
            refunded = Refund.objects.filter(order=order).exists()
        if refunded:
            return Eligibility.yes(
                "Tell us which part of a refund looks wrong; our team checks it and writes to you."
            )
        return Eligibility.no("no_refund", "This order has no refund yet.")

    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        parsed = params_parse(RefundDisputeParams, params)
        self.eligibility(order=order, actor=actor).require()
        refund = _refund_of(order, parsed.refund_id)
        questioned = _questioned(refund, parsed.lines)
        return ActionPreview(
            message="We'll open a case with this refund's lines for our team, who check it and write to you.",
            data={"refund_id": refund.pk, "questioned": questioned},
        )

    def perform(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
    ) -> ActionResult:
        # Idempotent by design: one open question per refund, so a repeat returns the open case.
        parsed = params_parse(RefundDisputeParams, params)
        self.eligibility(order=order, actor=actor).require()
        refund = _refund_of(order, parsed.refund_id)
        questioned = _questioned(refund, parsed.lines)
        opened = refund_case_open(
            refund=refund,
            kind=CaseKind.REFUND_DISPUTE,
            actor=actor,
            reason="refund_questioned",
            details={"questioned": questioned, "message": parsed.message},
            note=parsed.message,
        )
        case = opened.case
        verb = "We opened" if opened.created else "You already have"
        return ActionResult(
            message=f"{verb} case {case.reference} about this refund: quote it if you contact us. Our care "
            "team checks the lines you pointed out and writes to you.",
            data={
                "reference": case.reference,
                "kind": case.kind,
                "status": case.status,
                "refund_id": refund.pk,
                "questioned": (case.details or {}).get("questioned", questioned),
                "created": opened.created,
            },
            replayed=not opened.created,
        )
