"""Customer self-service actions over the registry: every operation parses, finds the action, calls it.

    GET  /orders/{number}/actions                       every action with its eligibility
    POST /orders/{number}/actions/{action_id}/preview   what an action would do (the web's confirm step)
    POST /orders/{number}/cancel, /lines/{line_id}, /lines/{line_id}/price-adjustment, /shipping-address,
         /billing-address, /resend, /email, /cases      each action at its stable path

Each action answers with its result (the action's sentence in `message`), the action's eligibility
afterwards, and the updated order (the shape of GET /orders/{number}). Money actions honour
`Idempotency-Key`: the same key and body give the first answer; another body → 409.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Header, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from shopdesk.access.auth import customer_bearer
from shopdesk.access.selectors import order_for_access
from shopdesk.access.types import CustomerAccess
from shopdesk.core.actors import Actor
from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.core.text import CleanText
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.serialise import order_page_as_dict
from shopdesk.selfservice.actions.addresses import AddressParams
from shopdesk.selfservice.actions.cases import CaseParams
from shopdesk.selfservice.actions.emails import EmailChangeParams, resend_action_for
from shopdesk.selfservice.registry import ActionResult, OrderAction, action_get, actions_all, order_actions
from shopdesk.selfservice.services.emails import order_email_change_confirm

router = Router(tags=["customer actions"], auth=customer_bearer)

IdempotencyKey = Header(
    None,
    alias="Idempotency-Key",
    min_length=1,
    max_length=200,
    description="Retry-safe key: the same key and body give the first answer.",
)


class StrictIn(Schema, CleanText):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CancelIn(StrictIn):
    line_ids: list[int] | None = Field(
        None, max_length=100, description="Unshipped lines to cancel; omit to cancel the whole order."
    )
    reason: str = Field("", max_length=200)


class LineChangeIn(StrictIn):
    size: str | None = Field(None, max_length=40)
    colour: str | None = Field(None, max_length=40)
    quantity: int | None = Field(None, ge=1, le=1000)


class ResendIn(StrictIn):
    template: Literal["confirmation", "shipped"]


class EmailConfirmIn(StrictIn):
    token: str = Field(min_length=20, max_length=100)


def _access(request: HttpRequest) -> CustomerAccess:
    return request.auth  # type: ignore[attr-defined]


def _order(request: HttpRequest, number: str) -> Order:
    normalised = order_number_normalise(number)
    if normalised is None:
        raise NotFound("We could not find that order among the orders you signed in for.")
    return order_for_access(access=_access(request), number=normalised)


def _actor(request: HttpRequest) -> Actor:
    return Actor.customer(_access(request).email)


def _json_object(request: HttpRequest) -> dict[str, Any]:
    """The body as a JSON object (empty when there is none); the action's own model validates it."""
    if not request.body:
        return {}
    try:
        body = json.loads(request.body)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise InvalidInput("Send the parameters as a JSON object.", code="invalid_input")
    return body


def _action_out(action: OrderAction, eligibility: Any) -> dict[str, Any]:
    return {
        "id": action.id,
        "label": action.label,
        "moves_money": action.moves_money,
        "path": action.api_path,
        "eligibility": eligibility.as_dict(),
    }


def _perform(
    request: HttpRequest,
    number: str,
    action: OrderAction,
    params: dict[str, Any],
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    actor = _actor(request)
    order = _order(request, number)
    done: ActionResult = action.perform(
        order=order, actor=actor, params=params, idempotency_key=idempotency_key
    )
    fresh = Order.objects.select_related("shipping_address", "billing_address").get(pk=order.pk)
    page = order_page(order=fresh, actor=actor)
    result = {**done.data, "message": done.message, "replayed": done.replayed}
    return {
        "result": result,
        "eligibility": page.actions[action.id].as_dict(),
        "order": order_page_as_dict(page),
    }


@router.get(
    "/orders/{number}/actions", summary="Every self-service action of the order, with its eligibility"
)
def actions_list(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    order = _order(request, number)
    answers = order_actions(order, _actor(request))
    return [_action_out(action, answers[action.id]) for action in actions_all()]


@router.post(
    "/orders/{number}/actions/{action_id}/preview",
    summary="What an action would do with these parameters, before confirming (nothing changes)",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
        }
    },
)
def action_preview(request: HttpRequest, number: str, action_id: str) -> dict[str, Any]:
    """The body holds the action's parameters, as its POST takes them (`line_ids` for a partial cancel,
    `line_id` with size/colour/quantity for an item, the address fields, `new_email`, `kind` and `shipment`)."""
    action = action_get(action_id[:40])
    order = _order(request, number)
    preview = action.preview(order=order, actor=_actor(request), params=_json_object(request))
    return {"action": action.id, "message": preview.message, "data": preview.data}


