"""The points page (balance, pending with dates, next expiry, pay with points, history) and the order
page's points section ("when do I get my points back"). Points belong to the mailbox: the page needs a
magic-link session; a lookup session sees its order's points on the order page only."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from shopdesk.access.web import portal_access
from shopdesk.core.money import format_money
from shopdesk.loyalty.models import PointsEntry
from shopdesk.loyalty.selectors import (
    points_customer,
    points_day,
    points_entry_state,
    points_history,
    points_redeem_quote,
    points_summary,
)
from shopdesk.policy import get_policy

MAX_CART_TOTAL = Decimal("1000000")


def _cart_total(raw: str) -> tuple[Decimal | None, str]:
    """The amount typed in the pay-with-points form, or a sentence saying what is wrong with it."""
    text = raw.strip().replace(",", "")[:20]
    if not text:
        return None, ""
    try:
        total = Decimal(text)
    except InvalidOperation:
        return None, "Enter the cart total as a number, for example 84.50."
    if not total.is_finite() or total <= 0 or total > MAX_CART_TOTAL:
        return None, f"Enter a cart total above 0 and up to {MAX_CART_TOTAL:,}."
    if total != total.quantize(Decimal("0.01")):
        return None, "Enter the cart total with at most two decimals."
    return total, ""


def points_page(request: HttpRequest) -> HttpResponse:
    access = portal_access(request)
    if access is None or not access.all_orders:
        return render(request, "web/portal/points_signin.html", {"access": access}, status=200)
    customer = points_customer(email=access.email)
    now = timezone.now()
    policy = get_policy()
    summary = points_summary(customer=customer) if customer else None
    page = points_history(customer=customer, page=_page_number(request)) if customer else None
    rows = (
        [(entry, points_entry_state(entry, now), points_day(entry.created_at)) for entry in page.object_list]
        if page
        else []
    )
    total, error = _cart_total(request.GET.get("total", ""))
    quote = None
    if total is not None:
        quote = points_redeem_quote(
            balance=summary.available if summary else 0, cart_total=total, currency=policy.store.currency
        )
    status = 400 if error else 200
    return render(
        request,
        "web/portal/points.html",
        {
            "access": access,
            "summary": summary,
            "page": page,
            "rows": rows,
            "pending": [(item, points_day(item.available_at)) for item in summary.pending] if summary else [],
            "expiry_day": points_day(summary.next_expiry.expires_at)
            if summary and summary.next_expiry
            else "",
            "quote": quote,
            "total_error": error,
            "total_value": request.GET.get("total", "")[:20],
            "rules": policy.points,
            "currency": policy.store.currency,
            "per_100": format_money(policy.points.value_per_100, policy.store.currency),
            "available_value": format_money(summary.available_value, summary.currency) if summary else "",
            "pays": format_money(quote.cart_total - quote.value, quote.currency) if quote else "",
        },
        status=status,
    )


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1


def order_points_section(request: HttpRequest, *, order_id: int) -> str:
    """The order page's points section, built per request (dates turn 'pending' into 'usable' as time
    passes): one query, and nothing when the order has no points."""
    now = timezone.now()
    entries = list(PointsEntry.objects.filter(order_id=order_id).order_by("created_at", "id"))
    if not entries:
        return ""
    access = portal_access(request)
    return render_to_string(
        "web/portal/_order_points.html",
        {
            "rows": [(entry, points_entry_state(entry, now)) for entry in entries],
            "all_orders": bool(access and access.all_orders),
            "name": get_policy().points.name,
        },
        request=request,
    )
