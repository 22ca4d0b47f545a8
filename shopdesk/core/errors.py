"""Domain errors with stable codes.

    DomainError                  base: a rule of the store refused the request (HTTP 409/400)
    ├── NotFound                 the thing does not exist, or is not the caller's (HTTP 404)
    ├── PermissionDenied         the caller may not do this (HTTP 403)
    ├── InvalidInput             the input breaks a rule beyond its type (HTTP 422)
    ├── NotEligible              an eligibility check said no; carries the Eligibility (HTTP 409)
    └── Conflict                 a concurrent change or a reused idempotency key (HTTP 409)

The `code` is part of the API contract: clients switch on it, so never rename one.
The message is a sentence a customer can read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shopdesk.core.eligibility import Eligibility


class DomainError(Exception):
    code = "domain_error"
    http_status = 409

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403


class InvalidInput(DomainError):
    code = "invalid_input"
    http_status = 422


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class NotEligible(DomainError):
    http_status = 409

    def __init__(self, eligibility: Eligibility):
        super().__init__(eligibility.message, code=eligibility.code)
        self.eligibility = eligibility
