"""Bearer authentication for the customer API: `request.auth` becomes a CustomerAccess."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from shopdesk.access.selectors import access_for_token
from shopdesk.access.types import CustomerAccess


class CustomerBearer(HttpBearer):
    """`Authorization: Bearer <token>` from POST /customer/session or a magic link."""

    openapi_description = "A customer session token from POST /api/v1/customer/session."

    def authenticate(self, request: HttpRequest, token: str) -> CustomerAccess | None:
        return access_for_token(token=token)


customer_bearer = CustomerBearer()
