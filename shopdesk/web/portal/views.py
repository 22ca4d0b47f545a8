"""Order portal pages: lookup, magic link, my orders, the order page with its diagnoses, sign out.

Views parse input, call one access service or selector, and render; the rules live in those functions.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from shopdesk.access.client_address import client_address
from shopdesk.access.errors import RateLimited, TokenInvalid
from shopdesk.access.selectors import orders_for_access
from shopdesk.access.services import (
    magic_link_check,
    magic_link_consume,
    magic_link_request,
    magic_link_sent_message,
    session_open_by_lookup,
    session_revoke,
)
from shopdesk.access.web import (
    customer_required,
    portal_access,
    portal_order_or_404,
    portal_sign_in,
    portal_sign_out,
)
from shopdesk.core.errors import DomainError
from shopdesk.notifications.selectors import emails_for_order
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise
from shopdesk.orderview.builder import order_page
from shopdesk.orderview.cached import order_view_cached, order_view_version
from shopdesk.orderview.diagnoses.emails import emails_diagnose
from shopdesk.orderview.diagnoses.tracking_number import tracking_number_diagnose
from shopdesk.selfservice.registry import actions_all
from shopdesk.web.portal.action_links import action_url
from shopdesk.web.portal.forms import LookupForm, MagicLinkForm, TrackingNumberForm
from shopdesk.web.portal.points import order_points_section


def _client_ip(request: HttpRequest) -> str:
    return client_address(request)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    status, error, retry_after = 200, "", 0
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid():
            try:
                issued = session_open_by_lookup(
                    order_number=form.cleaned_data["order_number"],
                    email=form.cleaned_data["email"],
                    client_ip=_client_ip(request),
                )
            except RateLimited as exc:
                error, status, retry_after = exc.message, 429, exc.retry_after
            except DomainError as exc:
                error, status = exc.message, 404
            else:
                portal_sign_in(request, access=issued.access)
                number = form.cleaned_data["order_number"]
                return HttpResponseRedirect(_safe_next(request, reverse("portal:order", args=[number])))
        else:
            status = 400
    else:
        form = LookupForm(initial={"order_number": request.GET.get("number", "")[:40]})
    response = render(
        request,
        "web/portal/lookup.html",
        {
            "form": form,
            "error": error,
            "next": _safe_next(request, ""),
            "access": portal_access(request),
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "POST"])
def magic_request(request: HttpRequest) -> HttpResponse:
    sent, error, status = False, "", 200
    form = MagicLinkForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                magic_link_request(
                    email=form.cleaned_data["email"],
                    client_ip=_client_ip(request),
                )
                sent = True
            except RateLimited as exc:
                error, status = exc.message, 429
        else:
            status = 400
    return render(
        request,
        "web/portal/magic_request.html",
        {"form": form, "sent": sent, "error": error, "sent_message": magic_link_sent_message()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def magic(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to continue; POST uses the link. Mail scanners that open links must not burn them."""
    try:
        if request.method == "POST":
            issued = magic_link_consume(token=token[:200])
            portal_sign_in(request, access=issued.access)
            return HttpResponseRedirect(reverse("portal:mine"))
        link = magic_link_check(token=token[:200])
    except TokenInvalid as exc:
        return render(request, "web/portal/magic.html", {"error": exc.message}, status=410)
    return render(request, "web/portal/magic.html", {"email": link.email})


def mine(request: HttpRequest) -> HttpResponse:
    access = portal_access(request)
    if access is None:
        return HttpResponseRedirect(reverse("portal:lookup"))
    orders = list(orders_for_access(access=access).order_by("-placed_at")[:100])
    if len(orders) == 1 and not access.all_orders:
        return HttpResponseRedirect(reverse("portal:order", args=[orders[0].number]))
    return render(request, "web/portal/mine.html", {"orders": orders, "access": access})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    session_id = portal_sign_out(request)
    if session_id is not None:
        session_revoke(session_id=session_id)
    messages.success(request, "You are signed out.")
    return HttpResponseRedirect(reverse("portal:lookup"))


# Stands in for the CSRF token in the cached page body; each response gets its own token.
_CSRF_PLACEHOLDER = "csrf-placeholder-0f3c9a"


def _order_body(order: Order, *, all_orders: bool) -> str:
    """The order page body with a placeholder for the CSRF token: nothing request-specific inside."""
    page = order_page(order=order)
    # Items are changed and price-adjusted line by line, cases opened from a diagnosis: the list shows the others.
    actions = [
        {
            "name": action.id,
            "label": action.label,
            "eligibility": page.actions[action.id],
            "url": action_url(page.number, action.id),
        }
        for action in actions_all()
        if action.id in page.actions
        and not action.for_agents
        and action.id not in ("change_items", "open_case", "price_adjustment")
    ]
    adjustable = {a.line.pk for a in page.price_adjustments if a.eligibility.allowed}
    lines = [
        {
            "line": line,
            "change_url": f"/orders/{page.number}/change/{line.id}/",
            "price_adjustment_url": action_url(page.number, "price_adjustment", line.id)
            if line.id in adjustable
            else "",
        }
        for line in page.lines
    ]
    return render_to_string(
        "web/portal/_order_body.html",
        {
            "page": page,
            "actions": actions,
            "lines": lines,
            "change_items": page.actions.get("change_items"),
            "all_orders": all_orders,
            "csrf_token": _CSRF_PLACEHOLDER,
        },
    )


@customer_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Served from the cache while the order's version (one query) is unchanged; the CSRF token is per response.

    Customers reload this page again and again while they wait for a parcel; each reload then costs two
    small queries instead of the dozen the page needs, and a change to the order shows at once.
    """
    access = portal_access(request)
    normalised = order_number_normalise(number)
    found = None
    if access is not None and normalised is not None and access.allows(number=normalised):
        found = order_view_version(number=normalised, email=access.email if access.all_orders else None)
    if found is None:
        raise Http404("Order not found")
    order_id, version = found
    all_orders = bool(access and access.all_orders)

    def build() -> str:
        body = _order_body(portal_order_or_404(request, number), all_orders=all_orders)
        return render_to_string(
            "web/portal/order.html",
            {"number": normalised, "body": mark_safe(body)},  # noqa: S308 - our template
            request=request,
        )

    if len(messages.get_messages(request)) > 0:
        html = build()  # flash messages belong to one response only: never cached
    else:
        html = order_view_cached(
            order_id=order_id, version=version, kind=f"web:{int(all_orders)}", build=build
        )
    # The points section is per request (its dates turn from pending to usable), outside the cached body.
    points = order_points_section(request, order_id=order_id)
    return HttpResponse(
        html.replace(_CSRF_PLACEHOLDER, get_token(request)).replace("<!--order-points-->", points)
    )


@customer_required
def emails(request: HttpRequest, number: str) -> HttpResponse:
    order = portal_order_or_404(request, number)
    return render(
        request,
        "web/portal/emails.html",
        {
            "order": order,
            "diagnosis": emails_diagnose(order=order),
            "emails": [e for e in emails_for_order(order) if e.template != "magic_link"],
        },
    )


def tracking_check(request: HttpRequest) -> HttpResponse:
    form = TrackingNumberForm(request.GET or None)
    diagnosis = None
    if form.is_valid():
        diagnosis = tracking_number_diagnose(number=form.cleaned_data["number"], now=dt.datetime.now(dt.UTC))
    return render(
        request,
        "web/portal/tracking.html",
        {"form": form, "diagnosis": diagnosis},
        status=400 if request.GET and not form.is_valid() else 200,
    )
