"""Customer payment actions over the API (bearer token from /customer/session):

    POST /orders/{number}/pay-again      the store's link to pay again after a declined payment
    POST /orders/{number}/verification   answer the payment check: JSON {card_last4, billing_postcode},
                                         or multipart/form-data with a `document` (PDF, JPEG or PNG)

Both go through the registry (`pay_again`, `verify_payment`), answering like every action: `result`,
the action's `eligibility` afterwards and the updated `order`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from shopdesk.access.auth import customer_bearer
from shopdesk.api.customer_actions import _json_object, _perform
from shopdesk.core.errors import InvalidInput
from shopdesk.policy import get_policy
from shopdesk.selfservice.registry import action_get

router = Router(tags=["customer actions"], auth=customer_bearer)

_VERIFICATION_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "card_last4": {"type": "string", "pattern": "^[0-9]{4}$"},
                        "billing_postcode": {"type": "string", "maxLength": 20},
                    },
                    "required": ["card_last4", "billing_postcode"],
                    "additionalProperties": False,
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"document": {"type": "string", "format": "binary"}},
                    "required": ["document"],
                }
            },
        },
    }
}


@router.post("/orders/{number}/pay-again", summary="The link to pay again after a declined payment")
def pay_again(request: HttpRequest, number: str) -> dict[str, Any]:
    return _perform(request, number, action_get("pay_again"), {})  # no parameters: any body is ignored


def _verification_params(request: HttpRequest) -> dict[str, Any]:
    if not (request.content_type or "").startswith("multipart/"):
        return _json_object(request)
    unknown = sorted(set(request.POST) - {"card_last4", "billing_postcode"})
    if unknown:
        raise InvalidInput(
            f"Unknown field: {unknown[0]}.", details={"fields": dict.fromkeys(unknown, "unknown")}
        )
    params: dict[str, Any] = {key: request.POST.get(key, "") for key in request.POST}
    upload = request.FILES.get("document")
    if upload is not None:
        limit = get_policy().payments.verification_document_max_kb * 1024
        params["document"] = upload.read(limit + 1)  # one byte more says "too large" without reading it all
        params["document_name"] = (upload.name or "")[:200]
    return params


@router.post(
    "/orders/{number}/verification",
    summary="Answer the payment check: card's last four digits and billing postcode, or a document",
    openapi_extra=_VERIFICATION_BODY,
)
def verification(request: HttpRequest, number: str) -> dict[str, Any]:
    return _perform(request, number, action_get("verify_payment"), _verification_params(request))
