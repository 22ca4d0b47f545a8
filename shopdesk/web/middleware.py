"""Security headers for pages: a strict Content-Security-Policy (no inline script, no third parties)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The admin keeps Django's inline bits. The API docs page runs only the package's own script files
# (django-ninja's Swagger UI, set up from a JSON block), but Swagger UI writes style attributes.
_RELAXED_PREFIXES = ("/admin/",)
RELAXED_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'"
DOCS_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            if request.path.startswith("/api/v1/docs"):
                response["Content-Security-Policy"] = DOCS_POLICY
            elif request.path.startswith(_RELAXED_PREFIXES):
                response["Content-Security-Policy"] = RELAXED_POLICY
            else:
                response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


access_log = logging.getLogger("shopdesk.access")


class AccessLogMiddleware:
    """One line per request, written through the redacting filter.

    It replaces gunicorn's access log, which would print sign-in tokens that travel in link paths.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        access_log.info("%s %s %s %.0fms", request.method, request.path, response.status_code, elapsed_ms)
        return response
