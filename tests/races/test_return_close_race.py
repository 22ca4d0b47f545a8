"""Races on PostgreSQL: a return's last refund succeeding twice at once (the same provider event, and two
event ids) closes the return once: one event row, one `return.closed`. Skipped on SQLite."""

from __future__ import annotations

from typing import Any

import pytest

from shopdesk.core.actors import Actor
from shopdesk.payments.enums import RefundStatus
from shopdesk.payments.models import Refund
from shopdesk.payments.services.refund_events import refund_event_apply
from shopdesk.returns.enums import ReturnEventKind, ReturnStatus
from shopdesk.returns.models import ReturnRequest
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from shopdesk.webhooks.models import WebhookEvent
from shopdesk.webhooks.services.endpoints import endpoint_create
from tests.orders.test_services_states import shirt_line
from tests.returns.conftest import delivered_shirt_and_scarf
from tests.selfservice.test_services_cancel_race import _in_thread, postgres_only

pytestmark = [pytest.mark.postgres, postgres_only, pytest.mark.django_db(transaction=True)]
PROVIDER = Actor.integration("provider")
WAREHOUSE = Actor.integration("warehouse")


@pytest.fixture
def refunded_return(monkeypatch: pytest.MonkeyPatch) -> tuple[ReturnRequest, Refund]:
    """A return of one shirt, inspected: its card refund waits for the provider; return.closed is wanted."""
    monkeypatch.setenv("SHOPDESK_WEBHOOKS_ALLOW_PRIVATE", "1")
    endpoint_create(url="http://127.0.0.1:9/hooks", events=["return.closed"])
    order = delivered_shirt_and_scarf()
    ret = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(shirt_line(order).pk, 1, "too_small")],
        method="label",
    ).return_request
    return_mark_received(rma=ret.rma, actor=WAREHOUSE)
    result = return_inspect(
        rma=ret.rma, actor=WAREHOUSE, lines=[InspectionLine(line_id=shirt_line(order).pk, outcome="accepted")]
    )
    (refund,) = Refund.objects.filter(pk__in=result.data["refund"]["refund_ids"])
    return ReturnRequest.objects.get(pk=ret.pk), refund


def _race(refund: Refund, first: str, second: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    threads = [
        _in_thread(
            lambda event_id=event_id: refund_event_apply(
                refund_id=refund.pk, event_id=event_id, kind="succeeded", reason="", actor=PROVIDER
            ),
            results,
            name,
        )
        for name, event_id in (("a", first), ("b", second))
    ]
    for thread in threads:
        thread.join(20)
    return results


@pytest.mark.parametrize(("first", "second"), [("evt-1", "evt-1"), ("evt-1", "evt-2")])
def test_a_success_twice_at_once_closes_the_return_once(
    refunded_return: tuple[ReturnRequest, Refund], first: str, second: str
) -> None:
    ret, refund = refunded_return
    assert ret.status == ReturnStatus.REFUNDED

    results = _race(refund, first, second)

    assert len(results) == 2 and not any(isinstance(r, Exception) for r in results.values()), results
    refund.refresh_from_db()
    ret.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and ret.status == ReturnStatus.CLOSED
    closes = ret.events.filter(kind=ReturnEventKind.STATUS_CHANGED, to_status=ReturnStatus.CLOSED)
    assert closes.count() == 1
    assert WebhookEvent.objects.filter(type="return.closed").count() == 1
