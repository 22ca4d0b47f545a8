"""One error envelope for the whole API, and the error answers each operation lists in the OpenAPI.

Every 4xx is `{"error": {"code", "message", "fields"?, "details"?}}`: domain errors, input that does
not validate (422), a body that is not JSON (400 `invalid_json`), a body over the size limit (413
`payload_too_large`), an unknown path (404), a missing or bad token (401).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError

STATUS_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}


class ErrorField(Schema):
    field: str
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    fields: list[ErrorField] = []
    details: dict[str, Any] = {}


class ErrorEnvelope(Schema):
    error: ErrorBody


def error_body(code: str, message: str, *, fields: list[dict[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return {"error": body}


def install_error_handlers(api: NinjaAPI) -> None:
    """Ninja's own answers (`{"detail": ...}`) replaced by the envelope."""

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        body = error_body("unauthorized", "Send a valid token in the Authorization header (Bearer …).")
        return api.create_response(request, body, status=401)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # Ninja raises this one when the body does not parse: bad UTF-8, bad JSON, nesting too deep.
            body = error_body(
                "invalid_json", "The request body is not valid JSON (UTF-8 encoded).", fields=[]
            )
        else:
            body = error_body(STATUS_CODES.get(exc.status_code, "error"), str(exc))
        return api.create_response(request, body, status=exc.status_code)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        body = error_body(
            "payload_too_large",
            "The request body is too large. Send fewer items per request (see /store/bulk's limit).",
        )
        return api.create_response(request, body, status=413)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", "Not found."), status=404)


# --- OpenAPI: which errors each operation can answer ---------------------------------------------
ERROR_DESCRIPTIONS = {
    400: "The body is not valid JSON (`invalid_json`).",
    401: "The token is missing, unknown or revoked.",
    404: "Not found (or not yours: the same answer).",
    409: "A rule of the store refused it, or a concurrent change / reused Idempotency-Key.",
    410: "The link or token has expired or was used already.",
    413: "The body is over the size limit (`payload_too_large`).",
    422: "Some input is not valid; `fields` names each one.",
    429: "Too many attempts; `Retry-After` says when to try again. The magic link always remains.",
}
# The store API's own name for the same envelope.
SAME_ENVELOPE = {"$ref": "#/components/schemas/ErrorOut"}
RATE_LIMITED_PATHS = ("/customer/session", "/customer/magic-link")
GONE_PATHS = ("/customer/magic-link/session", "/email/confirm")


def error_codes(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer, from what it takes and what it does."""
    codes: set[int] = set()
    parameters = operation.get("parameters", [])
    if operation.get("security"):
        codes.add(401)
    if "requestBody" in operation:
        codes |= {400, 413, 422}
    if parameters:
        codes.add(422)
    if any(p.get("in") == "path" for p in parameters) or "/customer/orders" in path:
        codes.add(404)
    if method != "get":
        codes |= {404, 409, 422}
    if method == "post" and path.endswith(RATE_LIMITED_PATHS):
        codes.add(429)
    if path.endswith(GONE_PATHS):
        codes.add(410)
    return codes


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the envelope as a component, and each operation's error answers that are not listed yet."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "ErrorEnvelope", ErrorEnvelope.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    for name, definition in components["ErrorEnvelope"].pop("$defs", {}).items():
        components.setdefault(name, definition)
    reference = {"$ref": "#/components/schemas/ErrorEnvelope"}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code in sorted(error_codes(path, method, operation)):
                declared = responses.pop(code, None) or responses.pop(str(code), None)
                envelope = {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": reference}},
                }
                if declared is not None:
                    # The operation's own answer for this status (the bulk endpoint's per-item
                    # results on 422), or the envelope when the request never reached it.
                    own = declared.get("content", {}).get("application/json", {}).get("schema")
                    if own is not None and own not in (reference, SAME_ENVELOPE):
                        envelope = {
                            "description": declared.get("description", ERROR_DESCRIPTIONS[code]),
                            "content": {"application/json": {"schema": {"anyOf": [own, reference]}}},
                        }
                    elif own is None:
                        envelope = declared
                responses[code] = envelope
    return schema


def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Paths under /api/ that no operation has: the envelope, not the HTML 404 page."""
    from django.http import JsonResponse

    return JsonResponse(error_body("not_found", "There is no such API path. See /api/v1/docs."), status=404)
