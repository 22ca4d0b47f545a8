"""Returns as the warehouse records them (store API token):

POST /returns/{rma}/received     the parcel arrived (idempotent)
POST /returns/{rma}/inspection   an outcome per line; records the one refund of the return (idempotent)
POST /returns/{rma}/exchange-order   create the exchange order, or record the one the platform created
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from shopdesk.api.auth import IntegrationTokenAuth, integration_actor
from shopdesk.integration.schemas.common import Amount
from shopdesk.returns.exchange import return_exchange_order
from shopdesk.returns.warehouse import (
    InspectionLine,
    return_inspect,
    return_mark_in_transit,
    return_mark_received,
)

router = Router(tags=["store returns"], auth=IntegrationTokenAuth())


class InspectionLineIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    line_id: int
    outcome: Literal["accepted", "deducted", "rejected"]
    deduction: Amount | None = None
    reason: str = Field("", max_length=200)


class InspectionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    lines: list[InspectionLineIn] = Field(min_length=1, max_length=100)


@router.post("/returns/{rma}/in-transit", response={200: dict}, summary="Mark a return on its way back")
def return_in_transit(request: HttpRequest, rma: str) -> Any:
    done = return_mark_in_transit(rma=rma[:20], actor=integration_actor(request))
    return Status(200, {**done.data, "replayed": done.replayed})


@router.post("/returns/{rma}/received", response={200: dict}, summary="Mark a return received")
def return_received(request: HttpRequest, rma: str) -> Any:
    done = return_mark_received(rma=rma[:20], actor=integration_actor(request))
    return Status(200, {**done.data, "replayed": done.replayed})


@router.post(
    "/returns/{rma}/inspection",
    response={200: dict, 201: dict},
    summary="Record the inspection of a return; creates its refund",
)
def return_inspection(request: HttpRequest, rma: str, payload: InspectionIn) -> Any:
    lines = [
        InspectionLine(
            line_id=item.line_id, outcome=item.outcome, reason=item.reason, deduction=item.deduction
        )
        for item in payload.lines
    ]
    done = return_inspect(rma=rma[:20], actor=integration_actor(request), lines=lines)
    return Status(200 if done.replayed else 201, {**done.data, "replayed": done.replayed})


class ExchangeOrderIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    order_number: str | None = Field(
        None, min_length=1, max_length=32, description="The platform's order; left out, shopdesk creates it."
    )


@router.post(
    "/returns/{rma}/exchange-order",
    response={200: dict, 201: dict},
    summary="Create the exchange order of a return, or record the platform's",
)
def return_exchange(request: HttpRequest, rma: str, payload: ExchangeOrderIn) -> Any:
    done = return_exchange_order(
        rma=rma[:20], actor=integration_actor(request), order_number=payload.order_number
    )
    return Status(200 if done.replayed else 201, {**done.data, "replayed": done.replayed})
