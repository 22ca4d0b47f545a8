"""`refund_retry`: the care team sends a failed refund to the payment provider again. The action is for
agents only (the desk); the service behind it, payments/services/refund_retry.py, also serves the store and
refuses a customer itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import Field

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.orders.models import Order
from shopdesk.payments.enums import RefundStatus
from shopdesk.payments.models import Refund
from shopdesk.payments.order_facts import OrderFacts
from shopdesk.payments.services.refund_retry import refund_retry, refund_retry_rule
from shopdesk.policy.money import money_text
from shopdesk.selfservice.actions.params import StrictParams, params_parse
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, register

AGENTS_ONLY = Eligibility.no("agents_only", "Only our care team can send a refund again.")


class RefundRetryParams(StrictParams):
    refund_id: int | None = Field(
        default=None, gt=0, description="The failed refund; optional when the order has only one."
    )
    note: str = Field("", max_length=200, description="Why it is sent again (kept in the audit trail).")


def _refund_chosen(order: Order, refund_id: int | None) -> Refund:
    if refund_id is not None:
        refund = Refund.objects.filter(pk=refund_id, order=order).first()
        if refund is None:  # another order's refund reads exactly like a missing one
            raise NotFound("This order has no such refund.", code="unknown_refund")
        return refund
    failed = list(Refund.objects.filter(order=order, status=RefundStatus.FAILED).order_by("id")[:2])
    if len(failed) != 1:
        raise InvalidInput(
            "Choose the refund to send again (refund_id).",
            code="refund_id_needed",
            details={
                "fields": {"refund_id": "This order has several failed refunds." if failed else "None."}
            },
        )
    return failed[0]


@register
class RefundRetryAction(OrderAction):
    id = "refund_retry"
    label = "Send a failed refund again"
    moves_money = True
    for_agents = True
    params_model = RefundRetryParams

    agents_only = AGENTS_ONLY

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        if Refund.objects.filter(order=order, status=RefundStatus.FAILED).exists():
            return Eligibility.yes("The payment provider refused a refund of this order: send it again.")
        return Eligibility.no("no_failed_refund", "No refund of this order has failed.")

    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        parsed = params_parse(RefundRetryParams, params)
        self.agents_gate(actor)
        refund = _refund_chosen(order, parsed.refund_id)
        refund_retry_rule(refund=refund, actor=actor).require()
        amount = money_text(refund.amount, refund.currency)
        return ActionPreview(
            message=f"The refund of {amount} goes back to the payment provider"
            + (f" (it failed: {refund.failure_reason})." if refund.failure_reason else "."),
            data={"refund_id": refund.pk, "amount": str(refund.amount), "attempts": refund.attempts},
        )

    def perform(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
    ) -> ActionResult:
        # Idempotent by state: a refund already sent again answers as a replay (see refund_retry).
        parsed = params_parse(RefundRetryParams, params)
        self.agents_gate(actor)
        refund = _refund_chosen(order, parsed.refund_id)
        done = refund_retry(refund_id=refund.pk, actor=actor, note=parsed.note)
        amount = money_text(done.refund.amount, done.refund.currency)
        message = (
            f"The refund of {amount} is already on its way to the payment provider."
            if done.replayed
            else f"The refund of {amount} was sent to the payment provider again."
        )
        return ActionResult(
            message=message,
            data={"refund_id": done.refund.pk, "status": done.refund.status},
            replayed=done.replayed,
        )
