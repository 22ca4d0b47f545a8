"""Customer API: sign in (order lookup or magic link), the order page, diagnoses, tracking numbers.

Every order read goes through `shopdesk.access.selectors.order_for_access`, so another customer's order
and a missing one give the same 404. Inputs are strict (unknown keys, oversized values → 422).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from shopdesk.access.auth import customer_bearer
from shopdesk.access.client_address import client_address
from shopdesk.access.errors import RateLimited
from shopdesk.access.selectors import access_for_token, order_for_access, orders_for_access
from shopdesk.access.services import (
    IssuedSession,
    magic_link_consume,
    magic_link_request,
    magic_link_sent_message,
    session_open_by_lookup,
    session_revoke,
)
from shopdesk.access.types import CustomerAccess
from shopdesk.core.errors import NotFound
from shopdesk.core.text import CleanText
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.cached import order_view_cached, order_view_version
from shopdesk.orderview.diagnoses.order import TOPICS, diagnosis_for_topic
from shopdesk.orderview.diagnoses.tracking_number import tracking_number_diagnose
from shopdesk.orderview.serialise import order_view_json

router = Router(tags=["customer"])


class StrictIn(Schema, CleanText):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SessionIn(StrictIn):
    order_number: str = Field(min_length=1, max_length=40, examples=["KW10000001"])
    email: str = Field(min_length=3, max_length=254, examples=["ada@example.com"])


class MagicLinkIn(StrictIn):
    email: str = Field(min_length=3, max_length=254)


class MagicTokenIn(StrictIn):
    token: str = Field(min_length=10, max_length=200)


class SessionOut(Schema):
    token: str
    expires_at: dt.datetime
    scope: str = Field(description="'order' (one order) or 'email' (every order of the email: magic link)")
    order_number: str | None


class MessageOut(Schema):
    message: str


def _client_ip(request: HttpRequest) -> str:
    return client_address(request)


def _too_many(exc: RateLimited) -> HttpResponse:
    return JsonResponse({"error": exc.as_dict()}, status=429, headers={"Retry-After": str(exc.retry_after)})


def _session_out(issued: IssuedSession) -> dict[str, Any]:
    numbers = issued.access.order_numbers
    return {
        "token": issued.token,
        "expires_at": issued.expires_at,
        "scope": "email" if numbers is None else "order",
        "order_number": next(iter(numbers)) if numbers else None,
    }


def _order(request: HttpRequest, number: str) -> Order:
    access: CustomerAccess = request.auth  # type: ignore[attr-defined]
    normalised = order_number_normalise(number)
    if normalised is None:
        raise NotFound("We could not find that order among the orders you signed in for.")
    return order_for_access(access=access, number=normalised)


@router.post("/session", response={200: SessionOut}, auth=None, summary="Sign in with order number and email")
def session_create(request: HttpRequest, payload: SessionIn) -> Any:
    """A wrong number and a wrong email give the same 404 `lookup_failed`; failures are rate limited (429)."""
    try:
        issued = session_open_by_lookup(
            order_number=payload.order_number, email=payload.email, client_ip=_client_ip(request)
        )
    except RateLimited as exc:
        return _too_many(exc)
    return _session_out(issued)


@router.delete("/session", response={204: None}, auth=customer_bearer, summary="Sign out (revoke this token)")
def session_delete(request: HttpRequest) -> Any:
    session_revoke(session_id=request.auth.session_id)  # type: ignore[attr-defined]
    return Status(204, None)


@router.post("/magic-link", response={202: MessageOut}, auth=None, summary="Email a sign-in link")
def magic_link_create(request: HttpRequest, payload: MagicLinkIn) -> Any:
    """Always the same answer, whether or not the email has orders."""
    try:
        magic_link_request(email=payload.email, client_ip=_client_ip(request))
    except RateLimited as exc:
        return _too_many(exc)
    return Status(202, {"message": magic_link_sent_message()})


@router.post(
    "/magic-link/session",
    response={200: SessionOut},
    auth=None,
    summary="Exchange a magic-link token for a session token",
)
def magic_link_session(request: HttpRequest, payload: MagicTokenIn) -> Any:
    return _session_out(magic_link_consume(token=payload.token))


@router.get("/orders", auth=customer_bearer, summary="The orders this session may see")
def orders_list(request: HttpRequest) -> list[dict[str, Any]]:
    orders = orders_for_access(access=request.auth).order_by("-placed_at")[:100]  # type: ignore[attr-defined]
    return [
        {
            "number": o.number,
            "placed_at": o.placed_at,
            "total": {"amount": str(o.total), "currency": o.currency},
            "url": f"/api/v1/customer/orders/{o.number}",
        }
        for o in orders
    ]


def order_view_response(access: CustomerAccess | None, number: str) -> HttpResponse:
    """Prepared bytes behind one version check: one query finds the order and its version, and the JSON
    built for that version is sent as it is (rebuilt only when something on the order changed)."""
    normalised = order_number_normalise(number)
    found = None
    if access is not None and normalised is not None and access.allows(number=normalised):
        email = access.email if access.order_numbers is None else None
        found = order_view_version(number=normalised, email=email)
    if found is None:
        error = NotFound("We could not find that order among the orders you signed in for.")
        return JsonResponse({"error": error.as_dict()}, status=error.http_status)
    order_id, version = found

    def build() -> bytes:
        assert access is not None and normalised is not None
        return order_view_json(order_for_access(access=access, number=normalised))

    content = order_view_cached(order_id=order_id, version=version, kind="api", build=build)
    return HttpResponse(content, content_type="application/json")


class PriceOut(Schema):
    amount: str = Field(description="Decimal, in the currency's own decimals.", examples=["49.00"])
    currency: str = Field(examples=["USD"])
    display: str = Field(description="Formatted for the store's language.", examples=["$49.00"])


class OrderLineOut(Schema):
    id: int
    product_name: str
    sku: str
    size: str
    colour: str
    quantity: int = Field(description="Units ordered.")
    quantity_cancelled: int = Field(description="Units cancelled before they shipped.")
    quantity_returned: int = Field(description="Units sent back and received.")
    quantity_refunded: int = Field(
        description="Units whose money went back, as the order's refunds record them (cancelled, "
        "returned or refunded by the care team); a unit cancelled before anything was charged is not "
        "counted. A refund the payment provider refused counts again once it is sent again."
    )
    quantity_shipped: int = Field(description="Units in packages.")
    unit_price: PriceOut
    amount: PriceOut = Field(description="Unit price × the units still ordered, before coupons and tax.")
    last_return_day: dt.date | None = Field(
        description="The return window's last day (null until delivered, or when it can't go back)."
    )


class OrderViewOut(Schema):
    """The order page. Its lines are described here; the other keys (status, totals, packages,
    diagnoses, actions, refunds, …) are the same objects the portal's order page shows."""

    model_config = ConfigDict(extra="allow")

    number: str
    currency: str
    lines: list[OrderLineOut]


