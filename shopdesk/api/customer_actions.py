"""Customer self-service actions: cancel, change an item, addresses, resend an email, fix the email.

Each operation parses input, calls one service, and answers with the action's result, the action's
eligibility afterwards, and the updated order (the same shape as GET /orders/{number}).
Money actions honour `Idempotency-Key`: the same key and body give the first answer; another body → 409.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Header, Router, Schema
from pydantic import ConfigDict

from shopdesk.access.auth import customer_bearer
from shopdesk.access.selectors import order_for_access
from shopdesk.access.types import CustomerAccess
from shopdesk.core.actors import Actor
from shopdesk.core.errors import NotFound
from shopdesk.orders.eligibility import RESEND_TEMPLATES, order_actions
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise
from shopdesk.orders.services.addresses import order_billing_address_change, order_shipping_address_change
from shopdesk.orders.services.cancel import cancel_preview, order_cancel
from shopdesk.orders.services.change import order_line_change
from shopdesk.orders.services.emails import (
    order_email_change_confirm,
    order_email_change_request,
    order_email_resend,
)
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.serialise import order_page_as_dict
from shopdesk.policy import get_policy

router = Router(tags=["customer actions"], auth=customer_bearer)

IdempotencyKey = Header(
    None,
    alias="Idempotency-Key",
    min_length=1,
    max_length=200,
    description="Retry-safe key: the same key and body give the first answer.",
)


class StrictIn(Schema):
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


class AddressIn(StrictIn):
    # Generous bounds here; address_clean gives the field-by-field limits in words.
    name: str = Field(max_length=500)
    company: str = Field("", max_length=500)
    line1: str = Field(max_length=500)
    line2: str = Field("", max_length=500)
    city: str = Field(max_length=500)
    region: str = Field("", max_length=500)
    postcode: str = Field("", max_length=500)
    country: str = Field(max_length=100, examples=["US"])
    phone: str = Field("", max_length=100)


class ResendIn(StrictIn):
    template: Literal["confirmation", "shipped"]


class EmailChangeIn(StrictIn):
    new_email: str = Field(min_length=3, max_length=254)


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


def _answer(order: Order, action: str, result: dict[str, Any]) -> dict[str, Any]:
    fresh = Order.objects.select_related("shipping_address", "billing_address").get(pk=order.pk)
    page = order_page(order=fresh)
    eligibility = page.actions.get(action) or order_actions(fresh)[action]
    return {"result": result, "eligibility": eligibility.as_dict(), "order": order_page_as_dict(page)}


@router.get("/orders/{number}/cancel", summary="Can the order be cancelled, and what would come back")
def cancel_check(request: HttpRequest, number: str) -> dict[str, Any]:
    order = _order(request, number)
    eligibility = order_actions(order)["cancel"]
    preview = None
    if eligibility.allowed and eligibility.code == "ok":
        plan = cancel_preview(order=order)
        preview = {
            "message": plan.sentence(locale=get_policy().store.locale),
            "refund_amount": str(plan.plan.money),
            "points": plan.plan.points,
            "payment_outcome": plan.plan.outcome,
        }
    return {"eligibility": eligibility.as_dict(), "preview": preview}


@router.post("/orders/{number}/cancel", summary="Cancel the order, or its unshipped lines (idempotent)")
def cancel(
    request: HttpRequest, number: str, payload: CancelIn, idempotency_key: str | None = IdempotencyKey
) -> dict[str, Any]:
    order = _order(request, number)
    done = order_cancel(
        order=order,
        actor=_actor(request),
        line_ids=payload.line_ids,
        reason=payload.reason,
        idempotency_key=idempotency_key,
    )
    return _answer(done.order, "cancel", {**done.data, "replayed": done.replayed})


@router.post("/orders/{number}/lines/{line_id}", summary="Change the size, colour or quantity of an item")
def line_change(
    request: HttpRequest,
    number: str,
    line_id: int,
    payload: LineChangeIn,
    idempotency_key: str | None = IdempotencyKey,
) -> dict[str, Any]:
    order = _order(request, number)
    done = order_line_change(
        order=order,
        line_id=line_id,
        actor=_actor(request),
        size=payload.size,
        colour=payload.colour,
        quantity=payload.quantity,
        idempotency_key=idempotency_key,
    )
    return _answer(done.order, "change_items", {**done.data, "replayed": done.replayed})


@router.post("/orders/{number}/shipping-address", summary="Change the delivery address before dispatch")
def shipping_address(request: HttpRequest, number: str, payload: AddressIn) -> dict[str, Any]:
    order = order_shipping_address_change(
        order=_order(request, number), actor=_actor(request), address=payload.model_dump()
    )
    return _answer(order, "shipping_address", {"address": order.shipping_address.as_dict()})


@router.post("/orders/{number}/billing-address", summary="Correct the billing address")
def billing_address(request: HttpRequest, number: str, payload: AddressIn) -> dict[str, Any]:
    order = order_billing_address_change(
        order=_order(request, number), actor=_actor(request), address=payload.model_dump()
    )
    return _answer(order, "billing_address", {"address": order.billing_address.as_dict()})


@router.post("/orders/{number}/resend", summary="Send the confirmation or the shipping email again")
def resend(request: HttpRequest, number: str, payload: ResendIn) -> dict[str, Any]:
    order = _order(request, number)
    message = order_email_resend(order=order, template=payload.template, actor=_actor(request))
    result = {
        "template": message.template,
        "to": message.to,
        "status": "queued",
        "message": f"We're sending it again to {message.to}.",
    }
    return _answer(order, RESEND_TEMPLATES[payload.template], result)


@router.post("/orders/{number}/email", summary="Fix a mistyped email: the new address confirms by link")
def email_change(request: HttpRequest, number: str, payload: EmailChangeIn) -> dict[str, Any]:
    order = _order(request, number)
    pending = order_email_change_request(order=order, new_email=payload.new_email, actor=_actor(request))
    if pending is None:
        result = {"status": "changed", "message": "The email of this order is changed."}
    else:
        result = {
            "status": "confirmation_sent",
            "expires_at": pending.expires_at.isoformat(),
            "message": f"We've sent a link to {pending.new_email}. The change happens once you open it.",
        }
    return _answer(order, "change_email", result)


@router.post("/email-change/confirm", auth=None, summary="Confirm a new order email with the emailed token")
def email_change_confirm(request: HttpRequest, payload: EmailConfirmIn) -> dict[str, Any]:
    order = order_email_change_confirm(token=payload.token)
    return {"number": order.number, "email": order.email, "message": "Thanks: the order email is changed."}
