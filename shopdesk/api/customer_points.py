"""Points on the customer API (bearer token) and the store's redemption at checkout (API token).

    GET  /customer/points                          balance, pending with dates, next expiry
    GET  /customer/points/history?page=N           the ledger, newest first, 20 a page
    GET  /customer/points/pay-with-points?total=…  what points can pay of a cart total
    GET  /customer/orders/{number}/points          this order's entries: when the points come (back)
    POST /store/points/spend                       spend a customer's points at checkout (idempotent by key)

Points belong to the mailbox, so the balance needs a magic-link session (a lookup session proves one order:
it sees that order's points only). Another customer's order gives the same 404 as a missing one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from shopdesk.access.auth import customer_bearer
from shopdesk.access.selectors import order_for_access
from shopdesk.access.types import CustomerAccess
from shopdesk.api.auth import IntegrationTokenAuth
from shopdesk.api.schemas.results import ErrorOut
from shopdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from shopdesk.core.text import CleanText
from shopdesk.integration.schemas.common import Email, amount_document
from shopdesk.loyalty.models import PointsEntry
from shopdesk.loyalty.selectors import (
    points_customer,
    points_entry_state,
    points_history,
    points_redeem_quote,
    points_summary,
)
from shopdesk.loyalty.services import points_spend
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise
from shopdesk.policy import get_policy

router = Router(tags=["customer points"])
store_router = Router(tags=["store integration"], auth=IntegrationTokenAuth())

MAGIC_LINK_NEEDED = (
    "Points belong to your email address: sign in with the link we email you (POST /customer/magic-link) "
    "to see them."
)


def _money(amount: Decimal, currency: str) -> dict[str, str]:
    from shopdesk.core.money import format_money

    return {"amount": str(amount), "currency": currency, "display": format_money(amount, currency)}


def entry_out(entry: PointsEntry, now: dt.datetime) -> dict[str, Any]:
    state = points_entry_state(entry, now)
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "label": entry.get_kind_display(),
        "points": entry.points,
        "order_number": entry.order.number if entry.order_id and entry.order else None,
        "created_at": entry.created_at,
        "available_at": entry.available_at,
        "expires_at": entry.expires_at,
        "state": state.code,
        "when": state.message,
        "note": entry.note,
    }


def _customer(request: HttpRequest) -> Any:
    access: CustomerAccess = request.auth  # type: ignore[attr-defined]
    if not access.all_orders:
        raise PermissionDenied(MAGIC_LINK_NEEDED, code="magic_link_needed")
    return points_customer(email=access.email)


@router.get(
    "/points",
    auth=customer_bearer,
    response={200: dict[str, Any], 403: ErrorOut},
    summary="Points: balance, pending with dates, next expiry",
)
def points_get(request: HttpRequest) -> dict[str, Any]:
    customer = _customer(request)
    policy = get_policy()
    currency = policy.store.currency
    if customer is None:
        return {
            "name": policy.points.name,
            "available": 0,
            "value": _money(Decimal(0), currency),
            "pending_total": 0,
            "pending": [],
            "next_expiry": None,
        }
    summary = points_summary(customer=customer)
    return {
        "name": summary.name,
        "available": summary.available,
        "value": _money(summary.available_value, currency),
        "pending_total": summary.pending_total,
        "pending": [
            {"points": p.points, "available_at": p.available_at, "order_number": p.order_number}
            for p in summary.pending
        ],
        "next_expiry": (
            {"points": summary.next_expiry.points, "expires_at": summary.next_expiry.expires_at}
            if summary.next_expiry
            else None
        ),
    }


class PageQuery(Schema):
    page: int = Field(default=1, ge=1, le=100_000)


@router.get(
    "/points/history",
    auth=customer_bearer,
    response={200: dict[str, Any], 403: ErrorOut},
    summary="Points history, newest first (20 a page)",
)
def points_history_get(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    customer = _customer(request)
    now = timezone.now()
    if customer is None:
        return {"page": 1, "pages": 1, "count": 0, "entries": []}
    page = points_history(customer=customer, page=query.page)
    return {
        "page": page.number,
        "pages": page.paginator.num_pages,
        "count": page.paginator.count,
        "entries": [entry_out(e, now) for e in page.object_list],
    }


class QuoteQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    total: Decimal = Field(
        ge=0,
        le=Decimal("999999.99"),
        description="The cart total, in the store's currency",
        # Query strings are text: the string form says up to 999,999.99.
        json_schema_extra=amount_document(digits=6, places=2, maximum=None),
    )


def quote_out(balance: int, total: Decimal) -> dict[str, Any]:
    currency = get_policy().store.currency
    try:
        quote = points_redeem_quote(balance=balance, cart_total=total, currency=currency)
    except ValueError as exc:
        raise InvalidInput("The cart total is not an amount.") from exc
    return {
        "cart_total": _money(quote.cart_total, currency),
        "balance": quote.balance,
        "max_points": quote.max_points,
        "points": quote.points,
        "value": _money(quote.value, currency),
        "pays": _money(quote.cart_total - quote.value, currency),
        "min_redeem": quote.min_redeem,
        "share_percent": quote.share_percent,
        "reason": quote.reason,
        "message": quote.message,
    }


@router.get(
    "/points/pay-with-points",
    auth=customer_bearer,
    response={200: dict[str, Any], 403: ErrorOut},
    summary="Pay with points: how many points, worth how much, for a cart total",
)
def points_quote(request: HttpRequest, query: Query[QuoteQuery]) -> dict[str, Any]:
    customer = _customer(request)
    balance = points_summary(customer=customer).available if customer else 0
    return quote_out(balance, query.total)


@router.get(
    "/orders/{number}/points",
    auth=customer_bearer,
    summary="This order's points: earned, spent, given back, with the date of each",
)
def order_points(request: HttpRequest, number: str) -> dict[str, Any]:
    access: CustomerAccess = request.auth  # type: ignore[attr-defined]
    normalised = order_number_normalise(number)
    if normalised is None:
        raise NotFound("We could not find that order among the orders you signed in for.")
    order: Order = order_for_access(access=access, number=normalised)
    now = timezone.now()
    entries = order.points_entries.select_related("order").order_by("created_at", "id")
    return {"order_number": order.number, "entries": [entry_out(e, now) for e in entries]}


class SpendIn(Schema, CleanText):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    email: Email
    points: int = Field(gt=0, le=100_000_000)
    idempotency_key: str = Field(
        min_length=1, max_length=80, description="One per checkout: a retry spends nothing more"
    )
    order_number: str | None = Field(default=None, max_length=40)


@store_router.post("/points/spend", summary="Spend a customer's points at checkout (409 insufficient_points)")
def store_points_spend(request: HttpRequest, payload: SpendIn) -> dict[str, Any]:
    customer = points_customer(email=payload.email)
    if customer is None:
        raise NotFound("No customer has that email address.", code="customer_not_found")
    order = None
    if payload.order_number:
        order = Order.objects.filter(number=payload.order_number, customer=customer).first()
        if order is None:
            raise NotFound("That order is not this customer's.", code="order_not_found")
    now = timezone.now()
    entry = points_spend(
        customer=customer, points=payload.points, key=payload.idempotency_key, now=now, order=order
    )
    return {"entry": entry_out(entry, now), "available": points_summary(customer=customer).available}
