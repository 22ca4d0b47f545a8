"""`webhook_event_emit`, the outbox call of the apps above the webhooks layer: checked types, one query
and no payload work when nobody listens, and rolled back with the change it belongs to."""

from __future__ import annotations

import pytest
from django.db import transaction

from shopdesk.core.actors import Actor
from shopdesk.webhooks.models import WebhookDelivery, WebhookEvent
from shopdesk.webhooks.services.endpoints import EndpointWithSecret
from shopdesk.webhooks.services.events import webhook_event_emit

pytestmark = pytest.mark.django_db


def _never() -> dict[str, object]:
    raise AssertionError("built although no endpoint wants the event")


def test_a_type_outside_the_catalogue_is_refused_and_writes_nothing(endpoint_for_everything) -> None:
    with pytest.raises(ValueError, match=r"return\.lost"):
        webhook_event_emit(type_name="return.lost", order=None, actor=Actor.system())
    assert not WebhookEvent.objects.exists()


def test_without_an_endpoint_it_costs_one_query_and_builds_nothing(django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        written = webhook_event_emit(
            type_name="points.adjusted",
            order=_never,
            actor=Actor.agent("ann"),
            before=_never,
            after=_never,
            subject=_never,
        )
    assert written is None and not WebhookEvent.objects.exists()


def test_an_event_rolls_back_with_its_change(endpoint_for_everything: EndpointWithSecret) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        webhook_event_emit(
            type_name="ticket.created", order=None, actor=Actor.system(), after={"status": "new"}
        )
        raise RuntimeError("the change failed")
    assert not WebhookEvent.objects.exists() and not WebhookDelivery.objects.exists()


def test_builders_run_when_an_endpoint_listens(endpoint_for_everything: EndpointWithSecret) -> None:
    event = webhook_event_emit(
        type_name="points.adjusted",
        order=lambda: None,
        actor=Actor.agent("ann"),
        before=lambda: {"available": 0, "pending": 0},
        after=lambda: {"available": 50, "pending": 0},
        subject=lambda: {"customer": {"email": "kim@example.com", "external_id": None}},
    )
    assert event is not None
    data = event.payload["data"]
    assert data["order"] is None and data["after"] == {"available": 50, "pending": 0}
    assert data["customer"]["email"] == "kim@example.com"
    assert WebhookDelivery.objects.filter(event=event, status="queued").count() == 1
