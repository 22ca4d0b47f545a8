"""Payment and refund states move only along their tables, through one function each."""

from __future__ import annotations

import pytest
from django.utils import timezone

from shopdesk.core.errors import Conflict
from shopdesk.payments.enums import PAYMENT_TRANSITIONS, REFUND_TRANSITIONS, PaymentState, RefundStatus
from shopdesk.payments.models import Payment, Refund
from shopdesk.payments.services.status import payment_state_check, payment_transition, refund_transition
from tests.orders.test_services_states import authorised_only, paid_order_of_shirt_and_scarf
from tests.payments.test_refunds import _refund

pytestmark = pytest.mark.django_db


def test_every_state_has_a_row_in_its_table():
    assert set(PAYMENT_TRANSITIONS) == set(PaymentState.values)
    assert set(REFUND_TRANSITIONS) == set(RefundStatus.values)


def test_a_refund_runs_pending_processing_succeeded():
    refund = _refund(paid_order_of_shirt_and_scarf(), "30.00", "s-1")
    now = timezone.now()
    assert refund.status == RefundStatus.PENDING
    refund = refund_transition(refund_id=refund.pk, to_status=RefundStatus.PROCESSING, now=now)
    refund = refund_transition(refund_id=refund.pk, to_status=RefundStatus.SUCCEEDED, now=now)
    assert refund.status == RefundStatus.SUCCEEDED and refund.completed_at == now
    with pytest.raises(Conflict) as error:
        refund_transition(refund_id=refund.pk, to_status=RefundStatus.FAILED, now=now)
    assert error.value.code == "refund_transition_refused"


def test_a_failed_refund_may_be_retried_but_never_skips_processing():
    refund = _refund(paid_order_of_shirt_and_scarf(), "30.00", "s-2")
    now = timezone.now()
    with pytest.raises(Conflict):
        refund_transition(refund_id=refund.pk, to_status=RefundStatus.SUCCEEDED, now=now)
    refund_transition(refund_id=refund.pk, to_status=RefundStatus.PROCESSING, now=now)
    refund_transition(refund_id=refund.pk, to_status=RefundStatus.FAILED, now=now)
    refund = refund_transition(refund_id=refund.pk, to_status=RefundStatus.PROCESSING, now=now)
    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.PROCESSING


def test_a_captured_payment_never_goes_back():
    for wanted in (PaymentState.AUTHORISED, PaymentState.VOIDED, PaymentState.DECLINED):
        with pytest.raises(Conflict):
            payment_state_check(current=PaymentState.CAPTURED, wanted=wanted)


def test_a_transition_from_a_state_the_payment_left_changes_nothing():
    order = paid_order_of_shirt_and_scarf()  # captured
    payment = Payment.objects.get(order=order)
    with pytest.raises(Conflict):
        payment_transition(
            payment_id=payment.pk, from_state=PaymentState.AUTHORISED, to_state=PaymentState.VOIDED
        )
    assert Payment.objects.get(pk=payment.pk).state == PaymentState.CAPTURED
    authorised_only(order)
    payment_transition(
        payment_id=payment.pk, from_state=PaymentState.AUTHORISED, to_state=PaymentState.VOIDED
    )
    assert Payment.objects.get(pk=payment.pk).state == PaymentState.VOIDED
