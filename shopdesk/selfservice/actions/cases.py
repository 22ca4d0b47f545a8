"""`open_case`: a carrier inquiry or an investigation on a package, when a diagnosis of the order offers it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from django.utils import timezone
from pydantic import Field

from shopdesk.core.actors import Actor
from shopdesk.core.eligibility import Eligibility
from shopdesk.orders.models import Order
from shopdesk.payments.order_facts import OrderFacts
from shopdesk.selfservice.actions.params import StrictParams, params_parse
from shopdesk.selfservice.cases import (
    CaseOffer,
    FactsWithOffers,
    case_eligibility,
    case_offers,
    case_open,
)
from shopdesk.selfservice.registry import ActionPreview, ActionResult, OrderAction, register
from shopdesk.shipping.models import CaseKind


class CaseParams(StrictParams):
    kind: Literal["carrier_inquiry", "investigation"]
    shipment: int = Field(gt=0)


@register
class OpenCaseAction(OrderAction):
    id = "open_case"
    label = "Open a case about a package"
    api_path = "cases"
    params_model = CaseParams

    def rule(
        self, *, order: Order, now: dt.datetime | None = None, facts: OrderFacts | None = None
    ) -> Eligibility:
        """For the order as a whole: allowed when a diagnosis offers a case on one of its packages."""
        if isinstance(facts, FactsWithOffers):
            offers: Sequence[CaseOffer] = facts.case_offers
        else:
            offers = case_offers(order=order, now=now or timezone.now())
        if offers:
            return Eligibility.yes("We can ask the carrier about a package of this order.")
        return Eligibility.no(
            "case_not_needed",
            "There is no need to open a case: the packages of this order are moving as expected. "
            "The order page says when that changes.",
        )

    def preview(self, *, order: Order, actor: Actor, params: Mapping[str, Any]) -> ActionPreview:
        parsed = params_parse(CaseParams, params)
        answer = case_eligibility(order=order, shipment_id=parsed.shipment, kind=parsed.kind)
        self.for_actor(answer, actor=actor).require()
        label = CaseKind(parsed.kind).label.lower()
        return ActionPreview(
            message=f"We'll open {'an' if label[0] in 'aeiou' else 'a'} {label} about this package; our care "
            "team follows it up with the carrier and writes to you.",
            data={"kind": parsed.kind, "shipment": parsed.shipment},
        )

    def perform(
        self,
        *,
        order: Order,
        actor: Actor,
        params: Mapping[str, Any],
        idempotency_key: str | None = None,
    ) -> ActionResult:
        # Idempotent by design: one open case per package and kind, so a repeat returns the open one.
        parsed = params_parse(CaseParams, params)
        opened = case_open(order=order, shipment_id=parsed.shipment, kind=parsed.kind, actor=actor)
        case = opened.case
        verb = "We opened" if opened.created else "You already have"
        return ActionResult(
            message=f"{verb} case {case.reference}: quote it if you contact us. "
            "Our care team follows it up with the carrier and writes to you.",
            data={
                "reference": case.reference,
                "kind": case.kind,
                "status": case.status,
                "shipment": case.shipment_id,
                "opened_at": case.opened_at,
                "reason": case.reason,
                "created": opened.created,
            },
            replayed=not opened.created,
        )