@router.get("/orders/{number}/cancel", summary="Can the order be cancelled, and what would come back")
def cancel_check(request: HttpRequest, number: str) -> dict[str, Any]:
    """The whole-order preview; for a partial cancel, POST …/actions/cancel/preview with `line_ids`."""
    order = _order(request, number)
    action, actor = action_get("cancel"), _actor(request)
    eligibility = action.eligibility(order=order, actor=actor)
    preview = None
    if eligibility.allowed and eligibility.code == "ok":
        shown = action.preview(order=order, actor=actor, params={})
        preview = {"message": shown.message, **shown.data}
    return {"eligibility": eligibility.as_dict(), "preview": preview}


@router.post("/orders/{number}/cancel", summary="Cancel the order, or its unshipped lines (idempotent)")
def cancel(
    request: HttpRequest, number: str, payload: CancelIn, idempotency_key: str | None = IdempotencyKey
) -> dict[str, Any]:
    return _perform(request, number, action_get("cancel"), payload.model_dump(), idempotency_key)


@router.post("/orders/{number}/lines/{line_id}", summary="Change the size, colour or quantity of an item")
def line_change(
    request: HttpRequest,
    number: str,
    line_id: int,
    payload: LineChangeIn,
    idempotency_key: str | None = IdempotencyKey,
) -> dict[str, Any]:
    params = {"line_id": line_id, **payload.model_dump()}
    return _perform(request, number, action_get("change_items"), params, idempotency_key)


@router.post(
    "/orders/{number}/lines/{line_id}/price-adjustment",
    summary="Get the price difference back on an item that costs less now (idempotent)",
)
def price_adjustment(
    request: HttpRequest, number: str, line_id: int, idempotency_key: str | None = IdempotencyKey
) -> dict[str, Any]:
    """No body: the line's price now is compared with what was paid, under the store's rules. Refusals are
    409 with the rule's `code` and `message`; a retry with the same Idempotency-Key gets the first answer."""
    return _perform(request, number, action_get("price_adjustment"), {"line_id": line_id}, idempotency_key)


@router.post("/orders/{number}/shipping-address", summary="Change the delivery address before dispatch")
def shipping_address(request: HttpRequest, number: str, payload: AddressParams) -> dict[str, Any]:
    return _perform(request, number, action_get("shipping_address"), payload.model_dump())


@router.post("/orders/{number}/billing-address", summary="Correct the billing address")
def billing_address(request: HttpRequest, number: str, payload: AddressParams) -> dict[str, Any]:
    return _perform(request, number, action_get("billing_address"), payload.model_dump())


@router.post("/orders/{number}/resend", summary="Send the confirmation or the shipping email again")
def resend(request: HttpRequest, number: str, payload: ResendIn) -> dict[str, Any]:
    return _perform(request, number, resend_action_for(payload.template), {})


@router.post("/orders/{number}/email", summary="Fix a mistyped email: the new address confirms by link")
def email_change(request: HttpRequest, number: str, payload: EmailChangeParams) -> dict[str, Any]:
    return _perform(request, number, action_get("change_email"), payload.model_dump())


@router.post(
    "/orders/{number}/cases",
    response={200: dict, 201: dict},
    summary="Open a carrier inquiry or an investigation on a package (idempotent)",
)
def case_open(request: HttpRequest, number: str, payload: CaseParams) -> Any:
    actor = _actor(request)
    done = action_get("open_case").perform(
        order=_order(request, number), actor=actor, params=payload.model_dump()
    )
    return Status(200 if done.replayed else 201, {**done.data, "message": done.message})


@router.post("/email-change/confirm", auth=None, summary="Confirm a new order email with the emailed token")
def email_change_confirm(request: HttpRequest, payload: EmailConfirmIn) -> dict[str, Any]:
    order = order_email_change_confirm(token=payload.token)
    return {"number": order.number, "email": order.email, "message": "Thanks: the order email is changed."}
