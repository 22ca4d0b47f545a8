"""Error pages in the site's layout, each with a way back: not found, not allowed, a form that expired, our fault."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

_PAGES = {
    404: ("Page not found", "We couldn't find this page. The link may be old, or the address mistyped."),
    403: (
        "Not allowed",
        "You don't have access to this page. If it is about your order, find it again first.",
    ),
    "csrf": (
        "This form expired",
        "For your safety, the form you sent could not be accepted: it was open too long, or your browser "
        "blocked our cookies. Go back, reload the page and try again.",
    ),
    500: (
        "Something went wrong on our side",
        "We're sorry: this page failed. Nothing was changed; please try again.",
    ),
}


def _render(request: HttpRequest, kind: int | str, status: int) -> HttpResponse:
    title, message = _PAGES[kind]
    context = {"title": title, "message": message, "status": status}
    html: str
    try:
        html = render_to_string("web/error.html", context, request=request)
    except Exception:  # the error page itself must never fail: a plain page rather than a second error
        logger.exception("error page failed to render")
        html = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{message}</p><p><a href='/'>Home</a></p>"
    return HttpResponse(html, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 404, 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 403, 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _render(request, "csrf", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(request, 500, 500)
