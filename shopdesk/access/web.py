"""Customer access on the web pages: the Django session holds the id of a CustomerSession row.

Keeping the row (not just a flag in the cookie session) means "log out" and revocation by an agent
take effect at once, and the page rules are the API's rules.

    portal_access(request)                 -> CustomerAccess | None
    portal_order_or_404(request, number)   -> Order (Http404 when missing or not this customer's)
    @customer_required                     redirects to the lookup page when nobody is signed in
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from shopdesk.access.selectors import access_for_session_id, order_for_access
from shopdesk.access.types import CustomerAccess
from shopdesk.core.errors import NotFound
from shopdesk.orders.models import Order
from shopdesk.orders.selectors import order_number_normalise

SESSION_KEY = "shopdesk_customer_session"
_CACHE_ATTRIBUTE = "_shopdesk_customer_access"


def portal_access(request: HttpRequest) -> CustomerAccess | None:
    if hasattr(request, _CACHE_ATTRIBUTE):
        return getattr(request, _CACHE_ATTRIBUTE)
    session_id = request.session.get(SESSION_KEY)
    access = access_for_session_id(session_id=session_id) if isinstance(session_id, int) else None
    if access is None and session_id is not None:
        request.session.pop(SESSION_KEY, None)  # expired or revoked: forget it
    setattr(request, _CACHE_ATTRIBUTE, access)
    return access


def portal_sign_in(request: HttpRequest, *, access: CustomerAccess) -> None:
    # A new session key on sign-in: a cookie planted before sign-in never gains access (fixation).
    request.session.cycle_key()
    request.session[SESSION_KEY] = access.session_id
    setattr(request, _CACHE_ATTRIBUTE, access)


def portal_sign_out(request: HttpRequest) -> int | None:
    session_id = request.session.get(SESSION_KEY)
    request.session.flush()
    setattr(request, _CACHE_ATTRIBUTE, None)
    return session_id if isinstance(session_id, int) else None


def portal_order_or_404(request: HttpRequest, number: str) -> Order:
    access = portal_access(request)
    normalised = order_number_normalise(number)
    if access is None or normalised is None:
        raise Http404("Order not found")
    try:
        return order_for_access(access=access, number=normalised)
    except NotFound:
        raise Http404("Order not found") from None


def lookup_url(*, number: str | None = None, next_url: str | None = None) -> str:
    query = {key: value for key, value in (("number", number), ("next", next_url)) if value}
    base = reverse("portal:lookup")
    return f"{base}?{urlencode(query)}" if query else base


def customer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send a visitor who is not signed in (or not for this order) to the lookup form, then back."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access = portal_access(request)
        number = kwargs.get("number")
        if access is None or (number and not access.allows(number=order_number_normalise(number) or "")):
            return HttpResponseRedirect(lookup_url(number=number, next_url=request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper
