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
# The API docs page loads Swagger UI's script and styles from the package's static files, with inline setup.
_RELAXED_PREFIXES = ("/api/v1/docs", "/admin/")
RELAXED_POLICY = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            relaxed = request.path.startswith(_RELAXED_PREFIXES)
            response["Content-Security-Policy"] = RELAXED_POLICY if relaxed else CONTENT_SECURITY_POLICY
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
