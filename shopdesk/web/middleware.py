"""Request middleware: security headers (a strict CSP), control characters refused, the access log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from shopdesk.core.text import control_character

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
        access_log.info(
            "%s %s %s %.0fms",
            log_safe(request.method or ""),
            log_safe(request.path),
            response.status_code,
            elapsed_ms,
        )
        return response


def log_safe(text: str) -> str:
    """`text` with control characters escaped, so a `%0a` in a URL cannot forge a second log line."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text
    )


class ControlCharacterMiddleware:
    """422 for a control character in the path, the query string or a form field.

    JSON bodies are checked field by field by the API's input models (with the field's path);
    this catches what reaches views as plain strings. The answer says which parameter is wrong.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (problem := self._problem(request)) is not None:
            field, bad = problem
            message = f"The {field} contains a control character ({bad}); remove it and try again."
            if request.path.startswith("/api/"):
                body = {
                    "error": {
                        "code": "invalid_input",
                        "message": message,
                        "fields": [{"field": field, "message": f"contains a control character ({bad})"}],
                    }
                }
                return JsonResponse(body, status=422)
            return HttpResponse(message, status=422, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _problem(request: HttpRequest) -> tuple[str, str] | None:
        if (bad := control_character(request.path, multiline=False)) is not None:
            return "path", bad
        sources = [request.GET]
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            sources.append(request.POST)
        for source in sources:
            for key, values in source.lists():
                if (bad := control_character(key, multiline=False)) is not None:
                    return "parameter name", bad
                for value in values:
                    if (bad := control_character(value)) is not None:
                        return key[:40], bad
        return None
