"""Customer refunds over the API (bearer token from /customer/session):

GET  /orders/{number}/refunds                        each refund, its lines and why it is what it is
POST /orders/{number}/refunds/{refund_id}/dispute    "Report a problem with this refund": a case (201, or
                                                     200 with the case already open)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router
from ninja.responses import Status

from shopdesk.access.auth import customer_bearer
from shopdesk.api.customer_actions import StrictIn, _actor, _order
from shopdesk.returns.refund_explanations import refunds_explained
from shopdesk.selfservice.registry import action_get

router = Router(tags=["customer refunds"], auth=customer_bearer)


class DisputeIn(StrictIn):
    lines: list[int] = Field(
        default_factory=list, max_length=100, description="Indexes of the questioned lines."
    )
    message: str = Field("", max_length=2000)


@router.get("/orders/{number}/refunds", summary="The order's refunds, line by line, each explained")
def refunds_list(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    return refunds_explained(order=_order(request, number))


@router.post(
    "/orders/{number}/refunds/{refund_id}/dispute",
    response={200: dict, 201: dict},
    summary="Report a problem with a refund: opens a case with its lines (idempotent)",
)
def refund_dispute(request: HttpRequest, number: str, refund_id: int, payload: DisputeIn) -> Any:
    done = action_get("refund_dispute").perform(
        order=_order(request, number),
        actor=_actor(request),
        params={"refund_id": refund_id, **payload.model_dump()},
    )
    return Status(200 if done.replayed else 201, {**done.data, "message": done.message})
