"""Schemathesis over the whole OpenAPI document, in process: 0 server errors, 0 schema violations.

Each operation gets a bounded number of generated requests (EXAMPLES valid ones and EXAMPLES invalid
ones), sent with a customer token (customer API) or a store token (store API), and every answer is
checked by schemathesis: no 5xx, a documented status, a body matching its documented schema.
The module runs in one xdist worker (group "schemathesis") so it never competes with itself.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
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
# No server error, a documented status, the documented content type and body schema. (Whether every
# schema-valid request is accepted is not checked: business rules such as "a country we ship to" or
# "an order number of this store" are not all expressible in the schema.)
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
    api_schema: Any, tokens: dict[str, str], label: str
) -> None:
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label
    token = tokens["store"] if " /api/v1/store" in label else tokens["customer"]
    failures: list[str] = []
    sent = [0]
    for mode, examples in EXAMPLES.items():
        _fuzz(operation, mode, examples, token, failures, sent)
    print(f"schemathesis {label}: {sent[0]} requests, {len(failures)} failures")
    assert failures == [], "\n\n".join(failures[:5])


def _fuzz(
    operation: Any, mode: GenerationMode, examples: int, token: str, failures: list[str], sent: list[int]
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
        try:
            case.call_and_validate(checks=CHECKS)
        except (Exception, BaseExceptionGroup) as failure:  # collect them all, then report once
            failures.append(f"{case.method} {case.formatted_path} {str(failure)[:600]} {failure!r}"[:1500])

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        # Some operations take nothing that can be made invalid (no parameters, no body).
