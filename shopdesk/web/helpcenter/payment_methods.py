"""The payment-methods page: pick a country, see its methods, their limits and refund times (from the policy)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shopdesk.access.selectors import orders_for_access
from shopdesk.access.web import portal_access
from shopdesk.payments.methods import (
    country_from_accept_language,
    country_known,
    payment_countries,
    payment_methods_in,
)


def _shoppers_country(request: HttpRequest) -> str | None:
    """A verified order's delivery country, else the region of the browser's first language."""
    access = portal_access(request)
    if access is not None:
        country = (
            orders_for_access(access=access)
            .order_by("-placed_at")
            .values_list("shipping_address__country", flat=True)
            .first()
        )
        if country and country_known(country):
            return country.upper()
    return country_from_accept_language(request.headers.get("Accept-Language", ""))


@require_GET
def payment_methods(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("country", "").strip()[:10]
    own = _shoppers_country(request)
    error, status = "", 200
    if asked and not country_known(asked):
        error, status = "Choose a country from the list.", 400
    chosen = asked.upper() if asked and not error else own
    context = {
        "countries": payment_countries(first=own),
        "own": own,
        "chosen": chosen,
        "found": payment_methods_in(country=chosen) if chosen else None,
        "error": error,
    }
    return render(request, "web/helpcenter/payment_methods.html", context, status=status)