@router.get(
    "/orders/{number}",
    auth=customer_bearer,
    response={200: OrderViewOut},
    summary="The order page: lines, packages, diagnoses, actions",
)
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Customers poll this while they wait for a parcel: see `order_view_response`. The project's URLs
    route GET here through `order_detail_fast` first; this operation documents it in the OpenAPI."""
    return order_view_response(request.auth, number)  # type: ignore[attr-defined]


@require_GET
def order_detail_fast(request: HttpRequest, number: str) -> HttpResponse:
    """GET /api/v1/customer/orders/{number} without the API framework's per-request work (routing,
    parameter models, a temporary response): the same bearer check and the same answers."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    access = access_for_token(token=token.strip()) if scheme.lower() == "bearer" else None
    if access is None:
        return JsonResponse({"detail": "Unauthorized"}, status=401)
    return order_view_response(access, number)


@router.get(
    "/orders/{number}/diagnoses/{topic}",
    auth=customer_bearer,
    summary="Answer one question about the order (split_shipment, customs_duties, …)",
)
def order_diagnosis(request: HttpRequest, number: str, topic: str) -> dict[str, Any]:
    page = order_page(order=_order(request, number), with_actions=topic == "not_at_address")
    answers = diagnosis_for_topic(topic=topic[:40], page=page, now=dt.datetime.now(dt.UTC))
    return {"topic": topic, "diagnoses": [d.as_dict() for d in answers], "topics": list(TOPICS)}


@router.get("/tracking-numbers/{number}", auth=None, summary="Check a tracking number (carrier, check digit)")
def tracking_number_check(request: HttpRequest, number: str) -> dict[str, Any]:
    """No sign-in needed: the answer comes from the number alone and reveals no order."""
    return tracking_number_diagnose(number=number[:80]).as_dict()
