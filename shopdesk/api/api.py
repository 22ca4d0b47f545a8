"""The REST API under /api/v1/: one NinjaAPI, one error handler, a router per area."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from shopdesk.api.errors import document_errors, install_error_handlers
from shopdesk.api.schema_codes import code_components, codes_refer
from shopdesk.core.errors import DomainError


class ShopdeskAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The generated document, plus every error answer each operation can give (one envelope)."""
        schema = codes_refer(document_errors(super().get_openapi_schema(*args, **kwargs)))
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in code_components().items():
            components.setdefault(name, definition)
        return schema


api = ShopdeskAPI(
    title="shopdesk API",
    version="1",
    description=(
        "Customer care for online stores. Store integration (API token), customer self-service "
        "(bearer token from /customer/session), help center and assistant."
    ),
    urls_namespace="api",
)
install_error_handlers(api)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"error": exc.as_dict()}, status=exc.http_status)


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """422 with the path of each bad field, e.g. `orders.3.lines.0.quantity`."""
    fields = []
    for item in exc.errors:
        location = [str(part) for part in item.get("loc", ()) if part not in ("body", "payload")]
        fields.append({"field": ".".join(location), "message": item.get("msg", "invalid")})
    body = {"error": {"code": "invalid_input", "message": "Some fields are not valid.", "fields": fields}}
    return api.create_response(request, body, status=422)


def _register_routers() -> None:
    # Each area owns its router module; imported here so the OpenAPI document lists them all.
    from shopdesk.api.assistant import router as assistant_router
    from shopdesk.api.connectors import router as connectors_router
    from shopdesk.api.customer import router as customer_router
    from shopdesk.api.customer_actions import router as customer_actions_router
    from shopdesk.api.customer_payments import router as customer_payments_router
    from shopdesk.api.customer_points import router as customer_points_router
    from shopdesk.api.customer_points import store_router as store_points_router
    from shopdesk.api.customer_refunds import router as customer_refunds_router
    from shopdesk.api.customer_return_follow import router as customer_return_follow_router
    from shopdesk.api.customer_returns import router as customer_returns_router
    from shopdesk.api.help import router as help_router
    from shopdesk.api.integration import router as integration_router
    from shopdesk.api.payment_methods import router as payment_methods_router
    from shopdesk.api.promotions import router as promotions_router
    from shopdesk.api.store_return_tracking import router as store_return_tracking_router
    from shopdesk.api.store_returns import router as store_returns_router
    from shopdesk.api.webhooks import router as webhooks_router
    from shopdesk.desk.api import contact_router, desk_router, inbound_router

    # First: Django tries the API's URL patterns in this order, and a chat message is the request made
    # most often: with the other routers first, resolving its path tried some eighty patterns before it.
    api.add_router("/assistant", assistant_router)
    api.add_router("/store", integration_router)
    api.add_router("/store", webhooks_router)
    api.add_router("/store", store_returns_router)
    api.add_router("/store", store_return_tracking_router)
    api.add_router("/customer", customer_router)
    api.add_router("/customer", customer_actions_router)
    api.add_router("/customer", customer_returns_router)
    api.add_router("/customer", customer_return_follow_router)
    api.add_router("/customer", customer_refunds_router)
    api.add_router("/customer", customer_payments_router)
    api.add_router("/customer", customer_points_router)
    api.add_router("/store", store_points_router)
    api.add_router("/help", help_router)
    api.add_router("/help", payment_methods_router)
    api.add_router("/promotions", promotions_router)
    api.add_router("/contact", contact_router)
    api.add_router("/inbound", inbound_router)
    api.add_router("/desk", desk_router)
    api.add_router("/connectors", connectors_router)


_register_routers()
