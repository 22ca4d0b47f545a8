"""Schemathesis over the whole OpenAPI document, in process: 0 server errors, 0 schema violations.

Each operation gets a bounded number of generated requests (EXAMPLES valid ones and EXAMPLES invalid
ones), sent with a customer token (customer API) or a store token (store API), and every answer is
checked by schemathesis: no 5xx, a documented status, a body matching its documented schema.
The module runs in one xdist worker (group "schemathesis") so it never competes with itself.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from ninja.errors import ValidationError as NinjaValidationError
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shopdesk.access.services import session_open_by_lookup
from shopdesk.api.api import api
from shopdesk.api.auth import token_create
from tests import factories

EXAMPLES = {GenerationMode.POSITIVE: 15, GenerationMode.NEGATIVE: 10}  # 25 requests per operation
# No server error, a documented status, the documented content type and body schema, and no
# schema-valid request refused by the API's own schema validation (see `accepted_by_the_validator`).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
pytestmark = [pytest.mark.xdist_group("schemathesis"), pytest.mark.django_db]


@schemathesis.serializer("message/rfc822")
def _raw_email(ctx: Any, value: Any) -> bytes:
    """The inbound-email operation takes one raw message: the generated body goes as its bytes, odd ones too."""
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")


def _operations() -> list[str]:
    document = api.get_openapi_schema()
    return sorted(
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    )


@functools.cache
def _loaded_schema() -> Any:
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


class SchemaRefusals:
    """Which requests the API's schema validation (pydantic, behind the 422 `invalid_input`) refused.

    A business rule may refuse a schema-valid request ("a country we ship to", "an order of this store"):
    those are domain errors, answered by their own handler. So are rules between fields, which JSON
    Schema cannot state (error type `fields_disagree`: a SKU twice, points over the total, decimals
    of the order's currency). The validator refusing a field that the published schema allows means the
    document promises more than the API accepts: that is a failure.
    """

    def __init__(self) -> None:
        self.last: list[str] = []

    def __enter__(self) -> SchemaRefusals:
        self.original = api._exception_handlers[NinjaValidationError]

        def recording(request: Any, exc: NinjaValidationError) -> Any:
            refused = [error for error in exc.errors if error.get("type") != "fields_disagree"]
            if refused:
                self.last.append(json.dumps(refused, default=str)[:600])
            return self.original(request, exc)

        api._exception_handlers[NinjaValidationError] = recording
        return self

    def __exit__(self, *exc: object) -> None:
        api._exception_handlers[NinjaValidationError] = self.original


@pytest.fixture
def refusals() -> Iterator[SchemaRefusals]:
    with SchemaRefusals() as recorder:
        yield recorder


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    # As Django's test client does: the test's transaction must outlive each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield _loaded_schema()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db: None) -> dict[str, str]:
    order = factories.OrderFactory()
    factories.OrderLineFactory(order=order)
    factories.PaymentFactory(order=order)
    customer = session_open_by_lookup(order_number=order.number, email=order.email, client_ip="10.0.0.1")
    return {"customer": customer.token, "store": token_create(name="fuzz").secret}


@pytest.mark.parametrize("label", _operations())
def test_every_operation_answers_within_its_documented_contract(
    api_schema: Any, tokens: dict[str, str], refusals: SchemaRefusals, label: str
) -> None:
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label
    token = tokens["store"] if " /api/v1/store" in label else tokens["customer"]
    failures: list[str] = []
    sent = [0]
    for mode, examples in EXAMPLES.items():
        _fuzz(operation, mode, examples, token, failures, sent, refusals)
    print(f"schemathesis {label}: {sent[0]} requests, {len(failures)} failures")
    assert failures == [], "\n\n".join(failures[:5])


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    examples: int,
    token: str,
    failures: list[str],
    sent: list[int],
    refusals: SchemaRefusals,
) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        sent[0] += 1
        refusals.last.clear()
        try:
            case.call_and_validate(checks=CHECKS)
        except (Exception, BaseExceptionGroup) as failure:  # collect them all, then report once
            failures.append(f"{case.method} {case.formatted_path} {str(failure)[:600]} {failure!r}"[:1500])
        if mode is GenerationMode.POSITIVE and refusals.last:
            failures.append(
                f"{case.method} {case.formatted_path}: a schema-valid request was refused by the schema "
                f"validation: {refusals.last[0]} (body {str(case.body)[:300]!r})"
            )

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        # Some operations take nothing that can be made invalid (no parameters, no body).
