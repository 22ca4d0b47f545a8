"""A refund's life after it is recorded: the demo provider answers it as a scheduled job (pending →
processing → succeeded); a refused refund is sent again, then handed to an agent as a case, once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shopdesk.core.actors import Actor
from shopdesk.orders.models import Order
from shopdesk.payments.enums import RefundStatus
from shopdesk.payments.models import Payment, Refund
from shopdesk.payments.services.refund_events import refund_event_apply
from shopdesk.payments.services.refund_follow_up import refund_demo_settle, refund_demo_step
from shopdesk.returns.services import ReturnLineRequest, return_create
from shopdesk.returns.warehouse import InspectionLine, return_inspect, return_mark_received
from shopdesk.shipping.models import Case, CaseKind
from tests.orders.test_services_states import scarf_line
from tests.returns.conftest import delivered_shirt_and_scarf

pytestmark = pytest.mark.django_db
STORE = Actor.integration("warehouse")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _refund_of_a_return(order: Order) -> Refund:
    scarf = scarf_line(order)
    created = return_create(
        order=order,
        actor=Actor.customer(order.email),
        lines=[ReturnLineRequest(scarf.pk, 1, "defective")],
        method="label",
    )
    return_mark_received(rma=created.data["rma"], actor=STORE)
    return_inspect(rma=created.data["rma"], actor=STORE, lines=[InspectionLine(scarf.pk, "accepted")])
    return Refund.objects.get(order=order)


@override_settings(SHOPDESK_DEMO_REFUNDS=True, SHOPDESK_DEMO_REFUND_SECONDS=45, TASKS=DB_TASKS)
def test_a_new_refund_is_answered_by_the_demo_provider_after_the_delay(django_capture_on_commit_callbacks):
    order = delivered_shirt_and_scarf()
    with django_capture_on_commit_callbacks(execute=True):
        refund = _refund_of_a_return(order)
    job = DBTaskResult.objects.get()
    assert job.task_path.endswith("refund_demo_settle") and job.args_kwargs["args"] == [refund.pk]
    wait = job.run_after - timezone.now()
    assert dt.timedelta(seconds=30) < wait <= dt.timedelta(seconds=45)
    assert refund.status == RefundStatus.PENDING

    assert refund_demo_settle.call(refund.pk) == RefundStatus.SUCCEEDED
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (RefundStatus.SUCCEEDED, 1) and refund.completed_at
    assert refund_demo_step(refund_id=refund.pk).status == RefundStatus.SUCCEEDED  # a repeat changes nothing


@override_settings(SHOPDESK_DEMO_REFUNDS=True, SHOPDESK_REFUND_ATTEMPTS=3, TASKS=DB_TASKS)
def test_a_refused_refund_is_sent_again_then_handed_to_an_agent(django_capture_on_commit_callbacks):
    order = delivered_shirt_and_scarf()
    Payment.objects.filter(order=order).update(card_last4="0002")
    refund = _refund_of_a_return(order)

    with django_capture_on_commit_callbacks(execute=True):
        assert refund_demo_step(refund_id=refund.pk).status == RefundStatus.FAILED
    assert DBTaskResult.objects.count() == 1  # the retry is scheduled
    assert not Case.objects.exists()
    refund_demo_step(refund_id=refund.pk)
    last = refund_demo_step(refund_id=refund.pk)

    assert (last.status, last.attempts) == (RefundStatus.FAILED, 3)
    case = Case.objects.get(refund=refund)
    assert case.kind == CaseKind.REFUND_FAILED and "card is closed" in case.details["failure"]
    payment = Payment.objects.get(order=order)
    assert payment.amount_refunded == refund.amount == Decimal("30.00")  # recorded once, however many tries


@override_settings(SHOPDESK_DEMO_REFUNDS=False)
def test_a_providers_failure_goes_to_an_agent_at_once_and_once():
    order = delivered_shirt_and_scarf()
    refund = _refund_of_a_return(order)
    for _ in range(2):
        refund_event_apply(
            refund_id=refund.pk, event_id="evt-1", kind="failed", reason="Account closed", actor=STORE
        )
    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.FAILED
    assert Case.objects.filter(refund=refund, kind=CaseKind.REFUND_FAILED).count() == 1
