"""The event catalogue: docs/webhooks.md shows every type with its version and the example the code
builds, and a real event has the documented shape."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from shopdesk.core.actors import Actor
from shopdesk.orders import events as order_events
from shopdesk.webhooks.catalogue import EVENT_TYPES, KIND_TO_TYPE, events_parse, example_payload
from shopdesk.webhooks.models import WebhookEvent
from shopdesk.webhooks.services.endpoints import EndpointWithSecret
from tests.orders.test_services_states import paid_order_of_shirt_and_scarf

DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
SECTION = re.compile(
    r"^### `(?P<name>[a-z_.]+)` \(version (?P<version>\d+)\)\n.*?```json\n(?P<json>.*?)```", re.S | re.M
)


def _documented() -> dict[str, tuple[int, dict]]:
    text = DOCS.read_text(encoding="utf-8")
    return {m["name"]: (int(m["version"]), json.loads(m["json"])) for m in SECTION.finditer(text)}


def test_every_type_is_documented_with_its_version_and_example() -> None:
    documented = _documented()
    assert set(documented) == set(EVENT_TYPES)
    for name, (version, example) in documented.items():
        assert version == EVENT_TYPES[name].version
        assert example == example_payload(name)


def test_the_brief_types_are_all_in_the_catalogue() -> None:
    wanted = {
        "order.cancelled",
        "order.lines_cancelled",
        "order.line_changed",
        "order.shipping_address_changed",
        "order.billing_address_changed",
        "order.email_changed",
        "case.opened",
        "refund.created",
        "refund.succeeded",
        "refund.failed",
        "refund.retried",
        "price_adjustment.created",
    }
    assert wanted == set(EVENT_TYPES)
    assert set(KIND_TO_TYPE.values()) <= set(EVENT_TYPES)


def test_event_filters_are_checked() -> None:
    assert events_parse("order.cancelled, return.created") == ["order.cancelled", "return.created"]
    with pytest.raises(ValueError, match=r"order\.canceled"):
        events_parse("order.canceled")
    with pytest.raises(ValueError):
        events_parse(" , ")


@pytest.mark.django_db
def test_a_real_event_has_the_documented_shape(endpoint_for_everything: EndpointWithSecret) -> None:
    order = paid_order_of_shirt_and_scarf()
    order_events.order_billing_address_changed(
        order=order, actor=Actor.agent("sam"), before={"city": "Boston"}, after={"city": "Denver"}
    )
    payload = WebhookEvent.objects.get().payload
    example = example_payload("order.billing_address_changed")
    assert set(payload) == set(example)
    assert set(payload["data"]) == set(example["data"])
    assert set(payload["data"]["order"]) == set(example["data"]["order"])
    assert payload["type"] == "order.billing_address_changed"
    assert payload["data"]["before"] == {"city": "Boston"} and payload["data"]["after"] == {"city": "Denver"}
    assert payload["data"]["actor"] == {"kind": "agent", "label": "sam"}


@pytest.mark.django_db
def test_a_price_adjustment_goes_out_with_its_refund(endpoint_for_everything: EndpointWithSecret) -> None:
    from shopdesk.selfservice.services.price_adjustment import price_adjustment_request
    from tests.orders.test_services_states import shirt_line
    from tests.selfservice.price_adjustment_fixtures import order_with_cheaper_shirt

    order = order_with_cheaper_shirt()
    line = shirt_line(order)
    price_adjustment_request(order=order, line_id=line.pk, actor=Actor.customer(order.email))
    sent = {event.payload["type"]: event.payload for event in WebhookEvent.objects.all()}
    assert set(sent) == {"price_adjustment.created", "refund.created"}
    adjusted = sent["price_adjustment.created"]["data"]
    assert adjusted["before"] == {"line_id": line.pk, "unit_price": "49.00"}
    assert adjusted["after"] == {"line_id": line.pk, "unit_price": "39.00", "amount": "20.00"}
