"""Customer returns over the API (bearer token from /customer/session):

    GET  /orders/{number}/returns/eligibility   each line: returnable, code, message, last day; the reasons
    POST /orders/{number}/returns               start a return (Idempotency-Key: a replay answers 200)
    GET  /orders/{number}/returns/{rma}         the return: status, lines, estimate, timeline
    POST /orders/{number}/returns/{rma}/cancel  withdraw it before it is on its way back (idempotent)

The rules live in shopdesk/returns; the `return_start` action of the registry performs the POST.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router
from ninja.responses import Status

from shopdesk.access.auth import customer_bearer
from shopdesk.api.customer_actions import IdempotencyKey, StrictIn, _actor, _order
from shopdesk.policy import get_policy
from shopdesk.returns.eligibility import order_returnability, return_start_eligibility
from shopdesk.returns.resolutions import exchange_options, resolutions_offered
from shopdesk.returns.selectors import return_as_dict, return_of_order
from shopdesk.returns.services import return_cancel
from shopdesk.selfservice.registry import action_get

router = Router(tags=["customer returns"], auth=customer_bearer)


class ReturnLineIn(StrictIn):
    line_id: int
    quantity: int = Field(1, ge=1, le=1000)
    reason: str = Field(min_length=1, max_length=40, description="A code of the policy's `reasons`.")
    resolution: Literal["refund", "store_credit", "exchange", "keep"] = "refund"
    exchange_sku: str | None = Field(None, max_length=64)


class ReturnIn(StrictIn):
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=100)
    method: Literal["label", "own_carrier"] = "label"
    tracking_number: str | None = Field(
        None, max_length=80, description="With `own_carrier`: the parcel's tracking number (or add it later)."
    )
    carrier: str | None = Field(None, max_length=20, description="The carrier's code; found from the number.")


def slip_url(number: str, rma: str) -> str:
    return reverse("portal:return_slip", args=[number, rma])


@router.get("/orders/{number}/returns/eligibility", summary="Which items can be returned, and why not")
def returns_eligibility(request: HttpRequest, number: str) -> dict[str, Any]:
    order = _order(request, number)
    answers = order_returnability(order=order)
    overall = return_start_eligibility(order=order, answers=answers)
    return {
        "eligibility": overall.as_dict(),
        "lines": [
            {**answer.as_dict(), "exchange_options": [o.as_dict() for o in exchange_options(answer.line)]}
            for answer in answers
        ],
        "reasons": [{"code": r.code, "label": r.label} for r in get_policy().returns.reasons],
        "resolutions": resolutions_offered(),
        "methods": [
            {"code": "label", "label": "Prepaid return label"},
            {"code": "own_carrier", "label": "My own carrier"},
        ],
    }


@router.post(
    "/orders/{number}/returns",
    response={200: dict, 201: dict},
    summary="Start a return (idempotent with Idempotency-Key)",
)
def return_start(
    request: HttpRequest, number: str, payload: ReturnIn, idempotency_key: str | None = IdempotencyKey
) -> Any:
    order = _order(request, number)
    done = action_get("return_start").perform(
        order=order, actor=_actor(request), params=payload.model_dump(), idempotency_key=idempotency_key
    )
    body = {**done.data, "slip_url": slip_url(order.number, str(done.data["rma"]))}
    return Status(200 if done.replayed else 201, body)


@router.get("/orders/{number}/returns/{rma}", summary="A return of the order, with its timeline")
def return_detail(request: HttpRequest, number: str, rma: str) -> dict[str, Any]:
    order = _order(request, number)
    found = return_of_order(order=order, rma=rma[:20])
    body = return_as_dict(found)
    for photo in body.get("photos", []):
        photo["url"] = reverse("api:return_photo", args=[order.number, found.rma, photo["key"]])
    return {**body, "slip_url": slip_url(order.number, found.rma)}


@router.post("/orders/{number}/returns/{rma}/cancel", summary="Cancel a return before it is sent back")
def return_withdraw(request: HttpRequest, number: str, rma: str) -> dict[str, Any]:
    order = _order(request, number)
    found = return_of_order(order=order, rma=rma[:20])
    return_cancel(return_request=found, actor=_actor(request))
    fresh = return_of_order(order=order, rma=found.rma)
    return {**return_as_dict(fresh), "slip_url": slip_url(order.number, fresh.rma)}
